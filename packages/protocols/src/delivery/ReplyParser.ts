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
import type { SmtpReply } from "../smtp/Handler.ts"

export interface ParsedReply extends SmtpReply {
  /** Every line's text (after the code and enhanced code), for EHLO keyword parsing. */
  readonly lines: ReadonlyArray<string>
}

export type ReplyEvent =
  | { readonly _tag: "Reply"; readonly reply: ParsedReply }
  | { readonly _tag: "Malformed"; readonly detail: string }

const ENHANCED = /^([245]\.\d{1,3}\.\d{1,3})(?: (.*))?$/s
const decoder = new TextDecoder("utf-8", { fatal: false })
const LF = 0x0a
const CR = 0x0d

/** True for a char code of an ASCII digit from `low` to 9. */
const digit = (c: number, low = 0x30): boolean => c >= low && c <= 0x39

export class ReplyParser {
  /** The start of a line whose end has not arrived yet (copies: a chunk is not kept). */
  private pending: Array<Uint8Array> = []
  private pendingBytes = 0
  private lines: Array<string> = []
  private code: string | undefined
  private broken = false

  constructor(
    private readonly maxLineLength = 4096,
    private readonly maxLines = 200
  ) {}

  /** Feeds bytes; returns the replies (or the one protocol error) completed by them. */
  push(chunk: Uint8Array): ReadonlyArray<ReplyEvent> {
    const out: Array<ReplyEvent> = []
    if (this.broken) return out
    // Line by line: the line ends are found by a native scan, not byte by byte.
    for (let start = 0; start < chunk.length; ) {
      const lf = chunk.indexOf(LF, start)
      const end = lf === -1 ? chunk.length : lf
      // The limit counts every byte before the LF (a CR included), as they arrive.
      if (this.pendingBytes + end - start > this.maxLineLength) return this.fail(out, "reply line too long")
      if (lf === -1) {
        this.pending.push(chunk.slice(start))
        this.pendingBytes += end - start
        break
      }
      const failure = this.line(this.take(chunk.subarray(start, end)), out)
      if (failure !== undefined) return this.fail(out, failure)
      start = lf + 1
    }
    return out
  }

  /** The whole line: the pending start and `tail`, without a final CR. */
  private take(tail: Uint8Array): Uint8Array {
    let line = tail
    if (this.pending.length > 0) {
      line = new Uint8Array(this.pendingBytes + tail.length)
      let o = 0
      for (const part of this.pending) {
        line.set(part, o)
        o += part.length
      }
      line.set(tail, o)
      this.pending = []
      this.pendingBytes = 0
    }
    return line.length > 0 && line[line.length - 1] === CR ? line.subarray(0, line.length - 1) : line
  }

  /** Adds one line (`NNN[ -]text`, or a bare `NNN`); a protocol error is returned as its detail. */
  private line(bytes: Uint8Array, out: Array<ReplyEvent>): string | undefined {
    const text = decoder.decode(bytes)
    const n = text.length
    const sepChar = n === 3 ? " " : text[3]
    if (
      n < 3 ||
      !digit(text.charCodeAt(0), 0x32) ||
      text.charCodeAt(0) > 0x35 ||
      !digit(text.charCodeAt(1)) ||
      !digit(text.charCodeAt(2)) ||
      (sepChar !== " " && sepChar !== "-")
    )
      return `malformed reply line ${JSON.stringify(text.slice(0, 80))}`
    const code = text.slice(0, 3)
    if (this.code !== undefined && code !== this.code) return "reply code changed inside a multi-line reply"
    this.code = code
    this.lines.push(n === 3 ? "" : text.slice(4))
    if (this.lines.length > this.maxLines) return "reply has too many lines"
    if (sepChar === " ") {
      out.push({ _tag: "Reply", reply: build(Number(code), this.lines) })
      this.code = undefined
      this.lines = []
    }
    return undefined
  }

  private fail(out: Array<ReplyEvent>, detail: string): ReadonlyArray<ReplyEvent> {
    this.broken = true
    this.pending = []
    this.pendingBytes = 0
    this.lines = []
    out.push({ _tag: "Malformed", detail })
    return out
  }
}

const build = (code: number, raw: ReadonlyArray<string>): ParsedReply => {
  let enhanced: string | undefined
  const lines = raw.map((line, i) => {
    const m = ENHANCED.exec(line)
    // The enhanced code must match the reply class (RFC 3463 §2); otherwise it is plain text.
    if (m === null || !m[1]!.startsWith(String(code)[0]!)) return line
    if (i === 0) enhanced = m[1]
    return m[2] ?? ""
  })
  return { code, enhanced, text: lines.join("\n"), lines }
}
