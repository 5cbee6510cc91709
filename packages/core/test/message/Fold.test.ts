import { fc, test } from "@fast-check/vitest"
import { describe, expect, it } from "vitest"
import { fold } from "../../src/message/Fold.ts"
import { fold as foldBefore } from "./oracle/FoldBefore.ts"

// Characters that decide where a line breaks: spaces and tabs (the break points), line ends and
// NUL (neutralised), the other whitespace `trim` removes (a word of only those is no break
// point), and visible ASCII and non-ASCII letters.
const tricky = fc.constantFrom(
  ...Array.from(" \t\r\n\0\v\f\u00a0\u1680\u2000\u200a\u2028\u202f\u3000\ufeff\u200baZ;=\u00e9\u{1f600}")
)
const text = fc.oneof(
  fc.array(tricky, { maxLength: 200 }).map((cs) => cs.join("")),
  fc.string({ maxLength: 300, unit: "binary" }),
  fc
    .array(fc.tuple(fc.stringMatching(/^[!-~]{1,40}$/), fc.constantFrom(" ", "\t", "  ", " \t")), { maxLength: 40 })
    .map((ws) => ws.map(([w, sep]) => sep + w).join(""))
)

describe("fold", () => {
  test.prop([
    fc.stringMatching(/^[!-9;-~]{1,30}$/),
    text,
    fc.constantFrom("\r\n", "\n"),
    fc.integer({ min: 1, max: 120 })
  ])("gives what the piece-by-piece fold gave, for any value, line end and width", (name, value, eol, width) => {
    expect(fold(name, value, eol, width)).toBe(foldBefore(name, value, eol, width))
  })

  test.prop([fc.string({ unit: "binary" }), fc.string({ unit: "binary" })])("never throws", (name, value) => {
    expect(typeof fold(name, value, "\r\n")).toBe("string")
  })

  it("breaks before the piece that would pass the width, never after the name alone", () => {
    expect(fold("X-Long", `${"a".repeat(90)} b`, "\r\n")).toBe(`X-Long: ${"a".repeat(90)}\r\n b`)
    expect(fold("A", "aaaa bbbb cccc", "\n", 10)).toBe("A: aaaa\n bbbb cccc")
    // A word of only no-break spaces is no place to break.
    expect(fold("A", "aaaa \u00a0\u00a0\u00a0\u00a0\u00a0\u00a0 b", "\n", 8)).toBe(
      "A: aaaa \u00a0\u00a0\u00a0\u00a0\u00a0\u00a0\n b"
    )
  })
})
