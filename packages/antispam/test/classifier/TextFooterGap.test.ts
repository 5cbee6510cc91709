// text_footer_gap: a plain-text letter opening a conversation that pushes its last few lines below
// a screen of empty lines, on synthetic mail through the whole tokenizer and on the check itself;
// short gaps, long blocks below, signatures, quotes, replies and HTML mail never count; never throws.
import { fc, test } from "@fast-check/vitest"
import { describe, expect, it } from "vitest"
import { footerGap, footerGapByLines, GAP_LINES, MAX_BELOW, textFooterGap } from "../../src/classifier/TextFooterGap.ts"
import { tokenize } from "../../src/classifier/Tokenizer.ts"
import { alternativeParts, parse, rfc822 } from "./support.ts"

const offer = [
  "Lose 10 pounds in 30 days, guaranteed.",
  "Order today and the second bottle is free.",
  "http://www.example.com/order"
]
const footer = ["To be removed from our list, reply with REMOVE in the subject.", "x7Hq2-991"]
/** The offer, `gap` empty lines, then `below` (CRLF line ends, as the gateway receives mail). */
const letter = (gap: number, below: ReadonlyArray<string> = footer, blank = "") =>
  [...offer, ...Array<string>(gap).fill(blank), ...below].join("\r\n")
const features = (body: string, subject = "Your order", extra?: string) =>
  tokenize(parse(rfc822({ subject, body, ...(extra ? { extra } : {}) }))).features
const input = (text: string, fields: Partial<{ inReplyTo: string; references: string; subject: string }> = {}) => ({
  texts: [text],
  hasHtml: false,
  inReplyTo: fields.inReplyTo,
  references: fields.references,
  subject: fields.subject ?? "Your order"
})

describe("text_footer_gap", () => {
  it("a letter whose removal notice sits below a screen of empty lines", () => {
    expect(features(letter(GAP_LINES))).toContain("text_footer_gap")
    expect(features(letter(30))).toContain("text_footer_gap")
    expect(footerGap(letter(GAP_LINES).replace(/\r/g, ""))).toBe(true)
  })

  it("lines of blanks count as empty", () => {
    expect(footerGap(letter(GAP_LINES, footer, "   "))).toBe(true)
    expect(footerGap(letter(GAP_LINES, footer, "\t"))).toBe(true)
    expect(footerGap(letter(GAP_LINES, footer, "\u00a0"))).toBe(true)
  })

  it("not for a shorter gap", () => {
    expect(features(letter(GAP_LINES - 1))).not.toContain("text_footer_gap")
    expect(features(letter(2))).not.toContain("text_footer_gap")
  })

  it("one to eight lines below count, more is a document's next section", () => {
    const lines = (n: number) => Array.from({ length: n }, (_, i) => `Section line ${i + 1} of the terms.`)
    expect(footerGap(letter(GAP_LINES, lines(1)))).toBe(true)
    expect(footerGap(letter(GAP_LINES, lines(MAX_BELOW)))).toBe(true)
    expect(footerGap(letter(GAP_LINES, lines(MAX_BELOW + 1)))).toBe(false)
    // Empty lines among them do not count.
    expect(footerGap(letter(GAP_LINES, [...lines(4), "", "", ...lines(4)]))).toBe(true)
  })

  it("not for a gap at the text's top or its end", () => {
    expect(footerGap([...Array<string>(GAP_LINES + 2).fill(""), ...offer, ...footer].join("\n"))).toBe(false)
    expect(footerGap([...offer, ...footer, ...Array<string>(GAP_LINES + 5).fill("")].join("\n"))).toBe(false)
  })

  it("a signature's trailing blanks and a list's footer after `-- ` are not read", () => {
    const signed = [
      ...offer,
      "",
      "-- ",
      "Alice",
      ...Array<string>(12).fill(""),
      "Team list",
      "http://lists.example.org/"
    ]
    expect(footerGap(signed.join("\r\n"))).toBe(false)
    // The gap above the separator still counts.
    const pushed = [...offer, ...Array<string>(GAP_LINES).fill(""), "x7Hq2-991", "-- ", "Team list"]
    expect(footerGap(pushed.join("\r\n"))).toBe(true)
  })

  it("not for a reply: quoted lines, In-Reply-To, References or a Re: subject", () => {
    const quoting = [...offer.slice(0, 1), "> What do you think?", ...Array<string>(GAP_LINES).fill(""), ...footer]
    expect(footerGap(quoting.join("\n"))).toBe(false)
    expect(textFooterGap(input(letter(GAP_LINES)))).toBe(true)
    expect(textFooterGap(input(letter(GAP_LINES), { inReplyTo: "<a@b.example>" }))).toBe(false)
    expect(textFooterGap(input(letter(GAP_LINES), { references: "<a@b.example>" }))).toBe(false)
    expect(textFooterGap(input(letter(GAP_LINES), { subject: "RE: your order" }))).toBe(false)
    expect(features(letter(GAP_LINES), "Re: your order")).not.toContain("text_footer_gap")
    expect(features(letter(GAP_LINES), "Your order", "In-Reply-To: <a@b.example>")).not.toContain("text_footer_gap")
  })

  it("not for a message with an HTML part, nor when the letter is not a text", () => {
    const body = alternativeParts(letter(GAP_LINES), "Lose 10 pounds").join("\r\n")
    const extra = 'Content-Type: multipart/alternative; boundary="b1"'
    const m = parse(rfc822({ subject: "Your order", body }).replace("Content-Type: text/plain; charset=utf-8", extra))
    expect(m.body.htmls.length).toBe(1)
    expect(tokenize(m).features).not.toContain("text_footer_gap")
    expect(textFooterGap({ ...input(letter(GAP_LINES)), hasHtml: true })).toBe(false)
    expect(textFooterGap({ ...input(""), texts: [] })).toBe(false)
    expect(textFooterGap({ ...input(""), texts: [undefined, letter(GAP_LINES)] })).toBe(false)
  })

  test.prop([fc.string({ maxLength: 3000 })])("never throws on any text", (text) => {
    expect(typeof footerGap(text)).toBe("boolean")
    expect(typeof textFooterGap(input(text))).toBe("boolean")
  })

  test.prop([
    fc.array(fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9 ,.!?]{0,59}$/), { maxLength: 80 }),
    fc.integer({ min: 0, max: 7 })
  ])("a text with no run of eight empty lines never counts", (lines, every) => {
    // An empty line after every (every+1)th line at most: runs of one.
    const text = lines.map((l, i) => (i % (every + 1) === 0 ? `${l}\n` : l)).join("\n")
    expect(footerGap(text)).toBe(false)
  })

  test.prop([
    fc.array(fc.stringMatching(/^[A-Za-z][A-Za-z ,.!]{0,59}$/), { minLength: 1, maxLength: 20 }),
    fc.integer({ min: GAP_LINES, max: 40 }),
    fc.array(fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9 :/.-]{0,59}$/), { minLength: 1, maxLength: MAX_BELOW })
  ])("a letter, a gap of eight or more and one to eight lines always count", (above, gap, below) => {
    expect(footerGap([...above, ...Array<string>(gap).fill(""), ...below].join("\n"))).toBe(true)
  })

  // The check reads lines only once the text holds a run of GAP_LINES blank lines after a line:
  // on texts of every kind of line it answers as reading every line does.
  test.prop([
    fc.array(fc.constantFrom("", " ", "\r", "\t \u00a0", "Buy now", "x7Hq2", "> quoted", "-- ", "-- \r"), {
      maxLength: 60
    }),
    fc.array(fc.integer({ min: 0, max: 12 }), { maxLength: 6 })
  ])("answers as reading every line does", (kinds, gaps) => {
    const lines: Array<string> = [...kinds]
    for (const [i, n] of gaps.entries()) lines.splice((i * 7) % (lines.length + 1), 0, ...Array<string>(n).fill(""))
    const text = lines.join("\n")
    expect(footerGap(text)).toBe(footerGapByLines(text))
  })
})
