import { Envelope } from "../../src/index.ts"

export const envelope = Envelope.make({
  clientAddress: "203.0.113.9",
  helo: "mx.sender.example",
  mailFrom: "a@sender.example",
  rcptTo: ["b@rcpt.example"]
})

const encoder = new TextEncoder()

/** Message bytes from lines joined with CRLF (or `eol`). */
export const msg = (lines: ReadonlyArray<string>, eol = "\r\n"): Uint8Array => encoder.encode(lines.join(eol))

export const bytes = (s: string): Uint8Array => encoder.encode(s)

/** Latin-1 bytes of a string whose chars are all < 256. */
export const latin1 = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0) & 0xff)
