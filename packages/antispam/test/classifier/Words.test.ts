import { fc, test } from "@fast-check/vitest"
import { describe, expect, it } from "vitest"
import { MessageModel } from "@mailmoat/core"
import { INVISIBLE, pushWords, words } from "../../src/classifier/Words.ts"

// Text with plenty of white space of every kind, invisible and control characters.
const text = fc.string({
  unit: fc.oneof(
    fc.constantFrom(" ", "\t", "\n", "\r\n", "\u00a0", "\u2003", "\u3000", "\ufeff", "\u200b", "\u0001", "\u00ad"),
    fc.constantFrom("a", "B", "7", "$", "!", "@", ".", "-", "é", "Ж", "ß", "İ"),
    fc.string({ unit: "grapheme", maxLength: 3 })
  ),
  maxLength: 400
})

describe("words", () => {
  it("splits on exactly the white space of \\s", () => {
    for (let c = 0; c < 0x10000; c++)
      expect(MessageModel.isWhitespace(c), c.toString(16)).toBe(/\s/.test(String.fromCharCode(c)))
  })

  test.prop([text])("gives the tokens of the white-space runs of the cleaned text, in order", (t) => {
    const cleaned = t
      .replace(INVISIBLE, "")
      .replace(/[\u0000-\u0008\u000E-\u001F\u007F]/g, "")
      .toLowerCase()
    expect(words(t)).toEqual(cleaned.split(/\s+/).flatMap((run) => (run.length > 0 ? words(run) : [])))
  })

  test.prop([text, fc.nat(50)])("stops at maxWords, keeping the first ones", (t, max) => {
    expect(words(t, { maxWords: max })).toEqual(words(t).slice(0, max))
  })

  test.prop([text, fc.array(fc.string(), { maxLength: 5 }), fc.nat(50)])(
    "pushWords appends what words gives, maxWords counted from what was there",
    (t, before, max) => {
      const into = [...before]
      expect(pushWords(t, into, { prefix: "p:", maxWords: max })).toBe(into)
      expect(into).toEqual([...before, ...words(t, { prefix: "p:", maxWords: max })])
    }
  )
})
