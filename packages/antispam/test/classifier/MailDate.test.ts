// The Date field's and Received stamps' usual form read by hand (`rfc5322Time`): for every text it
// reads, the time `Date.parse` gives; the texts near that form it must leave to `Date.parse`
// (years written short, times and zones out of range, names in other cases, extra text) are
// generated with it, and `parseDate` gives what it gave before for any text. Never throws.
import { fc, test } from "@fast-check/vitest"
import { describe, expect, it } from "vitest"
import { parseDate } from "../../src/classifier/HeaderAnomalies.ts"
import { rfc5322Time } from "../../src/classifier/MailDate.ts"

/** `parseDate` as it was: `Date.parse` alone after the comments are dropped. */
const parseDateBefore = (value: string | undefined): number | undefined => {
  if (value === undefined) return undefined
  const t = Date.parse((value.includes("(") ? value.replace(/\([^)]*\)/g, "") : value).trim().slice(0, 200))
  return Number.isNaN(t) ? undefined : t
}

const pad = (n: number, width: number) => String(n).padStart(width, "0")
const weekdays = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun", "mon", "Xyz", "Monday", "Sun,"]
const months = [
  "Jan",
  "Feb",
  "Mar",
  "Apr",
  "May",
  "Jun",
  "Jul",
  "Aug",
  "Sep",
  "Oct",
  "Nov",
  "Dec",
  "nov",
  "NOV",
  "November",
  "Foo"
]
const zones = [
  "+0000",
  "-0400",
  "+0530",
  "+2359",
  "-1200",
  "+2400",
  "+0060",
  "+0099",
  "+9999",
  "GMT",
  "UT",
  "EST",
  "Z",
  "+000",
  "+00000",
  "0000",
  "+01:00"
]

/** Mostly `usual`, now and then `other`: most texts are of the usual form, the rest around it. */
const mostly = <T>(usual: fc.Arbitrary<T>, other: fc.Arbitrary<T>) =>
  fc.oneof({ weight: 5, arbitrary: usual }, { weight: 1, arbitrary: other })

/** Texts of the usual form and around it: each part in and out of its range, separators varied. */
const nearDates = fc
  .record({
    weekday: fc.option(fc.constantFrom(...weekdays)),
    comma: mostly(fc.constant(", "), fc.constantFrom(",", " ", ",  ")),
    day: mostly(fc.integer({ min: 1, max: 28 }), fc.integer({ min: 0, max: 40 })),
    dayWidth: fc.constantFrom(1, 2, 3),
    month: fc.constantFrom(...months),
    year: mostly(
      fc.integer({ min: 1000, max: 2200 }),
      fc.oneof(
        fc.integer({ min: 0, max: 120 }),
        fc.integer({ min: 900, max: 1000 }),
        fc.integer({ min: 9990, max: 10020 })
      )
    ),
    yearWidth: mostly(fc.constant(4), fc.constantFrom(2, 3, 5)),
    hour: fc.integer({ min: 0, max: 30 }),
    hourWidth: fc.constantFrom(1, 2),
    minute: fc.integer({ min: 0, max: 99 }),
    second: fc.option(fc.integer({ min: 0, max: 99 })),
    zone: mostly(
      fc
        .tuple(fc.constantFrom("+", "-"), fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 }))
        .map(([sign, h, m]) => `${sign}${pad(h, 2)}${pad(m, 2)}`),
      fc.oneof(
        fc.constantFrom(...zones),
        fc.integer({ min: 0, max: 9999 }).map((n) => `+${pad(n, 4)}`)
      )
    ),
    gap: mostly(fc.constant(" "), fc.constantFrom("  ", "\t")),
    tail: mostly(fc.constant(""), fc.constantFrom(" ", " x", " (EST)", "\n"))
  })
  .map(
    (p) =>
      `${p.weekday === null ? "" : `${p.weekday}${p.comma}`}${pad(p.day, p.dayWidth)} ${p.month}${p.gap}${pad(p.year, p.yearWidth)} ` +
      `${pad(p.hour, p.hourWidth)}:${pad(p.minute, 2)}${p.second === null ? "" : `:${pad(p.second, 2)}`} ${p.zone}${p.tail}`
  )

describe("MailDate", () => {
  it("reads the usual forms as Date.parse does", () => {
    for (const s of [
      "Sun, 1 Nov 2026 20:38:54 +0000",
      "Thu, 22 Aug 2002 07:36:16 -0400",
      "22 Aug 2002 07:36:16 +0530",
      "Mon, 29 Feb 2016 23:59:59 -1200",
      "Tue, 01 Jan 2030 0:00 +0100"
    ]) {
      expect(rfc5322Time(s)).toBe(Date.parse(s))
      expect(rfc5322Time(s)).not.toBeUndefined()
    }
  })

  it("leaves what Date.parse reads oddly or not at all to it", () => {
    for (const s of [
      "Sun, 1 Nov 0026 20:38:54 +0000",
      "Sun, 1 Nov 26 20:38:54 +0000",
      "Sun, 1 Nov 2026 24:00:00 +0000",
      "Sun, 1 Nov 2026 20:38:60 +0000",
      "Sun, 1 Nov 2026 20:38:54 +0099",
      "Sun, 31 Nov 2026 20:38:54 +0000",
      "Sun, 29 Feb 2100 20:38:54 +0000",
      "Sun, 1 Nov 2026 20:38:54 GMT",
      "Sun, 1 nov 2026 20:38:54 +0000",
      "Sun,1 Nov 2026 20:38:54 +0000",
      "Sun, 1 Nov 2026 20:38:54 +0000 x",
      "",
      "1"
    ])
      expect(rfc5322Time(s)).toBeUndefined()
  })

  test.prop([nearDates], { numRuns: 3000 })("answers only what Date.parse gives", (s) => {
    const read = rfc5322Time(s)
    if (read !== undefined) expect(read).toBe(Date.parse(s))
  })

  test.prop([fc.oneof(nearDates, fc.string({ maxLength: 60 }), fc.string({ unit: "binary", maxLength: 40 }))], {
    numRuns: 2000
  })("parseDate gives what it gave before, for any text", (s) => {
    expect(parseDate(s)).toBe(parseDateBefore(s))
    expect(parseDate(`${s} (comment)`)).toBe(parseDateBefore(`${s} (comment)`))
  })

  test.prop([fc.string({ maxLength: 80 })])("never throws", (s) => {
    expect(() => rfc5322Time(s)).not.toThrow()
  })
})
