/**
 * The texts users see when a threat is removed: the notice that replaces a part
 * (`partNotice`) and the whole replacement message for `onThreat: block` (`blockNotice`).
 *
 * The blocked message keeps the original's identifying fields (From, To, Cc, Date, Subject,
 * Message-ID) so the mail client shows it in place of the original; everything else, including
 * every byte of the original body, is gone.
 *
 * @category constructors
 * @since 0.1.0
 */
import type { Headers } from "@mailmoat/core"

export interface Threat {
  readonly signature: string
  /** MimeWalk index of the leaf part that carries it, when it could be isolated. */
  readonly partIndex?: number | undefined
}

/** Text for one replaced part. */
export const partNotice = (signature: string, filename?: string | undefined): string =>
  [
    "Mailmoat removed this part of the message because the virus scanner found a threat in it.",
    "",
    `Threat: ${signature}`,
    ...(filename ? [`Original file name: ${filename}`] : []),
    "",
    "The rest of the message is unchanged. If you expected this content, ask the sender to send it another way",
    "and contact your administrator."
  ].join("\n")

const KEEP = ["From", "To", "Cc", "Date", "Subject", "Message-ID", "In-Reply-To", "References"]

/** Field values become one line: no CR/LF/NUL, at most 900 octets (RFC 5322 §2.1.1 allows 998). */
const oneLine = (value: string): string => value.replace(/[\r\n\0]+/g, " ").slice(0, 900)

/** A complete message (CRLF line ends) that stands in for a blocked one. */
export const blockNotice = (options: {
  readonly headers: Headers
  readonly threats: ReadonlyArray<Threat>
  readonly date?: Date | undefined
}): Uint8Array => {
  const lines: Array<string> = []
  for (const name of KEEP) {
    const value = options.headers.get(name)
    if (value === undefined) continue
    lines.push(
      `${name}: ${name === "Subject" ? `[Blocked: threat found] ${oneLine(value)}`.slice(0, 900) : oneLine(value)}`
    )
  }
  if (options.headers.get("Subject") === undefined) lines.push("Subject: [Blocked: threat found]")
  if (options.headers.get("Date") === undefined)
    lines.push(`Date: ${(options.date ?? new Date()).toUTCString().replace("GMT", "+0000")}`)
  if (options.headers.get("From") === undefined) lines.push("From: Mailmoat <postmaster@localhost>")
  const threats = options.threats.length > 0 ? options.threats : [{ signature: "unknown" }]
  lines.push(
    "MIME-Version: 1.0",
    "Content-Type: text/plain; charset=us-ascii",
    "Content-Transfer-Encoding: 7bit",
    "X-Mailmoat-Blocked: threat",
    "",
    "Mailmoat blocked this message because the virus scanner found a threat in it.",
    "The original message has not been delivered to this mailbox view.",
    "",
    ...threats.map(
      (t) =>
        `Threat: ${oneLine(t.signature).replace(/[^\x20-\x7e]/g, "?")}${t.partIndex === undefined ? "" : ` (MIME part ${t.partIndex})`}`
    ),
    "",
    "If you expected this message, contact your administrator.",
    ""
  )
  const text = lines.join("\r\n")
  // Header values come decoded from the original's octets (UTF-8, RFC 6532); write them back as UTF-8.
  return new TextEncoder().encode(text)
}
