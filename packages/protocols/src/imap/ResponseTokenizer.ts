/**
 * Streaming, byte-exact tokenizer for the IMAP server-to-client stream.
 *
 * It splits the stream into responses (untagged `*`, tagged, continuation `+`), follows literals
 * (`{n}`, `{n+}`, `~{n}`) so their octets are never mistaken for response lines, and marks the
 * literals that carry a whole message in a FETCH response (see `FetchLexer`). Everything else —
 * partial fetches (`BODY[]<0>`), sections (`BODY[1]`, `BODY[HEADER]`, `RFC822.HEADER`), literals in
 * ENVELOPE or LIST — passes through as plain bytes.
 *
 * Concatenating the bytes of every event (`Bytes`, `MessageStart.marker`, `MessageData`, in order)
 * gives back the input exactly, for any chunking.
 *
 * **Gotchas**
 * - No line is buffered: bytes are emitted as they arrive, except for the few trailing bytes that
 *   could still become a literal marker (at most `MAX_MARKER_LENGTH`), so a huge `* SEARCH` line
 *   costs no memory. Only the first 64 bytes of each response are kept, to classify it.
 * - Event byte arrays are subarrays of the pushed chunk where possible: consumers must not keep
 *   mutating the chunk after pushing it.
 * - Continuation lines (`+ ...`) never carry literals (their text is free-form, e.g. base64).
 *
 * @category models
 * @since 0.1.0
 */
import { FetchLexer } from "./FetchLexer.ts"
import { type LiteralMarker, MAX_MARKER_LENGTH, markerAtEnd, pendingMarkerLength } from "./Literal.ts"

export type ImapServerEvent =
  | { readonly _tag: "Bytes"; readonly bytes: Uint8Array }
  | { readonly _tag: "MessageStart"; readonly marker: Uint8Array; readonly literal: LiteralMarker }
  | { readonly _tag: "MessageData"; readonly bytes: Uint8Array }
  | { readonly _tag: "MessageEnd" }
  /** After the last byte of a response; `tag` is `*`, `+` or the command tag; `head` its first 64 bytes. */
  | { readonly _tag: "ResponseEnd"; readonly tag: string; readonly status: string; readonly head: string }

const LF = 0x0a
const HEAD_MAX = 64
const EMPTY = new Uint8Array(0)
const FETCH_HEAD = /^\* \d+ FETCH \(/i

const concat = (a: Uint8Array, b: Uint8Array): Uint8Array => {
  const out = new Uint8Array(a.length + b.length)
  out.set(a, 0)
  out.set(b, a.length)
  return out
}

export class ImapResponseTokenizer {
  private mode: "line" | "literal" = "line"
  /** Held-back bytes that may be the start of a literal marker. */
  private carry: Uint8Array = EMPTY
  private head = ""
  private lexer = new FetchLexer()
  private remaining = 0
  private inMessage = false

  push(chunk: Uint8Array): Array<ImapServerEvent> {
    const out: Array<ImapServerEvent> = []
    let pos = 0
    while (pos < chunk.length) {
      if (this.mode === "literal") {
        const take = Math.min(this.remaining, chunk.length - pos)
        const bytes = chunk.subarray(pos, pos + take)
        out.push(this.inMessage ? { _tag: "MessageData", bytes } : { _tag: "Bytes", bytes })
        pos += take
        this.remaining -= take
        if (this.remaining === 0) this.endLiteral(out)
        continue
      }
      const lf = chunk.indexOf(LF, pos)
      if (lf === -1) {
        this.partialLine(chunk.subarray(pos), out)
        break
      }
      this.lineEnd(chunk.subarray(pos, lf + 1), out)
      pos = lf + 1
    }
    return out
  }

  /** End of stream: the bytes held back as a possible literal marker (a truncated last line). */
  flush(): Uint8Array {
    const held = this.carry
    this.carry = EMPTY
    return held
  }

  /** True between responses (nothing of a response seen yet). */
  atBoundary(): boolean {
    return this.mode === "line" && this.head === "" && this.carry.length === 0
  }

  private partialLine(fragment: Uint8Array, out: Array<ImapServerEvent>): void {
    const joined = this.carry.length > 0 ? concat(this.carry, fragment) : fragment
    const hold = this.isContinuation(joined) ? 0 : pendingMarkerLength(joined)
    this.emitLine(joined.subarray(0, joined.length - hold), out)
    this.carry = hold > 0 ? joined.slice(joined.length - hold) : EMPTY
  }

  private lineEnd(piece: Uint8Array, out: Array<ImapServerEvent>): void {
    let line = piece
    if (this.carry.length > 0) {
      // The carry can only be part of a marker that ends in this piece if the piece is short.
      if (piece.length <= MAX_MARKER_LENGTH) line = concat(this.carry, piece)
      else this.emitLine(this.carry, out)
      this.carry = EMPTY
    }
    const marker = this.isContinuation(line) ? undefined : markerAtEnd(line)
    if (marker === undefined) {
      this.emitLine(line, out)
      out.push(this.responseEnd())
      return
    }
    this.emitLine(line.subarray(0, line.length - marker.length), out)
    const markerBytes = line.subarray(line.length - marker.length)
    this.inMessage = this.lexer.literalStarts() && FETCH_HEAD.test(this.head)
    out.push(
      this.inMessage
        ? { _tag: "MessageStart", marker: markerBytes, literal: marker }
        : { _tag: "Bytes", bytes: markerBytes }
    )
    this.mode = "literal"
    this.remaining = marker.size
    if (marker.size === 0) this.endLiteral(out)
  }

  private endLiteral(out: Array<ImapServerEvent>): void {
    if (this.inMessage) out.push({ _tag: "MessageEnd" })
    this.inMessage = false
    this.lexer.literalEnds()
    this.mode = "line"
  }

  private emitLine(bytes: Uint8Array, out: Array<ImapServerEvent>): void {
    if (bytes.length === 0) return
    if (this.head.length < HEAD_MAX)
      this.head += Buffer.from(bytes.subarray(0, HEAD_MAX - this.head.length)).toString("latin1")
    if (!this.isContinuationHead()) this.lexer.feed(bytes)
    out.push({ _tag: "Bytes", bytes })
  }

  private isContinuation(line: Uint8Array): boolean {
    return this.head.length > 0 ? this.isContinuationHead() : line[0] === 0x2b
  }

  private isContinuationHead(): boolean {
    return this.head.charCodeAt(0) === 0x2b
  }

  private responseEnd(): ImapServerEvent {
    const head = this.head
    const words = head.split(" ", 3)
    const tag = (words[0] ?? "").replace(/\r?\n$/, "")
    const status = (words[1] ?? "").replace(/\r?\n$/, "").toUpperCase()
    this.head = ""
    this.lexer = new FetchLexer()
    return { _tag: "ResponseEnd", tag, status, head }
  }
}
