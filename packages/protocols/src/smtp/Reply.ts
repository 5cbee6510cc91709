/**
 * SMTP replies: constructors, the wire format, and the sanitising of replies that come from a
 * handler.
 *
 * **Gotchas**
 * - A handler's reply text is untrusted for framing: an embedded CR or LF would let it inject a
 *   second reply (response smuggling). `formatReply` splits text on any line break into a proper
 *   multi-line reply and replaces other control characters.
 * - RFC 2034 wants the enhanced code on every line of every reply except the greeting, the EHLO
 *   reply and intermediate replies (354, 334); `fromHandler` fills a class default when a handler
 *   leaves it out, and maps codes outside 200..599 to 451 4.3.0 (never a silent 250).
 *
 * @category models
 * @since 0.1.0
 */
import type { SmtpReply } from "./Handler.ts"

/** @category constructors */
export const make = (code: number, enhanced: string | undefined, text: string): SmtpReply =>
  enhanced === undefined ? { code, text } : { code, enhanced, text }

const ENHANCED = /^[245]\.\d{1,3}\.\d{1,3}$/

/** Normalises a reply produced by handler code (see the module header). @category constructors */
export const fromHandler = (reply: SmtpReply): SmtpReply => {
  const code = Number.isInteger(reply.code) && reply.code >= 200 && reply.code <= 599 ? reply.code : 0
  if (code === 0) return make(451, "4.3.0", "Internal error: invalid reply")
  const cls = Math.floor(code / 100)
  const enhanced =
    reply.enhanced !== undefined && ENHANCED.test(reply.enhanced) && reply.enhanced.startsWith(String(cls))
      ? reply.enhanced
      : cls === 3
        ? undefined
        : `${cls}.0.0`
  return make(code, enhanced, typeof reply.text === "string" && reply.text.length > 0 ? reply.text : "OK")
}

/** RFC 5321 §4.5.3.1.5: a reply line is at most 512 octets including the CRLF. */
const MAX_TEXT = 480

const CONTROL = /[\u0000-\u001f\u007f]/
const cleanLine = (line: string): string => {
  const cleaned = line.replace(/[\u0000-\u001f\u007f]/g, " ")
  return cleaned.length > MAX_TEXT ? cleaned.slice(0, MAX_TEXT) : cleaned
}

/**
 * Multi-line replies already formatted, by reply: the EHLO reply is one object per configuration
 * (commands/Hello.ts), sent once a session, so its lines are split and cleaned once.
 */
const formatted = new WeakMap<SmtpReply, string>()

/** The reply as it goes on the wire, CRLF-terminated, one or more lines. */
export const formatReply = (reply: SmtpReply): string => {
  const prefix = reply.enhanced === undefined ? "" : `${reply.enhanced} `
  // Nearly every reply is one clean line: no split, no per-line cleaning.
  if (reply.text.length <= MAX_TEXT && !CONTROL.test(reply.text)) return `${reply.code} ${prefix}${reply.text}\r\n`
  const known = formatted.get(reply)
  if (known !== undefined) return known
  const wire = formatLines(reply, prefix)
  formatted.set(reply, wire)
  return wire
}

const formatLines = (reply: SmtpReply, prefix: string): string => {
  const lines = reply.text.split(/\r\n|\r|\n/)
  let out = ""
  lines.forEach((line, i) => {
    const sep = i === lines.length - 1 ? " " : "-"
    out += `${reply.code}${sep}${prefix}${cleanLine(line)}\r\n`
  })
  return out
}

/** True for 2xx replies. */
export const isPositive = (reply: SmtpReply): boolean => reply.code >= 200 && reply.code < 300

/** Replies used by more than one command group. @category constructors */
export const Common = {
  ok: make(250, "2.0.0", "OK"),
  badSequence: (text: string) => make(503, "5.5.1", text),
  syntax: (text: string) => make(501, "5.5.4", text),
  tooManyErrors: make(421, "4.7.0", "Too many errors, closing connection"),
  lineTooLong: make(500, "5.5.2", "Line too long"),
  handlerFailed: make(451, "4.3.0", "Temporary local problem, please try again later"),
  shuttingDown: make(421, "4.3.2", "Service shutting down, closing connection"),
  idle: make(421, "4.4.2", "Idle timeout, closing connection"),
  tooSlow: make(421, "4.4.2", "Data transfer too slow, closing connection"),
  tooManyCommands: make(421, "4.7.0", "Too many commands in one session, closing connection"),
  tooManyTransactions: make(421, "4.7.0", "Too many transactions in one session, closing connection"),
  lifetime: make(421, "4.4.2", "Session lasted too long, closing connection"),
  noStorage: make(452, "4.3.1", "Insufficient system storage, try again later"),
  authLocked: make(454, "4.7.0", "Too many authentication failures, try again later"),
  tooManyHops: make(554, "5.4.6", "Too many Received headers, probable mail loop")
} as const
