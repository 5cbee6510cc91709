/**
 * A text's characters as bytes, when every one of them is ASCII: a scan then reads a typed array's
 * elements, which the compiled loop loads directly, where a string's `charCodeAt` first checks the
 * string's representation (one or two bytes a character, flat or not) for every character. On the
 * peer workload's bodies (3,100 characters on average, all ASCII) the word scan's loop alone took
 * ×0.73 of its CPU so, the copy included (docs/performance.md, "The word scan, 2026-12-07 morning").
 *
 * **Gotchas**
 * One buffer per view, reused for every text and grown to the longest: what `of` answers is
 * overwritten by the view's next call, so read it before then (the scans are synchronous).
 *
 * @category internals
 * @since 0.5.0
 */

const encoder = new TextEncoder()

export class AsciiView {
  private bytes = new Uint8Array(4096)

  /**
   * The bytes of `text[0, length)` (the first `text.length` elements of the answer; the buffer may
   * be longer), or undefined when `text` holds a character that is not ASCII. UTF-8 encodes
   * exactly the ASCII characters as one byte each, so the encoding reads and writes `text.length`
   * of each when, and only when, they all are.
   */
  of(text: string): Uint8Array | undefined {
    const n = text.length
    if (this.bytes.length < n) this.bytes = new Uint8Array(Math.max(n, 2 * this.bytes.length))
    const { read, written } = encoder.encodeInto(text, this.bytes)
    return read === n && written === n ? this.bytes : undefined
  }
}
