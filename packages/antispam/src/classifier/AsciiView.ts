/**
 * A text's characters as bytes, when every one of them is ASCII: a scan then reads a typed array's
 * elements, which the compiled loop loads directly, where a string's `charCodeAt` first checks the
 * string's representation (one or two bytes a character, flat or not) for every character. On the
 * peer workload's bodies (3,100 characters on average, all ASCII) the word scan's loop alone took
 * ×0.73 of its CPU so, the copy included (docs/performance.md, "The word scan, 2026-12-07 morning").
 *
 * **Gotchas**
 * One buffer per view, reused for every text and grown to the longest up to 256 K characters
 * (a longer text gets undefined, as a non-ASCII one does): what `of` answers is overwritten by the
 * view's next call, so read it before then (the scans are synchronous).
 *
 * @category internals
 * @since 0.5.0
 */

const encoder = new TextEncoder()

/** The longest text read as bytes (characters). */
const MAX_VIEW = 1 << 18

export class AsciiView {
  private bytes = new Uint8Array(4096)
  /**
   * Calls of `of` so far: an answer kept past a call is still the text's bytes exactly while this
   * is what it was when the answer was given (no later call has overwritten the buffer).
   */
  calls = 0

  /**
   * The bytes of `text[0, length)` (the first `text.length` elements of the answer; the buffer may
   * be longer), or undefined when `text` holds a character that is not ASCII. UTF-8 encodes
   * exactly the ASCII characters as one byte each, so the encoding reads and writes `text.length`
   * of each when, and only when, they all are.
   */
  of(text: string): Uint8Array | undefined {
    this.calls++
    const n = text.length
    // A longer text takes the string loop: the buffer lives as long as the process, and one large
    // message must not keep its size in memory after it.
    if (n > MAX_VIEW) return undefined
    if (this.bytes.length < n) this.bytes = new Uint8Array(Math.min(MAX_VIEW, Math.max(n, 2 * this.bytes.length)))
    const { read, written } = encoder.encodeInto(text, this.bytes)
    return read === n && written === n ? this.bytes : undefined
  }
}
