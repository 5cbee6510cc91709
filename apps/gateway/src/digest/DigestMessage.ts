/**
 * The digest message for one recipient: plain text (UTF-8, quoted-printable), listing each newly
 * quarantined message (date, sender, subject) and the signed link to the recipient's own
 * quarantine page (a message held for a virus says only the administrator can release it).
 * Values taken from quarantined mail only ever go into the body, with control characters removed;
 * the header fields carry our own values (a recipient address, checked).
 *
 * @category constructors
 * @since 0.1.0
 */
import { randomBytes } from "node:crypto"
import type { QuarantineMeta } from "@mailmoat/core"
import { virusOf } from "../ReleaseScan.ts"
import { rfc5322Date } from "../TraceHeaders.ts"

export interface DigestMessageInput {
  readonly from: string
  readonly recipient: string
  readonly hostname: string
  readonly entries: ReadonlyArray<QuarantineMeta>
  readonly link: string
  readonly linkExpires: Date
  readonly now: number
}

const clean = (s: string, max = 120) => {
  const t = s.replace(/[\u0000-\u001f\u007f]+/g, " ").trim()
  return t.length > max ? `${t.slice(0, max - 1)}…` : t
}

/** Quoted-printable (RFC 2045 §6.7) of UTF-8 text with CRLF line ends. */
const quotedPrintable = (text: string): string =>
  text
    .split("\n")
    .map((line) => {
      let out = ""
      let width = 0
      for (const byte of Buffer.from(line, "utf8")) {
        const c =
          byte === 0x3d || byte > 0x7e || (byte < 0x20 && byte !== 0x09)
            ? `=${byte.toString(16).toUpperCase().padStart(2, "0")}`
            : String.fromCharCode(byte)
        if (width + c.length > 75) {
          out += "=\r\n"
          width = 0
        }
        out += c
        width += c.length
      }
      return out.replace(/[ \t]$/, (w) => `=${w.charCodeAt(0).toString(16).toUpperCase().padStart(2, "0")}`)
    })
    .join("\r\n")

const headerSafe = (s: string) => {
  if (/[\r\n]/.test(s)) throw new Error(`not usable in a header field: ${JSON.stringify(s)}`)
  return s
}

export const digestMessage = (input: DigestMessageInput): Uint8Array => {
  const n = input.entries.length
  const lines = [
    `${n} new ${n === 1 ? "message was" : "messages were"} held in quarantine for ${input.recipient}:`,
    "",
    ...input.entries.flatMap((m) => [
      `- ${new Date(m.envelope.receivedAt || Date.parse(m.storedAt)).toISOString().replace("T", " ").slice(0, 16)} UTC`,
      `  From:    ${clean(m.from ?? m.envelope.mailFrom) || "(unknown)"}`,
      `  Subject: ${clean(m.subject ?? "") || "(no subject)"}`,
      ...(virusOf(m) === undefined ? [] : ["  Held for a virus: only your mail administrator can release it."]),
      ""
    ]),
    "Review them, release what you want to receive, or delete them:",
    input.link,
    "",
    `This link opens your own quarantine without a password until ${input.linkExpires.toISOString().replace("T", " ").slice(0, 16)} UTC.`,
    "Do not forward this message."
  ]
  const head = [
    `From: Mailmoat quarantine <${headerSafe(input.from)}>`,
    `To: <${headerSafe(input.recipient)}>`,
    `Subject: Quarantine digest: ${n} new ${n === 1 ? "message" : "messages"}`,
    `Date: ${rfc5322Date(input.now)}`,
    `Message-ID: <digest.${randomBytes(9).toString("hex")}@${headerSafe(input.hostname)}>`,
    "Auto-Submitted: auto-generated",
    "MIME-Version: 1.0",
    "Content-Type: text/plain; charset=utf-8",
    "Content-Transfer-Encoding: quoted-printable"
  ]
  return Buffer.from(`${head.join("\r\n")}\r\n\r\n${quotedPrintable(lines.join("\n"))}\r\n`, "utf8")
}
