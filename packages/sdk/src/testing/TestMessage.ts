/**
 * `testMessage`: a message for stage tests, parsed by the gateway's own parser (the core
 * message model: MIME tree, transfer encodings, charsets, Received hops, body facts), so a stage
 * sees in a test exactly what it sees in production, multipart and base64 mail included.
 *
 * @category testing
 * @since 0.1.0
 */
import type { Message } from "@mailmoat/core"
import { Envelope, MessageModel } from "@mailmoat/core"

export interface TestMessageSpec {
  /** Header fields in order; default From, To, Subject, Message-ID, Date. */
  readonly headers?: ReadonlyArray<readonly [string, string]> | Readonly<Record<string, string>> | undefined
  /** Body text (CRLF or LF line ends). */
  readonly body?: string | undefined
  /**
   * The whole message instead of `headers` + `body`: text (LF line ends become CRLF) or the
   * exact bytes (kept as they are, as the gateway would receive them).
   */
  readonly raw?: string | Uint8Array | undefined
  readonly envelope?: Partial<Envelope.Envelope> | undefined
}

const DEFAULT_HEADERS: ReadonlyArray<readonly [string, string]> = [
  ["From", "Sender <sender@example.net>"],
  ["To", "user@example.org"],
  ["Subject", "hello"],
  ["Message-ID", "<test@example.net>"],
  ["Date", "Mon, 1 Jan 2024 00:00:00 +0000"]
]

const crlf = (text: string) => text.replace(/\r?\n/g, "\r\n")

const bytesOf = (spec: TestMessageSpec): Uint8Array => {
  if (spec.raw instanceof Uint8Array) return spec.raw
  if (spec.raw !== undefined) return new TextEncoder().encode(crlf(spec.raw))
  const fields =
    spec.headers === undefined
      ? DEFAULT_HEADERS
      : Array.isArray(spec.headers)
        ? spec.headers
        : Object.entries(spec.headers)
  const head = (fields as ReadonlyArray<readonly [string, string]>).map(([n, v]) => `${n}: ${v}\r\n`).join("")
  return new TextEncoder().encode(`${head}\r\n${crlf(spec.body ?? "hello\r\n")}`)
}

/** Builds a `Message` for stage tests through the gateway's parser. */
export const testMessage = (spec: TestMessageSpec = {}): Message => {
  const bytes = bytesOf(spec)
  const envelope = Envelope.make({
    clientAddress: "192.0.2.10",
    helo: "mail.example.net",
    mailFrom: "sender@example.net",
    rcptTo: ["user@example.org"],
    ...spec.envelope
  })
  return MessageModel.fromBytes(bytes, { envelope, size: bytes.length })
}
