// The classifier's hand-written text scans against the regular expressions they replace: the
// tokens of a message must not change, so on any text the scan finds exactly what the expression
// found.
import { fc, test } from "@fast-check/vitest"
import { describe, expect, it } from "vitest"
import { hashRange } from "../../src/classifier/ClueIndex.ts"
import { substitutedWords } from "../../src/classifier/Obfuscation.ts"
import { analyseText, overlap, wordSet } from "../../src/classifier/TextStats.ts"
import { wordSetByRegex } from "./support.ts"

const isWordChar = (c: number): boolean =>
  (c >= 97 && c <= 122) ||
  (c >= 65 && c <= 90) ||
  (c >= 48 && c <= 57) ||
  c === 46 ||
  c === 47 ||
  c === 95 ||
  c === 45 ||
  c === 64 ||
  c === 61

const isSubstituted = (w: string): boolean => {
  if (w.length < 5 || w.length > 20 || !/^[a-z]+(?:[013457$!]{1,2}[a-z]+){1,2}$/i.test(w) || /^[0-9a-f]+$/i.test(w))
    return false
  const letters = w.replace(/[^a-zA-Z]/g, "")
  // One case throughout, or a capital first letter only.
  const oneCase = /^(?:[a-z]+|[A-Z]+|[A-Z][a-z]+)$/.test(letters)
  return letters.length >= 4 && oneCase
}

const substitutedByRegex = (text: string, limit = 10): number => {
  let n = 0
  const sample = text.slice(0, 50_000)
  for (const m of sample.matchAll(/[a-zA-Z0-9$!]{5,20}/g)) {
    const w = m[0]
    if (isWordChar(sample.charCodeAt(m.index - 1)) || isWordChar(sample.charCodeAt(m.index + w.length))) continue
    if (isSubstituted(w) && ++n >= limit) break
  }
  return n
}

// Letters of several scripts and planes, lone surrogates, and the separators the scans stop at.
const letterText = fc.string({
  unit: fc.constantFrom(
    "a",
    "Z",
    "é",
    "ß",
    "ª",
    "©",
    "Ж",
    "中",
    "𝒜",
    "😀",
    "\uD835",
    "\uDC9C",
    " ",
    "-",
    "1",
    "\n",
    "×"
  ),
  maxLength: 400
})
// Runs of word characters with look-alike digits and symbols, of every length around 5 and 20.
const runText = fc
  .array(
    fc.constantFrom(
      "v1agra",
      "V1agra",
      "V1AGRA",
      "Buy",
      "Now",
      "PEAK",
      "m0rtgage",
      "pa$$w",
      "ord",
      "qqqq",
      "q".repeat(13),
      `${"q".repeat(19)}$`,
      `${"q".repeat(18)}!`,
      "$",
      "!",
      "1",
      "a",
      " ",
      ".",
      "@",
      "\n",
      "A"
    ),
    { maxLength: 60 }
  )
  .map((pieces) => pieces.join(""))

describe("classifier text scans", () => {
  test.prop([fc.oneof(letterText, fc.string({ unit: "grapheme", maxLength: 600 }))])(
    "wordSet finds the words /\\p{L}{3,}/gu finds",
    (text) => {
      expect(wordSet(text).toArray()).toEqual([...wordSetByRegex(text)])
    }
  )

  test.prop([fc.oneof(letterText, fc.string({ unit: "grapheme", maxLength: 600 }))])(
    "wordSet keys each word by its hashRange, as a set of the words' strings would",
    (text) => {
      const set = wordSet(text)
      for (let i = 0; i < set.size; i++) {
        const word = set.tokenAt(i)
        expect(set.hashAt(i)).toBe(hashRange(word, 0, word.length))
      }
    }
  )

  test.prop([fc.oneof(letterText, fc.string({ unit: "grapheme", maxLength: 300 })), letterText])(
    "overlap gives the share of shared words that Sets of the expression's words gave",
    (a, b) => {
      const before = (p: string, q: string): number => {
        const [x, y] = [wordSetByRegex(p), wordSetByRegex(q)]
        const [small, large] = x.size <= y.size ? [x, y] : [y, x]
        return small.size === 0 ? 1 : [...small].filter((w) => large.has(w)).length / small.size
      }
      // Unrelated texts share few words; a text and one that holds it share all of the first's.
      for (const [p, q] of [
        [a, b],
        [b, `${a} ${b}`],
        [`${a} ${b}`, a]
      ] as const)
        expect(overlap(p, q)).toBe(before(p, q))
    }
  )

  // ASCII alone, which `wordSet` reads as bytes (`AsciiView`): capitals, digits, marks, white space.
  const asciiText = fc.string({
    unit: fc.oneof(
      fc.constantFrom("the", "The", "THE", "an", "a1b", "word", "Word", " ", "\n", "-", "@", "x"),
      fc.string({ unit: fc.integer({ min: 0, max: 127 }).map((c) => String.fromCharCode(c)), maxLength: 5 })
    ),
    maxLength: 400
  })
  test.prop([asciiText, letterText])("wordSet finds in an ASCII text the words /\\p{L}{3,}/gu finds", (text, other) => {
    expect(wordSet(text).toArray()).toEqual([...wordSetByRegex(text)])
    const set = wordSet(text)
    for (let i = 0; i < set.size; i++) expect(set.hashAt(i)).toBe(hashRange(set.tokenAt(i), 0, set.lengthAt(i)))
    // A text that is not ASCII, read after it, as the expression reads it.
    expect(wordSet(other).toArray()).toEqual([...wordSetByRegex(other)])
  })

  it("wordSet stops at 400 distinct words, as the expression's loop did", () => {
    const text = Array.from(
      { length: 600 },
      (_, i) => `w${String.fromCharCode(97 + (i % 26), 97 + Math.floor(i / 26))}x`
    )
      .join(" ")
      .replace(/\d/g, "")
    expect(wordSet(text).size).toBe(400)
    expect(wordSet(text).toArray()).toEqual([...wordSetByRegex(text)])
  })

  test.prop([fc.oneof(runText, fc.string({ maxLength: 400 })), fc.integer({ min: 1, max: 10 })], { numRuns: 300 })(
    "substitutedWords counts what /[a-zA-Z0-9$!]{5,20}/g found",
    (text, limit) => {
      expect(substitutedWords(text, limit)).toBe(substitutedByRegex(text, limit))
    }
  )

  it("cuts a long run into the expression's pieces of 20", () => {
    // 20 letters, then `v1agra` right after a `$` (not a word character): the second piece counts.
    const text = `${"q".repeat(19)}$v1agra p4ssw0rd`
    expect(substitutedWords(text)).toBe(substitutedByRegex(text))
    expect(substitutedWords(text)).toBe(2)
  })

  // Versions of a message drawn from one pool of words, so that their overlap falls on either
  // side of text_html_mismatch's 0.3 (and its 15 words a version), in any order and repeated.
  const pool = Array.from({ length: 60 }, (_, i) => `w${String.fromCharCode(97 + (i % 26), 97 + Math.floor(i / 26))}rd`)
  const version = fc
    .tuple(
      fc.nat(59),
      fc.integer({ min: 5, max: 60 }),
      fc.array(fc.oneof(fc.nat(), fc.constantFrom("Ünïcode", "a1", "𝒜𝒷𝒸", "x")), {
        minLength: 10,
        maxLength: 150,
        size: "max"
      })
    )
    .map(([from, width, picks]) =>
      picks.map((p) => (typeof p === "number" ? pool[(from + (p % width)) % pool.length] : p)).join(" ")
    )
  const asciiVersion = version.map((v) => v.replace(/[^\x00-\x7f]/g, "q"))
  test.prop([asciiVersion, asciiVersion], { numRuns: 500 })(
    "text_html_mismatch of ASCII versions as their whole word sets and overlap gave it",
    (plain, html) => {
      const before = wordSet(plain).size >= 15 && wordSet(html).size >= 15 && overlap(plain, html) < 0.3
      expect(analyseText("", [plain, html]).features.includes("text_html_mismatch")).toBe(before)
    }
  )

  test.prop([version, version], { numRuns: 1000 })(
    "text_html_mismatch as the two versions' whole word sets and their overlap gave it",
    (plain, html) => {
      const before = wordSet(plain).size >= 15 && wordSet(html).size >= 15 && overlap(plain, html) < 0.3
      expect(analyseText("", [plain, html]).features.includes("text_html_mismatch")).toBe(before)
    }
  )
})
