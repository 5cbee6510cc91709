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

const LINE = /^([2-5]\d\d)([ -])(.*)$/s
const ENHANCED = /^([245]\.\d{1,3}\.\d{1,3})(?: (.*))?$/s
const decoder = new TextDecoder("utf-8", { fatal: false })

export class ReplyParser {
  private pending: Array<number> = []
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
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i]!
      if (b !== 0x0a) {
        if (this.pending.length >= this.maxLineLength) return this.fail(out, "reply line too long")
        this.pending.push(b)
        continue
      }
      if (this.pending[this.pending.length - 1] === 0x0d) this.pending.pop()
      const text = decoder.decode(Uint8Array.from(this.pending))
      this.pending = []
      const m = LINE.exec(text) ?? (/^[2-5]\d\d$/.test(text) ? ([text, text, " ", ""] as const) : null)
      if (m === null) return this.fail(out, `malformed reply line ${JSON.stringify(text.slice(0, 80))}`)
      const [, code, sep, rest] = m as unknown as [string, string, string, string]
      if (this.code !== undefined && code !== this.code)
        return this.fail(out, "reply code changed inside a multi-line reply")
      this.code = code
      this.lines.push(rest)
      if (this.lines.length > this.maxLines) return this.fail(out, "reply has too many lines")
      if (sep === " ") {
        out.push({ _tag: "Reply", reply: build(Number(code), this.lines) })
        this.code = undefined
        this.lines = []
      }
    }
    return out
  }

  private fail(out: Array<ReplyEvent>, detail: string): ReadonlyArray<ReplyEvent> {
    this.broken = true
    this.pending = []
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
