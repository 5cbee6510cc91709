// Small generated corpora and message helpers for the classifier tests (no corpus files needed).
import { Envelope, type Message, MessageModel } from "@mailmoat/core"

const envelope = Envelope.make({
  clientAddress: "192.0.2.1",
  helo: "mail.example.net",
  mailFrom: "a@example.net",
  rcptTo: ["user@example.org"]
})

export const parse = (text: string | Uint8Array): Message =>
  MessageModel.fromBytes(typeof text === "string" ? new TextEncoder().encode(text) : text, { envelope })

export const rfc822 = (o: { subject: string; from?: string; body: string; html?: boolean; extra?: string }): string =>
  [
    `From: ${o.from ?? "Alice <alice@example.net>"}`,
    "To: bob@example.org",
    `Subject: ${o.subject}`,
    "Date: Mon, 1 Jun 2026 10:00:00 +0000",
    "Message-ID: <abc123@example.net>",
    "MIME-Version: 1.0",
    `Content-Type: ${o.html ? "text/html" : "text/plain"}; charset=utf-8`,
    ...(o.extra ? [o.extra] : []),
    "",
    o.body,
    ""
  ].join("\r\n")

/**
 * The parts of a multipart/alternative whose boundary is `b1`, to its closing line: `text` as the
 * plain version, `htmlText` in a paragraph of the HTML one.
 */
export const alternativeParts = (text: string, htmlText: string): Array<string> => [
  "--b1",
  "Content-Type: text/plain; charset=utf-8",
  "",
  text,
  "--b1",
  "Content-Type: text/html; charset=utf-8",
  "",
  `<html><body><p>${htmlText}</p></body></html>`,
  "--b1--"
]

/** A multipart/alternative from a person: `text` as the plain version, `htmlText` inside the HTML one. */
export const withPlainVersion = (text: string, htmlText: string): Message =>
  parse(
    [
      "From: Alice <alice@example.net>",
      "To: bob@example.org",
      "Subject: Notes",
      "MIME-Version: 1.0",
      'Content-Type: multipart/alternative; boundary="b1"',
      "",
      ...alternativeParts(text, htmlText),
      ""
    ].join("\r\n")
  )

/** A message of type `type` (boundary `b1`) whose parts are `parts`, each its header lines then its body. */
export const multipart = (type: string, parts: ReadonlyArray<ReadonlyArray<string>>) =>
  parse(
    [
      "From: Sales <sales@example.net>",
      "To: bob@example.org",
      "Subject: Our offer",
      "Date: Mon, 1 Jun 2026 10:00:00 +0000",
      "MIME-Version: 1.0",
      `Content-Type: ${type}; boundary="b1"`,
      "",
      ...parts.flatMap((p) => ["--b1", ...p]),
      "--b1--",
      ""
    ].join("\r\n")
  )

/** A plain message with exactly these header lines (no defaults), for header-shape tests. */
export const withHeaders = (headers: ReadonlyArray<string>, body = "Hello."): string =>
  [...headers, "", body, ""].join("\r\n")

const pick = <T>(xs: ReadonlyArray<T>, i: number): T => xs[i % xs.length]!

const hamWords = [
  "meeting",
  "agenda",
  "project",
  "review",
  "patch",
  "kernel",
  "compile",
  "tomorrow",
  "lunch",
  "draft",
  "minutes",
  "release",
  "branch",
  "thanks",
  "notes"
]
const spamWords = [
  "viagra",
  "mortgage",
  "winner",
  "casino",
  "pharmacy",
  "refinance",
  "guaranteed",
  "millions",
  "lottery",
  "discount",
  "bitcoin",
  "prize",
  "unclaimed",
  "cheap",
  "investment"
]

/** A deterministic generated message of one class. */
export const generated = (label: "ham" | "spam", i: number): string => {
  const ws = label === "ham" ? hamWords : spamWords
  const body = Array.from({ length: 30 }, (_, j) => pick(ws, i * 7 + j * 3)).join(" ")
  return label === "ham"
    ? rfc822({
        subject: `Re: ${pick(ws, i)} ${pick(ws, i + 1)}`,
        body: `> earlier text\r\n> quoted\r\n${body}`,
        extra: "In-Reply-To: <x@example.net>"
      })
    : rfc822({
        subject: `${pick(ws, i).toUpperCase()} ${pick(ws, i + 2).toUpperCase()} NOW!!`,
        from: "Promo <promo@offers.example>",
        html: true,
        body: `<html><body><font size=6>${body}</font> <a href="http://203.0.113.7/x">click here</a></body></html>`
      })
}

/**
 * What `TextStats.wordSet` stands for: the first 400 distinct words of 3 or more letters
 * (`/\p{L}{3,}/gu`) of a text's first 20,000 characters, lower-cased.
 */
export const wordSetByRegex = (text: string): Set<string> => {
  const out = new Set<string>()
  for (const m of text
    .slice(0, 20_000)
    .toLowerCase()
    .matchAll(/\p{L}{3,}/gu)) {
    out.add(m[0])
    if (out.size >= 400) break
  }
  return out
}
