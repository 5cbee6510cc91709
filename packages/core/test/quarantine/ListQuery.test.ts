// What a listing selects, stated once for every store: the filter keeps exactly what the admin
// listing's matcher kept when it filtered every entry itself (its rules copied below as the
// oracle), and pages taken with cursors cover every match once, in order.
import { fc, test } from "@fast-check/vitest"
import { describe, expect } from "vitest"
import { Quarantine, type QuarantineMeta } from "../../src/index.ts"

/** The admin listing's matcher before filters moved into the stores (QuarantineService, 07962f4). */
const oracle = (
  i: {
    id: string
    receivedAt: string
    sender: string
    from: string
    subject: string
    recipients: ReadonlyArray<string>
  },
  f: Quarantine.ListFilter
): boolean => {
  const lower = (s: string) => s.toLowerCase()
  if (f.recipient && !i.recipients.some((r) => lower(r) === lower(f.recipient!))) return false
  if (f.since && i.receivedAt < new Date(f.since).toISOString()) return false
  if (f.until && i.receivedAt >= new Date(f.until).toISOString()) return false
  if (f.q) {
    const q = lower(f.q)
    if (![i.id, i.sender, i.from, i.subject, ...i.recipients].some((v) => lower(v).includes(q))) return false
  }
  return true
}

const word = fc.oneof(fc.constantFrom("Alpha", "beta", "İstanbul", "ß", ""), fc.string({ maxLength: 6 }))
const time = fc.integer({ min: 0, max: 10 }).map((m) => Date.parse("2026-01-01T00:00:00Z") + m * 60_000)
const meta: fc.Arbitrary<QuarantineMeta> = fc
  .record({
    n: fc.nat(1_000_000),
    received: fc.option(time, { nil: 0 }),
    stored: time,
    sender: word,
    from: fc.option(word, { nil: undefined }),
    subject: fc.option(word, { nil: undefined }),
    recipients: fc.array(word, { maxLength: 3 })
  })
  .map((m) => ({
    id: `2026-${m.n.toString().padStart(7, "0")}`,
    storedAt: new Date(m.stored).toISOString(),
    envelope: {
      clientAddress: "192.0.2.1",
      helo: "h",
      mailFrom: m.sender,
      rcptTo: m.recipients,
      tls: false,
      sessionFlags: [],
      receivedAt: m.received
    },
    recipients: m.recipients,
    reason: "spam",
    size: 1,
    subject: m.subject,
    from: m.from
  }))
const metas = fc.uniqueArray(meta, { selector: (m) => m.id, maxLength: 25 })
const date = fc.constantFrom("2026-01-01T00:03:00Z", "2026-01-01", "2026-01-01T00:07:30.000Z", "")
const filter: fc.Arbitrary<Quarantine.ListFilter> = fc.record(
  { recipient: word, q: word, since: date, until: date },
  { requiredKeys: [] }
)

describe("quarantine listing queries", () => {
  test.prop([metas, filter])("the filter keeps what the admin listing kept", (all, f) => {
    const keep = Quarantine.compileFilter(f) ?? (() => true)
    for (const m of all) {
      const row = Quarantine.rowOf(m)
      expect(keep(row)).toBe(oracle({ ...row, receivedAt: row.received }, f))
    }
  })

  test.prop([
    metas,
    fc.option(filter, { nil: undefined }),
    fc.constantFrom("stored" as const, "received" as const),
    fc.integer({ min: 1, max: 7 })
  ])("pages by cursor cover every match once, newest first", (all, f, order, limit) => {
    const whole = Quarantine.pageOf(all, { filter: f, order, limit: all.length })
    const seen: Array<string> = []
    let after: { at: string; id: string } | undefined
    for (;;) {
      const page = Quarantine.pageOf(all, { filter: f, order, limit, after })
      expect(page.total).toBe(whole.total)
      seen.push(...page.entries.map((m) => m.id))
      const last = page.entries[page.entries.length - 1]
      if (page.entries.length < limit || last === undefined) break
      after = { at: Quarantine.keyOf(Quarantine.rowOf(last), order), id: last.id }
    }
    expect(seen).toEqual(whole.entries.map((m) => m.id))
    const keys = whole.entries.map((m) => Quarantine.keyOf(Quarantine.rowOf(m), order))
    expect(keys).toEqual([...keys].sort().reverse())
  })
})
