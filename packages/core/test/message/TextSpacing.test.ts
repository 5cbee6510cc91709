import { fc, test } from "@fast-check/vitest"
import { describe, expect, it } from "vitest"
import { tidy } from "../../src/message/TextSpacing.ts"

/** The replaces `tidy` stands for, in a row. */
const byReplaces = (s: string): string =>
  s
    .replace(/[\u00ad\u200b-\u200d\u2060\ufeff]/g, "")
    .replace(/[ \t\r\f\v\u00a0]+/g, " ")
    .replace(/ ?\n ?/g, "\n")
    .replace(/\n+/g, "\n")
    .trim()

// Text dense in what the pass treats specially (blanks, line feeds, zero-width characters, other
// Unicode spaces that only trim() removes), mixed with letters and arbitrary code units.
const special = fc.constantFrom(
  " ",
  "\t",
  "\r",
  "\n",
  "\f",
  "\v",
  "\u00a0",
  "\u00ad",
  "\u200b",
  "\u200c",
  "\u200d",
  "\u2060",
  "\ufeff",
  "\u2028",
  "\u3000",
  "\u1680",
  "\u200a",
  "\u001f",
  "\u00a1",
  "a",
  "Z",
  "é"
)
const text = fc.oneof(
  fc.array(special, { maxLength: 40 }).map((a) => a.join("")),
  fc.array(fc.oneof(special, fc.string({ unit: "binary", maxLength: 4 })), { maxLength: 30 }).map((a) => a.join("")),
  fc.string({ unit: "grapheme" })
)

describe("text spacing", () => {
  it("drops zero-width characters, folds runs of blanks and line feeds, trims", () => {
    expect(tidy("  fr\u00adee \u200b mo\u200bney\t\u00a0 \r\n \n\nnow  ")).toBe("free money\nnow")
    expect(tidy("a \u200b\n\u200b b")).toBe("a\nb")
    expect(tidy("plain")).toBe("plain")
    expect(tidy("\u2028 x \u2028")).toBe("x")
    expect(tidy("")).toBe("")
  })

  test.prop([text], { numRuns: 2000 })("gives what the replaces give", (s) => {
    expect(tidy(s)).toBe(byReplaces(s))
  })

  test.prop([fc.string({ unit: "binary" })])("never throws on arbitrary code units (lone surrogates too)", (s) => {
    expect(tidy(s)).toBe(byReplaces(s))
  })

  test.prop([text, text])("tidying twice changes nothing; a line break between two texts stays one", (a, b) => {
    expect(tidy(tidy(a))).toBe(tidy(a))
    const joined = tidy(`${a}\n${b}`)
    expect(joined).toBe(byReplaces(`${a}\n${b}`))
  })
})
