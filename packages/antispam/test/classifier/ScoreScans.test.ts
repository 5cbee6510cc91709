// The classifier's cheaper scoring and word scans against the code they replace (kept under
// oracle/): a message must get the same tokens, features, clues and scores, bit for bit, so on
// any input the new code returns exactly what the old code returned.
import { fc, test } from "@fast-check/vitest"
import { describe, expect, it } from "vitest"
import { combine, combineFirst, defaultChiOptions } from "../../src/classifier/Chi2.ts"
import * as Model from "../../src/classifier/Model.ts"
import { substitutedWords } from "../../src/classifier/Obfuscation.ts"
import { hashRange } from "../../src/classifier/ClueIndex.ts"
import { chiScore, score, scoreSet } from "../../src/classifier/Score.ts"
import { bodyText } from "../../src/classifier/Tokenizer.ts"
import { TokenSet } from "../../src/classifier/TokenSet.ts"
import { addWords, pushWords, words } from "../../src/classifier/Words.ts"
import { combine as combineBefore } from "./oracle/ChiBefore.ts"
import { substitutedWords as substitutedWordsBefore } from "./oracle/ObfuscationBefore.ts"
import { chiScore as chiScoreBefore } from "./oracle/ScoreBefore.ts"
import { pushWords as pushWordsBefore, words as wordsBefore } from "./oracle/WordsBefore.ts"

// Probabilities with many ties: repeated values, mirrored pairs p / 1 - p (equal deviation,
// different value), values whose deviations round to one, the edges 0, 0.5 and 1, and any double.
const probability = fc.oneof(
  fc.constantFrom(0, 1, 0.5, 0.4, 0.6, 0.39999999999999997, 0.1, 0.9, 0.01, 0.99, 1e-7, 1 - 1e-7, 1e-17, 2e-17),
  fc.double({ min: 0, max: 1, noNaN: true }),
  fc.integer({ min: 0, max: 20 }).map((n) => n / 20)
)
const probabilities = fc
  .array(fc.tuple(probability, fc.boolean()), { maxLength: 400 })
  .map((ps) => ps.flatMap(([p, mirror]) => (mirror ? [p, 1 - p] : [p])))
const chiOptions = fc.record({
  s: fc.constant(defaultChiOptions.s),
  x: fc.constant(defaultChiOptions.x),
  minDev: fc.constantFrom(0, 0.05, 0.1, 0.2, 0.5),
  maxTokens: fc.oneof(fc.integer({ min: 0, max: 40 }), fc.constant(150)),
  minClues: fc.integer({ min: 0, max: 5 })
})

describe("combine", () => {
  test.prop([probabilities, chiOptions])("gives what the selection by a comparison sort gave", (ps, o) => {
    expect(combine(ps, o)).toStrictEqual(combineBefore(ps, o))
  })

  test.prop([probabilities, probabilities, chiOptions])(
    "combineFirst reads the first n values of a typed array as combine reads an array of them",
    (ps, rest, o) => {
      const values = Float64Array.from([...ps, ...rest])
      expect(combineFirst(values, ps.length, o)).toStrictEqual(combineBefore(ps, o))
    }
  )

  it("orders mirrored clues of equal deviation as the input does", () => {
    const o = { ...defaultChiOptions, maxTokens: 3 }
    for (const ps of [
      [0.9, 0.1, 0.9, 0.1, 0.8],
      [0.1, 0.9, 0.1, 0.9, 0.2],
      [0.7, 0.3, 0.99, 0.01, 0.3]
    ])
      expect(combine(ps, o)).toStrictEqual(combineBefore(ps, o))
  })
})

// Tokens from a small alphabet with counts, so a message has hundreds of clues and ties.
const tokenName = fc.oneof(
  fc.integer({ min: 0, max: 400 }).map((n) => `w${n}`),
  fc.constantFrom("feat:url_ip_literal", "feat:quoted_reply", "feat:return_path_other_domain")
)
const modelArb = fc
  .record({
    nham: fc.integer({ min: 1, max: 5_000 }),
    nspam: fc.integer({ min: 1, max: 5_000 }),
    counts: fc.array(fc.tuple(tokenName, fc.nat(40), fc.nat(40)), { maxLength: 400 }),
    maxTokens: fc.oneof(fc.integer({ min: 1, max: 30 }), fc.constant(150))
  })
  .map((r) => {
    const m = Model.empty({ maxTokens: r.maxTokens })
    m.nham = r.nham
    m.nspam = r.nspam
    for (const [t, h, s] of r.counts) if (h + s > 0) m.tokens.set(t, [h, s])
    return m
  })
const message = fc.uniqueArray(tokenName, { maxLength: 400 })
const learned = fc.record({
  nham: fc.nat(50),
  nspam: fc.nat(50),
  counts: fc
    .array(fc.tuple(tokenName, fc.nat(5), fc.nat(5)), { maxLength: 20 })
    .map((cs) => new Map(cs.map(([t, h, s]) => [t, [h, s] as const])))
})

/** What the old scorer gave: the chi-square result and the clues (the known share is new). */
const chiAndClues = ({ chi, clues }: ReturnType<typeof chiScore>) => ({ chi, clues })

describe("chiScore", () => {
  test.prop([modelArb, message])("gives the old chi-square result and clues from the clue table", (model, tokens) => {
    expect(chiAndClues(chiScore(model, tokens))).toStrictEqual(chiScoreBefore(model, tokens))
  })

  test.prop([modelArb, message, learned])("and with learned counts", (model, tokens, extra) => {
    expect(chiAndClues(chiScore(model, tokens, extra))).toStrictEqual(chiScoreBefore(model, tokens, extra))
  })

  it("keeps clues of equal strength in the order of their tokens, from strings and from a set", () => {
    // Eight tokens seen only in ham six times, eight only in spam: ten strongest, with ties in both.
    const model = Model.empty()
    model.nham = 100
    model.nspam = 100
    const tokens = Array.from({ length: 24 }, (_, i) => `w${i}`)
    tokens.forEach((t, i) => model.tokens.set(t, i % 3 === 0 ? [0, 6] : i % 3 === 1 ? [6, 0] : [1, 9]))
    const before = chiScoreBefore(model, tokens)
    expect(before.clues.map(([t]) => t)).toStrictEqual([
      "w1",
      "w4",
      "w7",
      "w10",
      "w13",
      "w16",
      "w19",
      "w22",
      "w0",
      "w3"
    ])
    expect(chiAndClues(chiScore(model, tokens))).toStrictEqual(before)
    const set = new TokenSet()
    for (const t of tokens) set.add(t)
    expect(scoreSet(model, set).clues).toStrictEqual(before.clues)
  })

  test.prop([modelArb, message, fc.array(fc.boolean(), { minLength: 400, maxLength: 400 })])(
    "scoreSet gives from a set of pieces what score gives from their strings, the old chi-square and clues",
    (model, tokens, asRange) => {
      // Some tokens whole, the others pieces of one text that holds them all, as the body's words.
      const text = ` ${tokens.join(" ")} `
      const set = new TokenSet()
      set.features = ["quoted_reply"]
      let at = 1
      tokens.forEach((t, i) => {
        if (asRange[i]) set.addRange(text, at, t.length, hashRange(text, at, t.length))
        else set.add(t)
        at += t.length + 1
      })
      const scored = scoreSet(model, set)
      expect(scored).toStrictEqual(score(model, { tokens, features: ["quoted_reply"] }))
      const before = chiScoreBefore(model, tokens)
      expect({ chi: scored.chi, clues: scored.clues }).toStrictEqual(before)
    }
  )
})

// Words with punctuation at their edges, ASCII and not, symbols `EDGE` keeps ($ € £ % ! ?),
// letters and digits of other scripts, astral characters and lone surrogates.
const wordText = fc.string({
  unit: fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom("a", "Q", "z", "7", "0") },
    { weight: 3, arbitrary: fc.constantFrom(" ", "\n", "\t", "\u00a0", "\u2003") },
    {
      weight: 4,
      arbitrary: fc.constantFrom(
        ".",
        ",",
        "(",
        ")",
        '"',
        "'",
        "$",
        "%",
        "!",
        "?",
        "-",
        "@",
        "*",
        "€",
        "£",
        "«",
        "»",
        "…"
      )
    },
    {
      weight: 2,
      arbitrary: fc.constantFrom("é", "ß", "Ж", "٣", "²", "½", "\u00ad", "\u200b", "😀", "\ud800", "\udc00")
    },
    { weight: 1, arbitrary: fc.constantFrom("http://x.org", "www.", "mailto:", "a@b.c") },
    // URL prefixes and their near misses, a lone `@`, and runs of 13 to 60 and over 60 characters
    // (words.ts slices only runs that give a token: these decide which ones do).
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        "https:",
        "http",
        "ftp:",
        "ftp",
        "www",
        "mailto",
        "@",
        "@@",
        "h",
        "m",
        "abcdefghijklmn",
        "12345678901234",
        "x".repeat(61),
        "9".repeat(61)
      )
    },
    { weight: 1, arbitrary: fc.string({ unit: "grapheme", maxLength: 3 }) }
  ),
  maxLength: 300
})

// ASCII alone, every code from 0 to 127 among it: the scan reads such a text as bytes
// (`AsciiView`), any other as a string, and the two must give the same tokens.
const asciiText = fc.string({
  unit: fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom("a", "Q", "z", "7", "0", "abcdefghijklm", "ABCDEFGHIJKL") },
    { weight: 3, arbitrary: fc.constantFrom(" ", "\n", "\t", "\r\n", "\u000b", "\f", "\u0001", "\u007f") },
    {
      weight: 3,
      arbitrary: fc.constantFrom(".", "(", ")", '"', "$", "%", "!", "?", "@", "a@b", "http:", "www.", "mailto:")
    },
    { weight: 1, arbitrary: fc.constantFrom("x".repeat(61), "9".repeat(61), "1234567890123") },
    { weight: 2, arbitrary: fc.string({ unit: fc.integer({ min: 0, max: 127 }).map((c) => String.fromCharCode(c)) }) }
  ),
  maxLength: 300
})

describe("words", () => {
  test.prop([wordText, fc.constantFrom("", "subj:", "from:name:"), fc.option(fc.nat(60), { nil: undefined })])(
    "trims edges as the Unicode expression did",
    (text, prefix, maxWords) => {
      expect(words(text, { prefix, maxWords })).toStrictEqual(wordsBefore(text, { prefix, maxWords }))
    }
  )

  test.prop([asciiText, fc.constantFrom("", "subj:"), fc.option(fc.nat(60), { nil: undefined })])(
    "gives an ASCII text, which it reads as bytes, the tokens the old scan gave",
    (text, prefix, maxWords) => {
      expect(words(text, { prefix, maxWords })).toStrictEqual(wordsBefore(text, { prefix, maxWords }))
      const set = addWords(text, new TokenSet(), 3000, { prefix, maxWords })
      expect(set.toArray()).toStrictEqual([...new Set(wordsBefore(text, { prefix, maxWords }))])
      for (let i = 0; i < set.size; i++) expect(set.hashAt(i)).toBe(hashRange(set.tokenAt(i), 0, set.lengthAt(i)))
    }
  )

  test.prop([asciiText, wordText])("gives a text the same tokens after an ASCII one as before it", (ascii, other) => {
    // The scan's bytes are one buffer, reused: an ASCII text's must not leak into the next text.
    const first = words(other)
    words(ascii)
    expect(words(other)).toStrictEqual(first)
    expect(words(`${ascii}${other}`)).toStrictEqual(wordsBefore(`${ascii}${other}`))
  })

  test.prop([fc.array(wordText, { maxLength: 4 }), fc.nat(80)])(
    "pushWords appends what it appended before",
    (texts, maxWords) => {
      const now: Array<string> = []
      const before: Array<string> = []
      for (const t of texts) {
        pushWords(t, now, { maxWords })
        pushWordsBefore(t, before, { maxWords })
      }
      expect(now).toStrictEqual(before)
    }
  )

  test.prop([
    fc.array(fc.string({ maxLength: 4 }), { maxLength: 12 }),
    fc.array(wordText, { maxLength: 3 }),
    fc.nat(40),
    fc.nat(40),
    fc.constantFrom("", "subj:")
  ])(
    "addWords adds to a token set what adding pushWords' array to a Set under a size cap added",
    (present, texts, maxSize, maxWords, prefix) => {
      const now = new TokenSet()
      for (const t of present) now.add(t)
      const before = new Set(present)
      for (const t of texts) {
        addWords(t, now, maxSize, { prefix, maxWords })
        for (const w of pushWordsBefore(t, [], { prefix, maxWords })) {
          if (before.size >= maxSize) break
          before.add(w)
        }
      }
      expect(now.toArray()).toStrictEqual([...before])
    }
  )

  test.prop([fc.array(wordText, { maxLength: 3 }), fc.constantFrom("", "subj:")])(
    "addWords keys each token by its hashRange, the key the clue index is looked up by",
    (texts, prefix) => {
      const set = new TokenSet()
      for (const t of texts) addWords(t, set, 3000, { prefix })
      for (let i = 0; i < set.size; i++) {
        const token = set.tokenAt(i)
        expect(set.hashAt(i)).toBe(hashRange(token, 0, token.length))
        expect(set.hashList()[i]).toBe(set.hashAt(i))
      }
    }
  )

  it("trims ASCII edges, and any edge that is not ASCII, as before", () => {
    for (const w of ["(hello),", '"quoted"', "$5.00.", "100%.", "why?!", "...", "$.", "«mot»", "(ça)", "x…", "--😀--"])
      expect(words(w)).toStrictEqual(wordsBefore(w))
  })
})

// Runs of letters, look-alikes and digits with the separators the scan stops at: pieces of words
// in one case or capitalised, so that many runs are look-alike words and many are not.
const obfuscatedText = fc
  .array(
    fc.oneof(
      { weight: 5, arbitrary: fc.constantFrom("via", "gra", "mort", "gage", "pa", "word", "abcdefghij") },
      { weight: 1, arbitrary: fc.constantFrom("VIA", "GRA", "Mort", "Now", "xY") },
      { weight: 4, arbitrary: fc.constantFrom("1", "0", "3", "4", "5", "7", "$", "!", "$$", "2", "9", "11") },
      { weight: 3, arbitrary: fc.constantFrom(" ", ".", "/", "_", "-", "@", "=", "\n", ",", "é", "Ж") }
    ),
    { maxLength: 120 }
  )
  .map((parts) => parts.join(""))

describe("substitutedWords", () => {
  test.prop([obfuscatedText, fc.integer({ min: 1, max: 10 })])(
    "counts what the scan of every run counted",
    (text, limit) => {
      expect(substitutedWords(text, limit)).toBe(substitutedWordsBefore(text, limit))
    }
  )

  it("finds look-alikes inside long runs and pieces of twenty as before", () => {
    const text = `v1agra m0rtgage ${"x".repeat(18)}v1agra ${"a".repeat(25)}b!!c pa$$word Buy4Now V1AGRA`
    expect(substitutedWords(text)).toBe(substitutedWordsBefore(text))
    expect(substitutedWords(text)).toBeGreaterThan(0)
  })
})

/** The body text as Tokenizer built it before: one concatenation per part. */
const bodyTextBefore = (texts: ReadonlyArray<unknown>, max = 150_000): string => {
  let text = ""
  for (const t of texts) {
    if (text.length >= max) break
    text += `${String(t).slice(0, max - text.length)}\n`
  }
  return text
}

describe("bodyText", () => {
  test.prop([fc.array(fc.oneof(fc.string({ maxLength: 50 }), fc.integer()), { maxLength: 6 })])(
    "joins the parts as the concatenation did",
    (texts) => {
      expect(bodyText(texts)).toBe(bodyTextBefore(texts))
    }
  )

  it("cuts at the limit as before", () => {
    const long = ["a".repeat(149_999), "bcd", "e".repeat(10)]
    expect(bodyText(long)).toBe(bodyTextBefore(long))
    const exact = ["a".repeat(150_000), "b"]
    expect(bodyText(exact)).toBe(bodyTextBefore(exact))
  })
})
