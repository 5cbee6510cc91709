// subject_names_recipient: the Subject calls the recipient by its address, whole or its local part
// as a greeting, on synthetic mail through the whole tokenizer and on the check itself; a list's
// mail, a local part inside a word or another address, a short or digits-only local part and a name
// that is no greeting never count; never throws.
import { fc, test } from "@fast-check/vitest"
import { describe, expect, it } from "vitest"
import { subjectNamesRecipient } from "../../src/classifier/BulkToolSubjectRecipient.ts"
import { tokenize } from "../../src/classifier/Tokenizer.ts"
import { parse, withHeaders } from "./support.ts"

const TRAIT = "subject_names_recipient"
const features = (subject: string, to = "j.harper@example.org", extra: ReadonlyArray<string> = []) =>
  tokenize(
    parse(withHeaders([`From: Teodoro Lamb <tl@cabletrade.example>`, `To: ${to}`, `Subject: ${subject}`, ...extra]))
  ).features
const names = (subject: string, recipients: ReadonlyArray<string>, listed = false) =>
  subjectNamesRecipient({ subject, recipients, listed })

describe("subject_names_recipient", () => {
  it("the recipient's whole address in the subject, through the tokenizer", () => {
    expect(features("Dear j.harper@example.org, July 80% OFF")).toContain(TRAIT)
    expect(features("J.Harper@Example.org  Louis Vuitton 75% 0ff")).toContain(TRAIT)
    expect(features("Account j.harper@example.org", "Jo Harper <j.harper@example.org>")).toContain(TRAIT)
  })

  it("the local part as a greeting: a comma or `!` after it, a comma or a greeting word before it", () => {
    expect(features("j.harper,Increase your savings. 100% safe!")).toContain(TRAIT)
    expect(features("j.harper, do we have your money?")).toContain(TRAIT)
    expect(features("Congratulations j.harper ! !!")).toContain(TRAIT)
    expect(features("Rolex for you, j.harper")).toContain(TRAIT)
    expect(features("Hello katfish48 ! WOULD A GRANT HELP YOU?", "katfish48@example.net")).toContain(TRAIT)
    expect(features("Dear webmaster", "webmaster@example.net")).toContain(TRAIT)
    expect(features("Hi there", "x@example.net, there@example.org")).toContain(TRAIT)
  })

  it("reads the envelope, Cc, Delivered-To and a Received hop's `for` as recipients", () => {
    // support.ts's envelope has RCPT TO user@example.org.
    expect(features("user, your order is waiting", "undisclosed-recipients:;")).toContain(TRAIT)
    expect(names("mona, claim the money", ["Cc: <mona@example.org>"])).toBe(true)
    expect(
      features("dana, it works", "undisclosed-recipients:;", [
        "Received: from x (x [192.0.2.9]) by mx.example.org with SMTP id 1 for <dana@example.org>; Mon, 1 Jun 2026 10:00:00 +0000"
      ])
    ).toContain(TRAIT)
    expect(features("dana, it works", "undisclosed-recipients:;", ["Delivered-To: dana@example.org"])).toContain(TRAIT)
  })

  it("not in a mailing list's mail, which names the list's own address or tag", () => {
    for (const header of [
      "List-Id: <rpm-list.example.org>",
      "List-Post: <mailto:rpm-list@example.org>",
      "List-Unsubscribe: <mailto:leave@example.org>",
      "Mailing-List: list rpm-list@example.org"
    ])
      expect(features("Re: rpm-list@example.org", "rpm-list@example.org", [header])).not.toContain(TRAIT)
    expect(names("j.harper, hi", ["j.harper@example.org"], true)).toBe(false)
  })

  it("not for a local part inside a word or another address, nor one too short or of digits only", () => {
    for (const [subject, to] of [
      ["bobcat, the new model", "bob@example.org"],
      ["Write to bob@other.example, please", "bob@example.org"],
      ["Mail from j.harper.example.org, answered", "j.harper@example.org"],
      ["al, see you at 5", "al@example.org"],
      ["12345, your number", "12345@example.org"],
      ["Meeting with tom tomorrow", "tom@example.org"],
      ["tom's notes", "tom@example.org"],
      ["Hello world!", "tom@example.org"],
      ["", "tom@example.org"]
    ] as const)
      expect(features(subject, to), subject).not.toContain(TRAIT)
    expect(subjectNamesRecipient({ subject: undefined, recipients: ["tom@example.org"], listed: false })).toBe(false)
  })

  test.prop([fc.string({ maxLength: 600 }), fc.array(fc.string({ maxLength: 300 }), { maxLength: 8 }), fc.boolean()])(
    "never throws on any subject and recipients",
    (subject, recipients, listed) => {
      expect(typeof names(subject, recipients, listed)).toBe("boolean")
    }
  )

  test.prop([fc.stringMatching(/^[a-z]{3,12}$/), fc.stringMatching(/^[A-Z0-9 ,!?.:-]{0,60}$/)])(
    "a subject without the local part's letters never counts; with a list header nothing counts",
    (local, subject) => {
      // Upper-case in the generator, but the check reads the subject in lower case: keep only
      // subjects that hold no letter at all.
      const plain = subject.replace(/[A-Z]/g, "")
      expect(names(plain, [`${local}@example.org`])).toBe(false)
      expect(names(`Dear ${local}, ${plain}`, [`${local}@example.org`], true)).toBe(false)
      expect(names(`Dear ${local}, ${plain}`, [`${local}@example.org`])).toBe(true)
    }
  )
})
