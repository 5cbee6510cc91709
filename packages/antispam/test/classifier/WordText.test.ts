// The body is lower-cased once (Words.wordText) for the word scan and for the word sets of a
// message's two versions (TextStats' `Versions`, the tokenizer's `versionsIn`): text_html_mismatch
// must be what the old path, which lower-cased and encoded each version itself, finds: what its
// definition gives, the words `/\p{L}{3,}/gu` finds in each version (TextScans.test.ts holds the old
// scans to it) and their overlap. (The word scan's own reading of `wordText` is held to the old
// tokenizer's tokens by TokenizerOrder.test.ts.)
import { fc, test } from "@fast-check/vitest"
import { describe, expect, it } from "vitest"
import { analyseText, textStats } from "../../src/classifier/TextStats.ts"
import { bodyText, tokenize, versionsIn } from "../../src/classifier/Tokenizer.ts"
import { hasDropped, wordBytes, wordText } from "../../src/classifier/Words.ts"
import { parse, wordSetByRegex } from "./support.ts"

// Versions drawn from one pool of words (so that their overlap falls either side of 0.3), in
// either case, with what lower-casing changes in place or not (the Kelvin sign gives an ASCII
// `k`, U+0130 two characters), letters of other scripts, and characters the word scan drops.
const pool = Array.from({ length: 40 }, (_, i) => `w${String.fromCharCode(97 + (i % 26), 97 + Math.floor(i / 26))}rd`)
const piece = fc.oneof(
  { weight: 12, arbitrary: fc.nat(39).map((i) => pool[i]!) },
  { weight: 3, arbitrary: fc.nat(39).map((i) => pool[i]!.toUpperCase()) },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      "Ab1",
      "x",
      "12",
      "!!",
      "\u212aey",
      "\u0130st",
      "\u00e9t\u00e9",
      "w\u200bx",
      "a\u0007b",
      "\t"
    )
  }
)
const version = fc.array(piece, { minLength: 5, maxLength: 120 }).map((p) => p.join(" "))
const asciiVersion = version.map((v) => v.replace(/[^\x00-\x7f]/g, "q"))
const versions = fc.tuple(fc.oneof(asciiVersion, version), fc.oneof(asciiVersion, version))

/** text_html_mismatch by its definition: both versions have 15 words, and share under 0.3 of the fewer. */
const mismatchOf = ([plain, html]: readonly [string, string]): boolean => {
  const a = wordSetByRegex(plain)
  const b = wordSetByRegex(html)
  if (a.size < 15 || b.size < 15) return false
  const [small, large] = a.size <= b.size ? [a, b] : [b, a]
  let shared = 0
  for (const w of small) if (large.has(w)) shared++
  return shared / small.size < 0.3
}

/** `analyseText` as the tokenizer calls it for a message whose two texts are `texts`. */
const analysed = (texts: readonly [string, string]) => {
  const text = bodyText(texts)
  const dropped = hasDropped(text)
  const read = wordText(text, { maxChars: 150_000, noneDropped: !dropped })
  return analyseText(texts[1], texts, textStats(texts[1]), versionsIn(read, texts, dropped))
}

describe("the body lower-cased once", () => {
  test.prop([versions], { numRuns: 1000 })("gives text_html_mismatch as the versions' own word sets do", (texts) => {
    const out = analysed(texts)
    expect(out.features.includes("text_html_mismatch")).toBe(mismatchOf(texts))
    expect(out).toStrictEqual(analyseText(texts[1], texts, textStats(texts[1])))
  })

  test.prop([versions], { numRuns: 1000 })(
    "finds each version, lower-cased, where it says, in a text of ASCII alone",
    (texts) => {
      const text = bodyText(texts)
      const read = wordText(text, { maxChars: 150_000, noneDropped: !hasDropped(text) })
      const versions = versionsIn(read, texts, hasDropped(text))
      expect(versions !== undefined).toBe(!hasDropped(text) && /^[\x00-\x7f]*$/.test(read.input))
      if (versions !== undefined)
        for (const k of [0, 1] as const)
          expect(read.input.slice(versions.starts[k], versions.starts[k] + texts[k].length)).toBe(
            texts[k].toLowerCase()
          )
    }
  )

  it("reads the versions from the body's bytes when it is ASCII, and not otherwise", () => {
    const plain = pool.slice(0, 20).join(" ")
    const html = pool.slice(10, 30).join(" ").toUpperCase()
    const read = (texts: readonly [string, string]) => {
      const text = bodyText(texts)
      return versionsIn(wordText(text, { maxChars: 150_000, noneDropped: !hasDropped(text) }), texts, hasDropped(text))
    }
    expect(read([plain, html])?.starts).toStrictEqual([0, plain.length + 1])
    expect(read([plain, `${html} \u00e9t\u00e9`])).toBeUndefined()
    expect(read([plain, `${html} w\u200bx`])).toBeUndefined()
    expect(read([plain, "x".repeat(150_000)])).toBeUndefined()
    // The mismatch itself, both ways: 20 words each, 10 shared (0.5), or none shared.
    expect(analysed([plain, html]).features).not.toContain("text_html_mismatch")
    expect(analysed([plain, pool.slice(20, 40).join(" ")]).features).toContain("text_html_mismatch")
  })

  it("gives the body's bytes again once the scan's view has read another text", () => {
    const read = wordText("Some Words", {})
    expect(Array.from(wordBytes(read)!.subarray(0, 10))).toStrictEqual(Array.from("some words", (c) => c.charCodeAt(0)))
    wordText("OTHER TEXT", {})
    expect(Array.from(wordBytes(read)!.subarray(0, 10))).toStrictEqual(Array.from("some words", (c) => c.charCodeAt(0)))
    expect(wordBytes(wordText("caf\u00e9", {}))).toBeUndefined()
  })

  const alternative = (plain: string, html: string) =>
    [
      "From: a@example.net",
      "To: b@example.org",
      "Subject: order w1x",
      "MIME-Version: 1.0",
      'Content-Type: multipart/alternative; boundary="b"',
      "",
      "--b",
      "Content-Type: text/plain; charset=utf-8",
      "Content-Transfer-Encoding: 8bit",
      "",
      plain,
      "--b",
      "Content-Type: text/html; charset=utf-8",
      "Content-Transfer-Encoding: 8bit",
      "",
      `<html><body><p>${html}</p></body></html>`,
      "--b--",
      ""
    ].join("\r\n")
  test.prop([versions], { numRuns: 60 })(
    "gives a message with two versions text_html_mismatch as its versions' word sets do",
    ([plain, html]) => {
      const m = parse(alternative(plain, html))
      const [p, h] = m.body.texts
      expect(tokenize(m).features.includes("text_html_mismatch")).toBe(mismatchOf([p!, h!]))
    }
  )
})
