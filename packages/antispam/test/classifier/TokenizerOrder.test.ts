// The tokenizer adds a message's words straight into its set of distinct tokens (Words.addWords),
// no longer through an array of the body's tokens: the tokens, their order and the caps
// (MAX_TOKENS distinct tokens, MAX_TOKENS words) must be those of the old assembly, kept as
// oracle/TokenizerBefore.ts, including the attachment tokens that come after the words. The words
// are held as pieces of the lower-cased body (TokenSet): classifying from them (Classifier's
// `classifyWith`, Score's `scoreSet`) gives what scoring the old tokens' strings gives.
import { fc, test } from "@fast-check/vitest"
import { describe, expect, it } from "vitest"
import { classifyWith } from "../../src/classifier/Classifier.ts"
import { loadModel, shippedModelPath } from "../../src/classifier/index.ts"
import { score } from "../../src/classifier/Score.ts"
import { MAX_TOKENS, tokenize } from "../../src/classifier/Tokenizer.ts"
import { tokenize as tokenizeBefore } from "./oracle/TokenizerBefore.ts"
import { parse } from "./support.ts"

// Words from a vocabulary of 300 (past MAX_TOKENS words, few distinct) or of 20,000 (past
// MAX_TOKENS distinct tokens), with punctuation, addresses and arbitrary strings among them.
const wordsOf = (vocabulary: number) =>
  fc.oneof(
    { weight: 8, arbitrary: fc.nat(vocabulary).map((n) => `w${n}x`) },
    {
      weight: 1,
      arbitrary: fc.constantFrom("free!", "(money)", "a@b.example", "http://x.example/", "ok", "att:type:x")
    },
    { weight: 1, arbitrary: fc.string({ maxLength: 8 }) }
  )
const attachment = fc.record({
  type: fc.constantFrom("application/pdf", "image/gif", "application/octet-stream", "text/x\tbad"),
  name: fc.constantFrom("a.pdf", "invoice.pdf.exe", "w12x", "x.zip", "")
})

const message = (words: ReadonlyArray<string>, attachments: ReadonlyArray<{ type: string; name: string }>) =>
  [
    "From: a@example.net",
    "To: b@example.org",
    "Subject: order w1x",
    "MIME-Version: 1.0",
    'Content-Type: multipart/mixed; boundary="b"',
    "",
    "--b",
    "Content-Type: text/plain; charset=utf-8",
    "",
    words.join(" "),
    ...attachments.flatMap((a) => [
      "--b",
      `Content-Type: ${a.type}; name="${a.name}"`,
      `Content-Disposition: attachment; filename="${a.name}"`,
      "Content-Transfer-Encoding: base64",
      "",
      "AAAA"
    ]),
    "--b--",
    ""
  ].join("\r\n")

const shipped = loadModel(shippedModelPath())

describe("tokenize", () => {
  // Short bodies, and bodies of 2,950-3,600 words (few distinct) and 4,800-5,500 (most distinct), around both caps.
  const words = fc.oneof(
    fc.array(wordsOf(300), { maxLength: 60 }),
    fc.array(wordsOf(300), { minLength: 2_950, maxLength: 3_600 }),
    fc.array(wordsOf(20_000), { minLength: 4_800, maxLength: 5_500 })
  )
  test.prop([words, fc.array(attachment, { maxLength: 3 })], { numRuns: 12 })(
    "gives the old tokens in the old order, words and attachments under both caps",
    (words, attachments) => {
      const m = parse(message(words, attachments))
      expect(tokenize(m)).toStrictEqual(tokenizeBefore(m))
      expect(classifyWith(shipped, m).score).toStrictEqual(score(shipped, tokenizeBefore(m)))
    }
  )

  // Words with the characters the word scan drops (invisible ones, other controls) in and between
  // them, or none: the scan is told when the body holds none (Words.hasDropped).
  const dropped = fc.constantFrom("\u200b", "\u00ad", "\ufeff", "\u0007", "\u001b", "\u007f")
  const droppedWords = fc.array(
    fc.oneof(
      { weight: 6, arbitrary: wordsOf(300) },
      { weight: 1, arbitrary: fc.tuple(wordsOf(300), dropped, wordsOf(300)).map((p) => p.join("")) },
      { weight: 1, arbitrary: dropped }
    ),
    { maxLength: 80 }
  )
  test.prop([droppedWords], { numRuns: 40 })(
    "gives the old tokens and features for a body with or without characters the scan drops",
    (words) => {
      const m = parse(message(words, []))
      expect(tokenize(m)).toStrictEqual(tokenizeBefore(m))
    }
  )

  it("stops at MAX_TOKENS distinct tokens and at MAX_TOKENS words, as before", () => {
    const distinct = parse(
      message(
        Array.from({ length: 5_000 }, (_, i) => `w${i}x`),
        [{ type: "image/gif", name: "a.gif" }]
      )
    )
    expect(tokenize(distinct).tokens.length).toBe(MAX_TOKENS)
    expect(tokenize(distinct)).toStrictEqual(tokenizeBefore(distinct))
    const repeated = Array.from({ length: 3_200 }, (_, i) => `w${i % 100}x`)
    const fewer = parse(message([...repeated, "late", "words"], [{ type: "application/pdf", name: "a.pdf" }]))
    expect(tokenize(fewer).tokens).not.toContain("late")
    expect(tokenize(fewer).tokens).toContain("att:ext:pdf")
    expect(tokenize(fewer)).toStrictEqual(tokenizeBefore(fewer))
    for (const m of [distinct, fewer])
      expect(classifyWith(shipped, m).score).toStrictEqual(score(shipped, tokenizeBefore(m)))
  })
})
