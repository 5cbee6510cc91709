// Features of how a message was written out rather than what it says: a padded subject, an
// alternative with one version, a Date in an obsolete form. Each shown with and without the trick.
import { fc, test } from "@fast-check/vitest"
import { describe, expect, it } from "vitest"
import { dateObsoleteForm } from "../../src/classifier/HeaderAnomalies.ts"
import { trailingJunk } from "../../src/classifier/Html.ts"
import { subjectPadded } from "../../src/classifier/SubjectPadding.ts"
import { tokenize } from "../../src/classifier/Tokenizer.ts"
import { parse } from "./support.ts"

const head = (subjectLines: ReadonlyArray<string>, date = "Mon, 1 Jun 2026 10:00:00 +0000") => [
  "From: Alice <alice@example.net>",
  "To: bob@example.org",
  ...subjectLines,
  `Date: ${date}`,
  "Message-ID: <abc123@example.net>",
  "MIME-Version: 1.0"
]
const plain = (subjectLines: ReadonlyArray<string>, date?: string) =>
  [...head(subjectLines, date), "Content-Type: text/plain", "", "Hello Bob, the minutes are attached.", ""].join("\r\n")
const features = (text: string) => tokenize(parse(text)).features
const bytes = (text: string) => new TextEncoder().encode(text)

describe("subject_padding", () => {
  it("a run of five or more blanks inside one line of the Subject", () => {
    expect(features(plain(["Subject: Lowest Rates Available.                    gjannsxrwg"]))).toContain(
      "subject_padding"
    )
    expect(features(plain(["Subject: Call me \t \t 16540"]))).toContain("subject_padding")
    expect(features(plain(["subject :   Call me      08568"]))).toContain("subject_padding")
    // On a continuation line, after its indent.
    expect(features(plain(["Subject: Mortgage rates", "\tare down.                    ptjti"]))).toContain(
      "subject_padding"
    )
  })

  it("not for a folded subject, whose indent unfolding keeps as a run of blanks", () => {
    const folded = ["Subject: [Spambayes] deleting duplicate spam before training?  good idea", "        orbad?"]
    const f = tokenize(parse(plain(folded)))
    expect(f.features).not.toContain("subject_padding")
    // The unfolded value does hold the gap: only the physical lines tell the fold apart.
    expect(parse(plain(folded)).headers.get("subject")).toMatch(/\S\s{5,}\S/)
  })

  it("not for four blanks, blanks at either end, or a gap in another field", () => {
    expect(features(plain(["Subject: minutes    of Tuesday"]))).not.toContain("subject_padding")
    expect(features(plain(["Subject:        minutes of Tuesday       "]))).not.toContain("subject_padding")
    const elsewhere = plain(["Subject: minutes", "X-Note: a      gap"])
    expect(features(elsewhere)).not.toContain("subject_padding")
    // A gap in the body is not the subject's.
    expect(subjectPadded(bytes("Subject: minutes\r\n\r\nSubject: a          b\r\n"))).toBe(false)
    expect(subjectPadded(bytes("Subject: a          b\n\nbody\n"))).toBe(true)
  })

  test.prop([fc.uint8Array({ maxLength: 2000 })])("never throws on arbitrary bytes", (b) => {
    expect(typeof subjectPadded(b)).toBe("boolean")
  })

  test.prop([fc.stringMatching(/^[A-Za-z0-9 .,!?-]{0,60}$/), fc.stringMatching(/^[A-Za-z0-9.,!?-]{1,20}$/)])(
    "a subject folded anywhere with any indent is never padded unless a line is",
    (text, word) => {
      // Gaps collapsed after the word is added: a text ending in four blanks plus the joining blank
      // would otherwise be a padded line of its own.
      const typed = `${text} ${word}`.replace(/ {5,}/g, " ").trim()
      const lines = ["Subject: " + typed.slice(0, 20), `${" ".repeat(8)}${typed.slice(20) || word}`]
      expect(subjectPadded(bytes(plain(lines)))).toBe(false)
    }
  )
})

describe("mime_alternative_single", () => {
  const alternative = (parts: ReadonlyArray<[string, string]>) =>
    [
      ...head(["Subject: offer"]),
      'Content-Type: multipart/alternative; boundary="b1"',
      "",
      ...parts.flatMap(([type, body]) => ["--b1", `Content-Type: ${type}; charset=utf-8`, "", body]),
      "--b1--",
      ""
    ].join("\r\n")

  it("a multipart/alternative with one version only", () => {
    expect(features(alternative([["text/html", "<p>Lowest prices today</p>"]]))).toContain("mime_alternative_single")
    expect(features(alternative([["text/plain", "Lowest prices today"]]))).toContain("mime_alternative_single")
  })

  it("not for the usual plain and HTML pair, nor for other multiparts with one part", () => {
    const pair = alternative([
      ["text/plain", "Minutes of Tuesday"],
      ["text/html", "<p>Minutes of Tuesday</p>"]
    ])
    expect(features(pair)).not.toContain("mime_alternative_single")
    const mixed = alternative([["text/plain", "Minutes of Tuesday"]]).replace(
      "multipart/alternative",
      "multipart/mixed"
    )
    expect(features(mixed)).not.toContain("mime_alternative_single")
  })
})

describe("date_obsolete_form", () => {
  it("a two-digit year or a time without seconds", () => {
    for (const date of [
      "Tue, 3 Sep 02 23:43:57 +0100",
      "3 Sep 02 23:43:57 +0100",
      "Mon, 1 Jun 2026 10:00 +0000",
      "Mon, 1 Jun 2026 10:00 UT"
    ]) {
      expect(dateObsoleteForm(date), date).toBe(true)
      expect(features(plain(["Subject: minutes"], date)), date).toContain("date_obsolete_form")
    }
  })

  it("not for the form mail programs write", () => {
    for (const date of [
      "Mon, 1 Jun 2026 10:00:00 +0000",
      "Mon, 1 Jun 2026 01:00:00 -0900 (AKDT)",
      "1 Jun 2026 10:00:00 GMT",
      "Monday, 1 June 2026 10:00:00 +0200"
    ]) {
      expect(dateObsoleteForm(date), date).toBe(false)
      expect(features(plain(["Subject: minutes"], date)), date).not.toContain("date_obsolete_form")
    }
  })

  test.prop([fc.date({ min: new Date("1970-01-01"), max: new Date("2099-12-31"), noInvalidDate: true })])(
    "a Date written by a clock (RFC 5322 form) is never flagged",
    (d) => {
      expect(dateObsoleteForm(d.toUTCString().replace("GMT", "+0000"))).toBe(false)
    }
  )

  test.prop([fc.string({ maxLength: 300 })])("never throws on any text", (s) => {
    expect(typeof dateObsoleteForm(s)).toBe("boolean")
  })
})

describe("mailer_random", () => {
  const withMailer = (mailer: string) => plain(["Subject: minutes", `X-Mailer: ${mailer}`])

  it("an X-Mailer that is one long random word of mixed-case letters and digits", () => {
    for (const mailer of ["hZ3RKtcCNAeE2A3jcbd9ookG", "1DBTOPMHYPvWHpRaW08Y3j", "AbopIANCYUGKLQUL7"])
      expect(features(withMailer(mailer)), mailer).toContain("mailer_random")
  })

  it("not for mail programs' names and versions", () => {
    for (const mailer of [
      "Microsoft Outlook Express 6.00.2600.0000",
      "Sylpheed",
      "SquirrelMail/1.4.22",
      "Apple Mail (2.1078)",
      "QUALCOMM Windows Eudora Version 5.1",
      "ABCDEFGHIJKLMNOP1234", // no lower case
      "Lotus Notes Release 8.5.1FP2 October 22, 2009"
    ])
      expect(features(withMailer(mailer)), mailer).not.toContain("mailer_random")
  })
})

describe("mime_content_type_missing", () => {
  it("MIME-Version without a Content-Type", () => {
    const text = plain(["Subject: minutes"]).replace("Content-Type: text/plain\r\n", "")
    expect(features(text)).toContain("mime_content_type_missing")
    expect(features(plain(["Subject: minutes"]))).not.toContain("mime_content_type_missing")
    // Mail without MIME at all is mime_version_missing's case, not this one.
    const preMime = text.replace("MIME-Version: 1.0\r\n", "")
    expect(features(preMime)).not.toContain("mime_content_type_missing")
  })
})

describe("html_trailing_junk", () => {
  const html = (trailer: string, before = "<html><body><p>Our offer for you.</p></body></html>") =>
    [...head(["Subject: offer"]), "Content-Type: text/html; charset=utf-8", "", `${before}${trailer}`, ""].join("\r\n")

  it("random text after </html>, on the line after it or the same line", () => {
    for (const junk of [
      "\r\n3740oxdu6-332yIle8929EAtL5-l25",
      "\r\n\r\nndtxcpfjspwwtrkaxnxg",
      '[BJK9^":}H&*TG0BK5NKIYs5]',
      "\r\n371812976544333222\r\n\r\n--DeathToSpam--",
      "\r\njsmith"
    ])
      expect(features(html(junk)), junk).toContain("html_trailing_junk")
  })

  it("not for a document that ends at </html>, nor for footers and prose after it", () => {
    for (const trailer of [
      "",
      "\r\n\r\n",
      "\r\n<!-- end -->",
      "\r\n-- \r\nIrish Linux Users' Group: ilug@linux.ie",
      "\r\n_______________________________________________\r\nlist3dc3x mailing list",
      "\r\nhttp://xent.com/mailman/listinfo/fork",
      "\r\nGet more from the Web.  FREE MSN Explorer download",
      "\r\n****"
    ])
      expect(features(html(trailer)), trailer).not.toContain("html_trailing_junk")
    // No </html> at all: nothing marks the document's end.
    expect(features(html("\r\nx9f3kq", "<p>hello</p>"))).not.toContain("html_trailing_junk")
  })

  it("looks only at the last 1,000 characters of the part", () => {
    const far = `<html><body>hi</body></html>\r\nq8w7e6r5\r\n${"<p>more</p>\r\n".repeat(100)}`
    expect(trailingJunk(far)).toBe(false)
    expect(trailingJunk(`${"<p>text</p>".repeat(200)}</html>\r\nq8w7e6r5`)).toBe(true)
  })

  test.prop([fc.string({ maxLength: 1500 })])("never throws on any text", (s) => {
    expect(typeof trailingJunk(s)).toBe("boolean")
  })

  test.prop([fc.array(fc.stringMatching(/^[A-Za-z]{2,12}$/), { minLength: 2, maxLength: 12 })])(
    "a line of words after </html> is prose, never junk",
    (words) => {
      expect(trailingJunk(`<html><body>x</body></html>\r\n${words.join(" ")}\r\n`)).toBe(false)
    }
  )
})

describe("to_empty", () => {
  const withTo = (to: ReadonlyArray<string>) =>
    [
      "From: Alice <alice@example.net>",
      ...to,
      "Subject: minutes",
      "Date: Mon, 1 Jun 2026 10:00:00 +0000",
      "Message-ID: <abc123@example.net>",
      "",
      "Hello Bob, the minutes are attached.",
      ""
    ].join("\r\n")

  it("a To field that holds no address: blank, or an empty address", () => {
    for (const to of ["To:", "To: ", "To:   \t", 'To: "" <>', 'To: ""<>'])
      expect(features(withTo([to])), to).toContain("to_empty")
  })

  it("not without a To field, nor for a group or an address", () => {
    expect(features(withTo([]))).not.toContain("to_empty")
    for (const to of ["To: undisclosed-recipients:;", "To: bob@example.org", 'To: "Bob" <bob@example.org>', "To: bob"])
      expect(features(withTo([to])), to).not.toContain("to_empty")
  })
})
