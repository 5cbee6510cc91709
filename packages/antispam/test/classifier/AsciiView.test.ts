import { fc, test } from "@fast-check/vitest"
import { describe, expect, it } from "vitest"
import { AsciiView } from "../../src/classifier/AsciiView.ts"

const isAscii = (s: string): boolean => {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7f) return false
  return true
}

// ASCII with now and then a character that is not: Latin-1, other planes, lone surrogates.
const text = fc.string({
  unit: fc.oneof(
    { weight: 20, arbitrary: fc.integer({ min: 0, max: 127 }).map((c) => String.fromCharCode(c)) },
    { weight: 1, arbitrary: fc.constantFrom("\u0080", "é", "ÿ", "Ā", "中", "😀", "\uD835", "\uDC9C", "\uFFFF") }
  ),
  maxLength: 200
})

describe("AsciiView", () => {
  test.prop([fc.array(text, { minLength: 1, maxLength: 5 })])(
    "gives a text's codes exactly when all are ASCII, whatever texts it was given before",
    (texts) => {
      const view = new AsciiView()
      for (const t of texts) {
        const bytes = view.of(t)
        expect(bytes !== undefined).toBe(isAscii(t))
        if (bytes !== undefined)
          expect(Array.from(bytes.subarray(0, t.length))).toEqual(Array.from(t, (c) => c.charCodeAt(0)))
      }
    }
  )

  it("grows past its first buffer, and sees a character that is not ASCII at the end of a long text", () => {
    const view = new AsciiView()
    const long = "a".repeat(10_000)
    expect(
      view
        .of(long)
        ?.subarray(0, long.length)
        .every((b) => b === 97)
    ).toBe(true)
    expect(view.of(`${long}é`)).toBeUndefined()
    expect(view.of(`${long}\uD835`)).toBeUndefined()
    expect(view.of("")).toBeDefined()
  })

  it("leaves a text longer than 256 K characters to the string loop, and keeps no buffer of its size", () => {
    const view = new AsciiView()
    expect(view.of("a".repeat(1 << 18))).toBeDefined()
    expect(view.of("a".repeat((1 << 18) + 1))).toBeUndefined()
    const short = view.of("abc")
    expect(short?.length).toBeLessThanOrEqual(1 << 18)
  })
})
