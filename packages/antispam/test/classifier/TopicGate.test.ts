// The topic gate: every match of every phrase holds the words its list gives it (so the gate
// never hides a topic the scan finds), the text statistics' pass marks the runs the gate's own
// scan marks, the gated topics (alone and through the tokenizer) are the whole scan's on texts
// made of the phrases' matches, and ordinary text passes the gate without a scan; never throws.
import { fc, test } from "@fast-check/vitest"
import { describe, expect, it } from "vitest"
import { hashOf } from "../../src/classifier/ClueIndex.ts"
import { analyseText, textStats } from "../../src/classifier/TextStats.ts"
import { bodyText, tokenize } from "../../src/classifier/Tokenizer.ts"
import { topicGate } from "../../src/classifier/TopicGate.ts"
import { wordText } from "../../src/classifier/Words.ts"
import { PHRASE_WORDS, scanTopics, TOPIC_TEXT, TOPICS, topicsOf } from "../../src/classifier/Topics.ts"
import { alternativeParts, parse, rfc822 } from "./support.ts"

const phrases = PHRASE_WORDS.flatMap(([topic, list]) => list.map(([source, words]) => ({ topic, source, words })))

/** Any match of `source` (the scan's `i` flag: any case of its ASCII letters). */
const matchOf = (source: string) =>
  fc
    .tuple(fc.stringMatching(new RegExp(`^(?:${source})$`)), fc.array(fc.boolean(), { maxLength: 80 }))
    .map(([m, upper]) => [...m].map((c, i) => (upper[i] ? c.toUpperCase() : c)).join(""))

// What may stand either side of a match: before it no ASCII letter, digit or `_` (the scan's
// `\b`), after it no ASCII letter or digit (its look-ahead); letters of other scripts may.
const before = fc.constantFrom("", " ", "\n", "$", "(", "-", "é", "\u00a0", "1 ", ".")
const after = fc.constantFrom("", " ", "\n", "!", ")", "_", "é", "\u00a0", ",", "%")

/** Whether `gate` opens on the runs of `subject` and `text`. */
const opens = (gate: ReturnType<typeof topicGate>, subject: string, text: string) => {
  gate.clear()
  gate.scan(subject)
  gate.scan(text)
  return gate.open()
}

/** The gate of one topic that holds the phrase twice: open exactly when the phrase is possible. */
const possible = (words: ReadonlyArray<ReadonlyArray<string>>) => {
  const gate = topicGate([[words, words]])
  return (text: string) => opens(gate, "", text)
}

/** The hashes of the runs of ASCII letters (lower-cased) and of digits of `text`, in order. */
const runHashes = (text: string) => [...text.matchAll(/[a-z]+|[0-9]+/gi)].map(([run]) => hashOf(run.toLowerCase()))

describe("topic gate", () => {
  for (const { topic, source, words } of phrases)
    test.prop([matchOf(source), before, after, fc.string({ maxLength: 30 }), fc.string({ maxLength: 30 })], {
      numRuns: 250
    })(`${topic}: every match of ${source.slice(0, 40)} holds its words`, (m, l, r, pre, post) => {
      const text = `${pre}\n${l}${m}${r}\n${post}`
      // The scan finds the phrase there, and the gate lets it through, in the Subject or the text.
      expect(new RegExp(`(?:^|[^a-z0-9_])(?:${source})(?![a-z0-9])`, "i").test(text)).toBe(true)
      expect(possible(words)(text)).toBe(true)
      expect(opens(topicGate([[words, words]]), text, "")).toBe(true)
    })

  test.prop(
    [
      fc.array(
        fc.oneof(
          fc.constantFrom(...phrases).chain((p) => matchOf(p.source)),
          fc.constantFrom("the", "credit", "no", "stock", "million", "a", "viagra", "1618", "$", "offer", "s")
        ),
        { maxLength: 12 }
      ),
      fc.array(fc.constantFrom(" ", "\n", ", ", ". ", " - ", "\t", "  "), { minLength: 12, maxLength: 12 })
    ],
    { numRuns: 300 }
  )("the gated topics are the whole scan's", (parts, seps) => {
    const text = parts.map((p, i) => p + seps[i]!).join("")
    const cut = Math.floor(parts.length / 3)
    const subject = parts.slice(0, cut).join(" ")
    expect(topicsOf(subject, text)).toEqual(scanTopics(subject, text))
    expect(topicsOf("", text)).toEqual(scanTopics("", text))
  })

  it("ordinary mail is not scanned; a topic's two phrases are", () => {
    const gate = topicGate(PHRASE_WORDS.map(([, list]) => list.map(([, words]) => words)))
    expect(opens(gate, "Meeting moved", "Hi all, the review is now on Thursday at ten. Thanks, Ann")).toBe(false)
    expect(opens(gate, "Re: credit", "My credit card was charged twice: bad luck. No problem though.")).toBe(false)
    expect(opens(gate, "", "bad credit? no credit check!")).toBe(true)
    expect(opens(gate, "Pink sheets", "")).toBe(false)
    expect(opens(gate, "Pink sheets", "OTCBB")).toBe(true)
    expect(topicsOf("Pink sheets", "OTCBB")).toEqual(["topic_stock_promotion"])
    // The scan folds ASCII letters only: the Kelvin sign is no `k`, so the gate need not read it as one.
    for (const kin of ["kin", "\u212ain"]) {
      const text = `No next of ${kin}. I am a barrister.`
      expect(topicsOf("", text)).toEqual(scanTopics("", text))
    }
    expect(scanTopics("", "No next of \u212ain. I am a barrister.")).toEqual([])
  })

  it("words of the lists are lower-case ASCII letters", () => {
    expect(() => topicGate([[[["Credit"]]]])).toThrow(/lower-case ASCII letters or of digits/)
    expect(() => topicGate([[[["us$"]]]])).toThrow(/lower-case ASCII letters or of digits/)
    expect(opens(topicGate([[[], []]]), "", "")).toBe(true)
    expect(TOPICS.length).toBe(PHRASE_WORDS.length)
  })

  test.prop([fc.string({ maxLength: 300 }), fc.string({ maxLength: 3000 })])("never throws", (subject, text) => {
    expect(topicsOf(subject, text)).toEqual(scanTopics(subject, text))
  })

  test.prop([
    fc.string({
      maxLength: 400,
      unit: fc.constantFrom("a", "Z", "k", " ", "-", "1", "0", "\u212a", "é", "\u0130", "!")
    }),
    fc.nat({ max: 450 })
  ])("the statistics' pass marks the runs of the window, cut where it ends", (text, window) => {
    const marked: Array<number> = []
    textStats(text, { window, mark: (h) => marked.push(h) })
    expect(marked).toEqual(runHashes(text.slice(0, Math.min(window, 50_000))))
  })

  test.prop([
    fc.array(
      fc.oneof(
        fc.constantFrom(...phrases).chain((p) => matchOf(p.source)),
        fc.string()
      )
    )
  ])("the gate's own scan and the statistics' pass open it alike", (parts) => {
    const text = parts.join("")
    const gate = topicGate(PHRASE_WORDS.map(([, list]) => list.map(([, words]) => words)))
    gate.clear()
    textStats(text, { window: text.length, mark: gate.mark })
    expect(gate.open()).toBe(opens(gate, "", text))
  })

  test.prop(
    [
      fc.array(
        fc.oneof(
          fc.constantFrom(...phrases).chain((p) => matchOf(p.source)),
          fc.constantFrom("the", "credit", "no", "stock", "viagra", "s", "offer")
        ),
        { maxLength: 10 }
      ),
      fc.constantFrom("", "Pink sheets", "bad credit", "Hello")
    ],
    { numRuns: 150 }
  )("through the tokenizer, the topics of the whole scan", (parts, subject) => {
    const body = parts.join(" ")
    const message = parse(rfc822({ subject, body }))
    const topics = tokenize(message).features.filter((f) => f.startsWith("topic_"))
    expect(topics).toEqual(scanTopics(message.headers.decoded("subject") ?? "", bodyText(message.body.texts)))
  })

  it("a text longer than the window: a run is cut where it ends, what lies past it is not read", () => {
    const pad = (tail: string) => "x ".repeat((TOPIC_TEXT - tail.length) / 2)
    // "bad credit" ends the window exactly: the scan reads "credit" there, not "creditors".
    const cut = `${pad("lenders compete bad credit")}lenders compete bad creditors`
    expect(topicsOf("", cut)).toEqual(["topic_loan"])
    const message = parse(rfc822({ subject: "", body: cut }))
    expect(bodyText(message.body.texts).indexOf("bad credit")).toBe(TOPIC_TEXT - 10)
    expect(tokenize(message).features).toContain("topic_loan")
    // Past the window: "check" and "lenders compete" are not read.
    expect(topicsOf("", `${pad("bad credit")}bad credit no credit check, lenders compete`)).toEqual([])
  })

  test.prop(
    [
      fc.array(
        fc.oneof(
          fc.constantFrom(...phrases).chain((p) => matchOf(p.source)),
          fc.constantFrom("the", "credit", "no", "stock", "viagra", "s", "offer", "bad", "caf\u00e9", "\u212ain")
        ),
        { maxLength: 8 }
      ),
      fc.array(fc.nat({ max: 2 }), { minLength: 8, maxLength: 8 }),
      fc.constantFrom("", "Pink sheets", "bad credit", "Hello")
    ],
    { numRuns: 150 }
  )("a message with two versions: the topics of the whole scan of both", (parts, where, subject) => {
    // Each part in the plain version, the HTML one or both: the version not shown, when it is the
    // plain one and both are ASCII, is marked as its words are read for text_html_mismatch.
    const plain = parts.filter((_, i) => where[i] !== 1).join(" ")
    const html = parts.filter((_, i) => where[i] !== 0).join(" ")
    const message = parse(
      [
        `Subject: ${subject}`,
        "MIME-Version: 1.0",
        'Content-Type: multipart/alternative; boundary="b1"',
        "",
        ...alternativeParts(plain, html),
        ""
      ].join("\r\n")
    )
    const topics = tokenize(message).features.filter((f) => f.startsWith("topic_"))
    expect(topics).toEqual(scanTopics(message.headers.decoded("subject") ?? "", bodyText(message.body.texts)))
  })

  it("a plain version not shown whose words fill the version's word set, or longer than the set reads", () => {
    const twoVersions = (plain: string) =>
      parse(
        [
          "Subject: News",
          "MIME-Version: 1.0",
          'Content-Type: multipart/alternative; boundary="b1"',
          "",
          ...alternativeParts(plain, "Hello there, friend."),
          ""
        ].join("\r\n")
      )
    const topics = (plain: string) => {
      const message = twoVersions(plain)
      const found = tokenize(message).features.filter((f) => f.startsWith("topic_"))
      expect(found).toEqual(scanTopics("News", bodyText(message.body.texts)))
      return found
    }
    const letters = "abcdefghijklmnopqrstuvwxyz"
    const distinct = Array.from({ length: 450 }, (_, i) => `zq${letters[Math.floor(i / 26)]}${letters[i % 26]}`)
    // The 400th distinct word fills the set: the phrases after it are read by the gate's scan.
    expect(topics(`${distinct.join(" ")} 123 bad credit? no credit check!`)).toEqual(["topic_loan"])
    expect(topics(`${distinct.slice(0, 399).join(" ")} bad credit? no credit check!`)).toEqual(["topic_loan"])
    expect(topics(`${distinct.slice(0, 400).join(" ")} bad credit? no credit check!`)).toEqual(["topic_loan"])
    // Runs of digits are the gate's too: two phrases that need them.
    expect(topics("Sent under Bill S. 1618, Section 301.")).toHaveLength(1)
  })

  it("a plain version longer than its words are read in (20,000 characters): every run is marked", () => {
    // The tokenizer marks through the word read only a text within the topics' window (as long),
    // so `analyseText` is called itself here.
    const html = "Hello there, friend."
    for (const [plain, run, marked] of [
      [`${"x ".repeat(9_995)}creditcheck now`, "credit", false],
      [`${"x ".repeat(9_995)}creditcheck now`, "creditcheck", true],
      [`${"x ".repeat(9_997)}12345678 now`, "12345678", true],
      [`${"x ".repeat(9_997)}12345678 now`, "123", false],
      [`${"x ".repeat(9_000)}offer now`, "offer", true]
    ] as const) {
      const gate = topicGate([[[[run]], [[run]]]])
      const read = wordText(`${plain}\n${html}\n`, { maxChars: 150_000, noneDropped: true })
      const { hiddenMarked } = analyseText("", [plain, html], undefined, {
        read,
        starts: [0, plain.length + 1],
        hidden: gate
      })
      expect(hiddenMarked).toBe(true)
      expect(gate.open()).toBe(marked)
    }
  })
})
