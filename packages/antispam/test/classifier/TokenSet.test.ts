// The tokenizer's set of string pieces holds what a Set<string> of the pieces' strings holds, in
// the same order, whether a token was added as a whole string or as a range of a longer one, and
// scoring from it gives what scoring the strings gives.
import { fc, test } from "@fast-check/vitest"
import { describe, expect, it } from "vitest"
import { hashRange } from "../../src/classifier/ClueIndex.ts"
import { sortedNames, TokenSet } from "../../src/classifier/TokenSet.ts"

// Pieces of a few texts, and whole strings: short, repeated, sharing prefixes, of equal FNV-1a
// hash ("free" and "free\u4511\ua467"), astral characters and lone surrogates.
const unit = fc.constantFrom("a", "b", "e", "f", "r", "\u4511", "\ua467", "\ud83d", "\ude00", " ")
const text = fc.string({ unit, maxLength: 40 })
const whole = fc.oneof(
  fc.constantFrom("free", "free\u4511\ua467", "", "fre", "feat:x"),
  fc.string({ unit, maxLength: 6 })
)
const step = fc.oneof(
  whole.map((t) => ({ text: t, from: 0, to: t.length })),
  fc.tuple(text, fc.nat(40), fc.nat(8)).map(([t, a, n]) => {
    const from = Math.min(a, t.length)
    return { text: t, from, to: Math.min(t.length, from + n) }
  })
)

describe("TokenSet", () => {
  test.prop([fc.array(step, { maxLength: 300 }), fc.array(step, { maxLength: 30 })])(
    "holds what a Set of the pieces' strings holds, in order, and is empty again after clear",
    (steps, next) => {
      const set = new TokenSet()
      for (const round of [steps, next]) {
        set.clear()
        const strings = new Set<string>()
        for (const { text, from, to } of round) {
          const s = text.slice(from, to)
          const added =
            from === 0 && to === text.length
              ? set.add(text)
              : set.addRange(text, from, to - from, hashRange(text, from, to - from))
          expect(added).toBe(!strings.has(s))
          strings.add(s)
        }
        expect(set.size).toBe(strings.size)
        expect(set.toArray()).toStrictEqual([...strings])
      }
    }
  )

  // Pieces of one ASCII text compared by its bytes (`view`): words that repeat, and pairs of
  // equal FNV-1a hash and length ("gwzx" and "16cd", "gwzy" and "16ce"), which only their
  // characters tell apart; whole strings (header tokens) among them.
  const asciiWord = fc.constantFrom("gwzx", "16cd", "gwzy", "16ce", "free", "fre", "a", "")
  const asciiText = fc.array(asciiWord, { minLength: 1, maxLength: 30 }).map((w) => w.join(" "))
  const pick = fc.tuple(fc.nat(200), fc.nat(6), fc.boolean(), fc.boolean())
  test.prop([asciiText, fc.array(pick, { maxLength: 200 })])(
    "holds what a Set of the pieces' strings holds when it compares a viewed text's pieces by their bytes",
    (text, picks) => {
      const set = new TokenSet()
      set.view(
        text,
        Uint8Array.from(text, (c) => c.charCodeAt(0))
      )
      const words = [...text.matchAll(/[^ ]+/g)].map((m) => [m.index, m.index + m[0].length] as const)
      const strings = new Set<string>()
      for (const [at, n, whole, word] of picks) {
        // A word of the text, or any piece of it.
        const [from, to] =
          word && words.length > 0
            ? words[at % words.length]!
            : [Math.min(at, text.length), Math.min(text.length, Math.min(at, text.length) + n)]
        const s = text.slice(from, to)
        // A whole string of the same characters is another string: compared by `charCodeAt`.
        const added = whole
          ? set.add(` ${s}`.slice(1))
          : set.addRange(text, from, to - from, hashRange(text, from, to - from))
        expect(added).toBe(!strings.has(s))
        expect(set.has(text, from, to - from, hashRange(text, from, to - from))).toBe(true)
        strings.add(s)
      }
      set.unview()
      expect(set.toArray()).toStrictEqual([...strings])
    }
  )

  it("tells apart pieces of one viewed text of equal hash and length by their bytes", () => {
    const set = new TokenSet()
    const text = "gwzx 16cd gwzx"
    expect(hashRange(text, 0, 4)).toBe(hashRange(text, 5, 4))
    set.view(
      text,
      Uint8Array.from(text, (c) => c.charCodeAt(0))
    )
    expect(set.addRange(text, 0, 4, hashRange(text, 0, 4))).toBe(true)
    expect(set.addRange(text, 5, 4, hashRange(text, 5, 4))).toBe(true)
    expect(set.addRange(text, 10, 4, hashRange(text, 10, 4))).toBe(false)
    expect(set.toArray()).toStrictEqual(["gwzx", "16cd"])
  })

  it("tells apart pieces of the same hash, one the start of the other", () => {
    const set = new TokenSet()
    const text = "xfree\u4511\ua467"
    expect(set.addRange(text, 1, 6, hashRange(text, 1, 6))).toBe(true)
    expect(set.add("free")).toBe(true)
    expect(set.addRange(text, 1, 4, hashRange(text, 1, 4))).toBe(false)
    expect(set.toArray()).toStrictEqual(["free\u4511\ua467", "free"])
  })

  it("grows past its first size and drops the strings it held on release", () => {
    const set = new TokenSet()
    const body = Array.from({ length: 5_000 }, (_, i) => `w${i}`).join(" ")
    let at = 0
    for (let i = 0; i < 5_000; i++) {
      const length = body.indexOf(" ", at) < 0 ? body.length - at : body.indexOf(" ", at) - at
      set.addRange(body, at, length, hashRange(body, at, length))
      at += length + 1
    }
    expect(set.size).toBe(5_000)
    expect(set.tokenAt(4_999)).toBe("w4999")
    set.release()
    expect(set.textAt(0)).toBe("")
  })
})

describe("sortedNames", () => {
  test.prop([
    fc.array(fc.oneof(whole, fc.string({ unit: "binary", maxLength: 8 }), fc.constantFrom("html_only", "body_caps")), {
      maxLength: 40
    })
  ])("orders a set's names as the built-in sort does", (names) => {
    const set = new Set(names)
    expect(sortedNames(set)).toEqual([...set].sort())
  })
})
