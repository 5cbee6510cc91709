/**
 * Splits the SMTP command stream into lines, byte by byte, with a bounded buffer.
 *
 * - A line ends at LF. A preceding CR is stripped; a line that ended with a bare LF is flagged
 *   (`bareLf`) so the session can accept it (our "normalise" default) or reject it.
 * - A bare CR never ends a line: it stays in the line and the command parser rejects it as a
 *   control character. Splitting on CR would let `\r` smuggle a second command past a filter that
 *   splits on CRLF only.
 * - Pull model: `push` appends, `next` yields one line at a time. The driver stops pulling when a
 *   command changes the mode (DATA hands the rest to the DataDecoder; STARTTLS discards it,
 *   CVE-2011-0411), and `takeRest` returns what was not consumed.
 *
 * **Gotchas**
 * A line is a view of the bytes pushed, not a copy: read it before they are changed (the
 * session decodes each at once; nothing writes to a socket's chunk).
 * Memory is bounded by `maxLineLength` plus one pushed chunk: once more than `maxLineLength` bytes
 * are buffered without an LF, `next` reports `TooLong` and the buffer is dropped; the session then
 * answers `500 5.5.2` and closes (there is no resynchronising after an overlong command).
 *
 * @category models
 * @since 0.1.0
 */

export type LineEvent =
  | { readonly _tag: "Line"; readonly line: Uint8Array; readonly bareLf: boolean }
  | { readonly _tag: "TooLong" }

const EMPTY = new Uint8Array(0)

export class SmtpLineReader {
  private buffer: Uint8Array = EMPTY
  private start = 0
  /** Where the LF search resumes, so a trickled line is not rescanned from its start (O(n)). */
  private scanned = 0
  private overflowed = false

  /** @param maxLineLength longest accepted line, excluding the line end. */
  constructor(readonly maxLineLength = 4096) {}

  push(chunk: Uint8Array): void {
    if (this.overflowed || chunk.length === 0) return
    const pending = this.buffer.length - this.start
    if (pending === 0) {
      this.buffer = chunk
      this.scanned = 0
    } else {
      const merged = new Uint8Array(pending + chunk.length)
      merged.set(this.buffer.subarray(this.start), 0)
      merged.set(chunk, pending)
      this.buffer = merged
    }
    this.start = 0
  }

  next(): LineEvent | undefined {
    if (this.overflowed) return undefined
    const lf = this.buffer.indexOf(0x0a, this.start + this.scanned)
    if (lf === -1) {
      this.scanned = this.buffer.length - this.start
      // +1: a line of exactly maxLineLength may still be waiting for its CR before the LF.
      if (this.scanned > this.maxLineLength + 1) return this.overflow()
      return undefined
    }
    const bareLf = lf === this.start || this.buffer[lf - 1] !== 0x0d
    const end = bareLf ? lf : lf - 1
    if (end - this.start > this.maxLineLength) return this.overflow()
    // A view, not a copy: the session reads a line at once (parsed into a command or decoded)
    // and keeps none of its bytes, and no buffer the reader holds is ever written to.
    const line = this.buffer.subarray(this.start, end)
    this.start = lf + 1
    this.scanned = 0
    if (this.start === this.buffer.length) {
      this.buffer = EMPTY
      this.start = 0
    }
    return { _tag: "Line", line, bareLf }
  }

  /** True when unconsumed bytes are buffered (used to detect pipelining before a 354). */
  hasPending(): boolean {
    return this.buffer.length - this.start > 0
  }

  /** Returns and forgets the unconsumed bytes. */
  takeRest(): Uint8Array {
    const rest = this.buffer.slice(this.start)
    this.buffer = EMPTY
    this.start = 0
    this.scanned = 0
    return rest
  }

  private overflow(): LineEvent {
    this.overflowed = true
    this.buffer = EMPTY
    this.start = 0
    this.scanned = 0
    return { _tag: "TooLong" }
  }
}
