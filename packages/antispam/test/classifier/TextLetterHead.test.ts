// text_letter_head: a text that opens on a letter head typed into it (an addressee's label, or two
// labelled lines one of them a telephone, fax or mailbox) and goes on as a letter of 500 letters,
// on synthetic mail through the whole tokenizer and on the check itself; a forwarded message's
// head, a feed's items, a signature alone and labels in prose never count; never throws.
import { fc, test } from "@fast-check/vitest"
import { describe, expect, it } from "vitest"
import { textLetterHead } from "../../src/classifier/TextLetterHead.ts"
import { tokenize } from "../../src/classifier/Tokenizer.ts"
import { parse, rfc822 } from "./support.ts"

const features = (body: string) => tokenize(parse(rfc822({ subject: "Proposal", body }))).features
const crlf = (lines: ReadonlyArray<string>) => lines.join("\r\n")
/** A letter's paragraphs: 700 letters or more after any head of 8 lines. */
const letter = [
  "The purpose of this letter is to seek your assistance in a transaction that",
  "will be of great benefit to you and your company, as I shall now explain.",
  "",
  "The funds were lodged in my name for safe keeping, and the papers that prove",
  "it are with me. I cannot move them myself while the government watches my",
  "family, which is why I have chosen to write to a stranger of good standing.",
  "",
  "I am writing to you in confidence about a matter of mutual benefit to us both.",
  "My late father left a deposit with a security company in this country, and I",
  "need a trustworthy partner abroad to receive it on behalf of the family.",
  "",
  "You will be given a share of the sum for your help, and the rest will be",
  "invested in your country under your guidance as soon as it has been moved.",
  "",
  "I shall give you the details of the deposit and of the company that holds it",
  "when I hear from you, together with copies of the papers for your own lawyer.",
  "",
  "Please reply with your full name, your telephone and fax numbers and the",
  "name of your company, so that we can proceed without delay. Thank you.",
  "",
  "Yours faithfully,",
  "Kone Bakar"
]
const labelled = [
  "FROM: KONE BAKAR",
  "TEL: (+225) 0771 1719.",
  "ABIDJAN, IVORY COAST",
  "WEST-AFRICA.",
  "",
  "DEAR SIR,",
  "",
  "URGENT AND CONFIDENTIAL",
  "",
  "Let me introduce myself first.",
  ...letter
]
const addressed = ["MR MARTIN FRANCIS", "WEST AFRICA", "", "ATTN: DIRECTOR.", "", "Dear Sir,", ...letter]

describe("text_letter_head", () => {
  it("a letter under a head of labelled lines or an addressee's label", () => {
    expect(features(crlf(labelled))).toContain("text_letter_head")
    expect(features(crlf(addressed))).toContain("text_letter_head")
    expect(textLetterHead([labelled.join("\n")])).toBe(true)
    const abbreviated = addressed.map((l) => (l.startsWith("ATTN") ? "Attn." : l))
    expect(textLetterHead([abbreviated.join("\n")])).toBe(true)
    const mailbox = ["Date:May 16,2002.", "Email:edum@example.net.", "", "Dear Sir,", ...letter]
    expect(textLetterHead([mailbox.join("\n")])).toBe(true)
    const telNo = ["FROM: COL. MICHAEL BUNDU.", "Tel No: +8821652098236", "Dear Sir/Madam", ...letter]
    expect(textLetterHead([telNo.join("\n")])).toBe(true)
  })

  it("not when the letter after the head is short", () => {
    const short = [...labelled.slice(0, 10), "Please reply at once.", "Kone Bakar", "Abidjan"]
    expect(textLetterHead([short.join("\n")])).toBe(false)
    // A note that is only a signature's contact block.
    const signature = ["Dell Quinn", "Account Executive", "15 Fitzwilliam Quay", "Dublin 4", "Ireland"]
    const block = [...signature, "Tel: 01 6188428", "Fax: 01 6602244", "Mobile: 086 6048101"]
    expect(features(crlf(block))).not.toContain("text_letter_head")
  })

  it("not for a forwarded message's head, nor a feed's items", () => {
    const forward = ["From: Jane Doe", "Sent: Monday, May 20, 2002", "To: John", "Subject: minutes", ...letter]
    expect(textLetterHead([forward.join("\n")])).toBe(false)
    const withPhone = ["-----Original Message-----", "From: Jane Doe", "Tel: 555 0100", ...letter]
    expect(textLetterHead([withPhone.join("\n")])).toBe(false)
    const copied = ["From: Jane Doe", "Tel: 555 0100", "Cc: the team", ...letter]
    expect(textLetterHead([copied.join("\n")])).toBe(false)
    const feed = ["URL: http://example.org/2002/09/25.html#a1", "Date: Not supplied", "", ...letter]
    expect(textLetterHead([feed.join("\n")])).toBe(false)
    const memo = ["To: all staff", "From: the office", "Date: Friday", "", ...letter]
    expect(textLetterHead([memo.join("\n")])).toBe(false)
  })

  it("not for labels in prose, words that start like a label, or one contact line", () => {
    const prose = ["Attention to detail matters.", "Phone me when you can.", "Tomorrow: the plan.", ...letter]
    expect(textLetterHead([prose.join("\n")])).toBe(false)
    const one = ["Hello Bob,", "Tel: 555 0100", ...letter]
    expect(textLetterHead([one.join("\n")])).toBe(false)
    const late = ["Dear Sir,", ...letter.slice(0, 9), "ATTN: the manager", ...letter.slice(9)]
    expect(textLetterHead([late.join("\n")])).toBe(false)
  })

  it("reads every text and skips what is not one", () => {
    expect(textLetterHead(["Hello.", addressed.join("\n")])).toBe(true)
    expect(textLetterHead([])).toBe(false)
    expect(textLetterHead([undefined, 7, null])).toBe(false)
  })

  test.prop([fc.array(fc.oneof(fc.string({ maxLength: 3000 }), fc.anything()), { maxLength: 5 })])(
    "never throws on any texts",
    (texts) => {
      expect(typeof textLetterHead(texts)).toBe("boolean")
    }
  )

  test.prop([fc.array(fc.stringMatching(/^[A-Za-z][a-z]{0,8}( [A-Za-z][a-z]{0,8}){0,9}[.,!?]?$/), { maxLength: 60 })])(
    "lines of words without a colon never count, unless one opens on an abbreviated label (`Attn.`, `Tel.`)",
    (lines) => {
      const words = lines.filter((l) => !/^(?:attn|tel|fax|ref)\b/i.test(l))
      expect(textLetterHead([words.join("\n")])).toBe(false)
    }
  )

  test.prop([
    fc.constantFrom("ATTN:", "Attn.", "Attention:", "attn :"),
    fc.array(fc.stringMatching(/^[A-Z][a-z]{0,8}( [a-z]{1,8}){3,9}\.$/), { minLength: 8, maxLength: 30 })
  ])("an addressee's label over a letter of 500 letters or more always counts", (label, lines) => {
    const body = [...lines, ...letter]
    expect(textLetterHead([[`${label} the director`, ...body].join("\n")])).toBe(true)
  })
})
