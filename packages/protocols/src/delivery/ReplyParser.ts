/**
 * Parses the replies a downstream SMTP/LMTP server sends to our relay client: `250-...` lines
 * continue a reply, `250 ...` ends it (RFC 5321 §4.2.1). Enhanced status codes (RFC 3463) are
 * split off the text when present.
 *
 * **Gotchas**
 * - The downstream is trusted for content, not for framing: every line is bounded
 *   (`maxLineLength`), a reply has at most `maxLines` lines, and a line that is not
 *   `NNN[ -]text` is a protocol error, reported as a malformed reply (the client then gives up on
 *   the connection: a temporary failure, never a guessed success).
 * - A line ends at LF (a preceding CR is stripped): some servers send bare LF, and being lenient
 *   here cannot smuggle anything since we only read replies.
 * - Output never depends on how the bytes were chunked (property-tested).
 *
 * @category models
 * @since 0.1.0
 */
import { emptyList } from "@mailmoat/core"
import type { SmtpReply } from "../smtp/Handler.ts"

export interface ParsedReply extends SmtpReply {
  /** Every line's text (after the code and enhanced code), for EHLO keyword parsing. */
  readonly lines: ReadonlyArray<string>
}

export type ReplyEvent =
  | { readonly _tag: "Reply"; readonly reply: ParsedReply }
  | { readonly _tag: "Malformed"; readonly detail: string }

const decoder = new TextDecoder("utf-8", { fatal: false })
const LF = 0x0a
const CR = 0x0d

/** True for a char code of an ASCII digit from `low` to 9. */
const digit = (c: number, low = 0x30): boolean => c >= low && c <= 0x39

export class ReplyParser {
  /** The start of a line whose end has not arrived yet (copies: a chunk is not kept). */
  private pending: Array<Uint8Array> = []
  private pendingBytes = 0
  // Lists of one elements kind (`ListKinds` in core): a reply's lines and a chunk's events are
  // read by loops that also meet them empty.
  private lines: Array<string> = emptyList()
  private code: number | undefined
  private broken = false

  constructor(
    private readonly maxLineLength = 4096,
    private readonly maxLines = 200
  ) {}

  /** Feeds bytes; returns the replies (or the one protocol error) completed by them. */
  push(chunk: Uint8Array): ReadonlyArray<ReplyEvent> {
    const out: Array<ReplyEvent> = emptyList()
    if (this.broken) return out
    // Line by line: the line ends are found by a native scan, not byte by byte.
    for (let start = 0; start < chunk.length; ) {
      const lf = chunk.indexOf(LF, start)
      const end = lf === -1 ? chunk.length : lf
      // The limit counts every byte before the LF (a CR included), as they arrive.
      if (this.pendingBytes + end - start > this.maxLineLength) return this.fail(out, "reply line too long")
      if (lf === -1) {
        // A copy whatever the chunk's class (`Buffer#slice` is a view): a reused read buffer
        // is overwritten by the next read.
        this.pending.push(Uint8Array.prototype.slice.call(chunk, start))
        this.pendingBytes += end - start
        break
      }
      const failure = this.line(this.take(chunk, start, end), out)
      if (failure !== undefined) return this.fail(out, failure)
      start = lf + 1
    }
    return out
  }

  /** The whole line: the pending start and `chunk[start, end)`, without a final CR. */
  private take(chunk: Uint8Array, start: number, end: number): Uint8Array {
    // The usual case, a line within one chunk: one view of it, the CR already left out.
    if (this.pending.length === 0) return chunk.subarray(start, end > start && chunk[end - 1] === CR ? end - 1 : end)
    const line = new Uint8Array(this.pendingBytes + end - start)
    let o = 0
    for (const part of this.pending) {
      line.set(part, o)
      o += part.length
    }
    line.set(chunk.subarray(start, end), o)
    this.pending = []
    this.pendingBytes = 0
    return line.length > 0 && line[line.length - 1] === CR ? line.subarray(0, line.length - 1) : line
  }

  /** Adds one line (`NNN[ -]text`, or a bare `NNN`); a protocol error is returned as its detail. */
  private line(bytes: Uint8Array, out: Array<ReplyEvent>): string | undefined {
    const text = decoder.decode(bytes)
    const n = text.length
    const sepChar = n === 3 ? " " : text[3]
    const c0 = text.charCodeAt(0)
    if (
      n < 3 ||
      !digit(c0, 0x32) ||
      c0 > 0x35 ||
      !digit(text.charCodeAt(1)) ||
      !digit(text.charCodeAt(2)) ||
      (sepChar !== " " && sepChar !== "-")
    )
      return `malformed reply line ${JSON.stringify(text.slice(0, 80))}`
    // The code as a number, read off the digits (no slice of the line for it).
    const code = (c0 - 0x30) * 100 + (text.charCodeAt(1) - 0x30) * 10 + (text.charCodeAt(2) - 0x30)
    if (this.code !== undefined && code !== this.code) return "reply code changed inside a multi-line reply"
    this.code = code
    this.lines.push(n === 3 ? "" : text.slice(4))
    if (this.lines.length > this.maxLines) return "reply has too many lines"
    if (sepChar === " ") {
      out.push({ _tag: "Reply", reply: build(code, this.lines) })
      this.code = undefined
      this.lines = emptyList()
    }
    return undefined
  }

  private fail(out: Array<ReplyEvent>, detail: string): ReadonlyArray<ReplyEvent> {
    this.broken = true
    this.pending = []
    this.pendingBytes = 0
    this.lines = emptyList()
    out.push({ _tag: "Malformed", detail })
    return out
  }
}

/** The number of the digits (at most 3) of `text` from `i`. */
const digitsAt = (text: string, i: number): number => {
  let n = 0
  while (n < 3 && digit(text.charCodeAt(i + n))) n++
  return n
}

/**
 * The length of the enhanced status code (RFC 3463 `class.subject.detail`, 1-3 digits each) that
 * starts `line` and is followed by a space or the end, or 0; its class must be `cls` (a char
 * code). Read by hand: a regular expression built a match array and two strings per line.
 */
export const enhancedLength = (line: string, cls: number): number => {
  const c = line.charCodeAt(0)
  if (c !== cls || (c !== 0x32 && c !== 0x34 && c !== 0x35) || line.charCodeAt(1) !== 0x2e) return 0
  const subject = digitsAt(line, 2)
  if (subject === 0 || line.charCodeAt(2 + subject) !== 0x2e) return 0
  const at = 3 + subject
  const detail = digitsAt(line, at)
  const end = at + detail
  return detail > 0 && (end === line.length || line.charCodeAt(end) === 0x20) ? end : 0
}

/** The reply of `raw` (the lines' texts, taken over: the parser starts a new array after it). */
const build = (code: number, raw: Array<string>): ParsedReply => {
  let enhanced: string | undefined
  // The enhanced code must match the reply class (RFC 3463 §2); otherwise it is plain text.
  const cls = 0x30 + Math.floor(code / 100)
  for (let i = 0; i < raw.length; i++) {
    const line = raw[i]!
    const length = enhancedLength(line, cls)
    if (length === 0) continue
    if (i === 0) enhanced = line.slice(0, length)
    raw[i] = line.slice(length + 1)
  }
  return { code, enhanced, text: raw.length === 1 ? raw[0]! : raw.join("\n"), lines: raw }
}
