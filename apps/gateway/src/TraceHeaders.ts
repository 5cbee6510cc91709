/**
 * The header lines the gateway prepends to a message it hands off: our `Received:` trace header
 * (RFC 5321 §4.4) with the real peer IP, and the verdict headers of a `Deliver` action. They are
 * streamed in front of the spool, so the body is never rewritten or buffered.
 *
 * **Gotchas**
 * - The HELO name is the client's word: anything outside visible ASCII (and parentheses, which
 *   would break the comment syntax) is replaced, so a HELO cannot forge a second header or hop.
 * - The protocol keyword follows RFC 3848: ESMTP, ESMTPS (TLS), ESMTPA (AUTH), ESMTPSA.
 * - Header values from actions are sanitised the same way: CR, LF and NUL would let a value start
 *   a new header or end the header block.
 *
 * @category models
 * @since 0.1.0
 */
import type { Envelope } from "@mailmoat/core"

const DAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
const pad = (n: number) => String(n).padStart(2, "0")

/** RFC 5322 §3.3 date-time in UTC. */
export const rfc5322Date = (ms: number): string => {
  const d = new Date(ms)
  return `${DAYS[d.getUTCDay()]}, ${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0000`
}

const token = (s: string): string => s.replace(/[^\x21-\x7e]|[()]/g, "?").slice(0, 255)

const addressLiteral = (ip: string): string => (ip.includes(":") ? `[IPv6:${ip}]` : `[${ip}]`)

export interface ReceivedFacts {
  readonly envelope: Envelope.Envelope
  /** Our host name (the `by` clause). */
  readonly hostname: string
  /** Our transaction id, also in the 250 reply. */
  readonly id: string
  readonly now: number
}

/** Our Received header (folded, without the final CRLF). */
export const receivedHeader = ({ envelope, hostname, id, now }: ReceivedFacts): string => {
  const helo = envelope.helo === "" ? "unknown" : token(envelope.helo)
  const rdns = envelope.clientHostname === undefined ? "" : `${token(envelope.clientHostname)} `
  const proto = `ESMTP${envelope.tls ? "S" : ""}${envelope.authenticatedUser !== undefined ? "A" : ""}`
  // "for" names the recipient only when there is exactly one (RFC 5321 §7.2: do not list many).
  const only = envelope.rcptTo.length === 1 ? `\r\n\tfor <${token(envelope.rcptTo[0]!)}>` : ""
  return (
    `Received: from ${helo} (${rdns}${addressLiteral(envelope.clientAddress)})\r\n` +
    `\tby ${token(hostname)} (Mailmoat) with ${proto} id ${token(id)}${only};\r\n` +
    `\t${rfc5322Date(now)}`
  )
}

/**
 * A value's folds (CRLF followed by a space or tab, then text) are kept; every other CR, LF or
 * NUL becomes a space, so a value can neither start a header nor end the header block (a line
 * of only whitespace).
 */
const cleanedValue = (v: string): string =>
  v
    .split("\r\n")
    .map((line) => line.replace(/[\r\n\0]+/g, " "))
    .reduce(
      (out, line, i) =>
        i > 0 && out.trim() !== "" && /^[ \t]+\S/.test(line) ? `${out}\r\n${line}` : `${out}${i > 0 ? " " : ""}${line}`,
      ""
    )

/** Whether `v` has a CR, LF or NUL: the only values `cleanedValue` changes. */
const hasBreak = (v: string): boolean => {
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i)
    if (c === 0x0d || c === 0x0a || c === 0x00) return true
  }
  return false
}

// Most values (every verdict header, our one-line Authentication-Results) have nothing to clean:
// they are taken as they are, not split into lines, mapped and joined again for every message.
const cleanValue = (v: string): string => (hasBreak(v) ? cleanedValue(v) : v)

const cleanName = (n: string): string => n.replace(/[^\x21-\x39\x3b-\x7e]/g, "-")

/** `Name: value` lines (CRLF-terminated) for headers to prepend. */
export const headerLines = (headers: ReadonlyArray<readonly [string, string]>): string => {
  let out = ""
  for (const [name, value] of headers) out += `${cleanName(name)}: ${cleanValue(value)}\r\n`
  return out
}

const utf8 = new TextEncoder()

/** The bytes to stream before the spool: our Received header, then the action's headers. */
export const prefixBytes = (received: string, headers: ReadonlyArray<readonly [string, string]>): Uint8Array =>
  utf8.encode(`${received}\r\n${headerLines(headers)}`)
