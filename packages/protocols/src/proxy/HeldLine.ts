/**
 * The client command line a proxy tracker is holding until its LF, bounded: a line that grows
 * past `maxLength` is passed on as it comes (never buffered without limit) and marked overlong,
 * so the tracker forwards it without interpreting it.
 *
 * @category models
 * @since 0.1.0
 */
const EMPTY = new Uint8Array(0)

export class HeldLine {
  private line: Uint8Array = EMPTY
  private overlong = false

  constructor(private readonly maxLength: number) {}

  /** Adds a piece of the current line; bytes that must go on now are pushed to `forward`. */
  append(piece: Uint8Array, forward: Array<Uint8Array>): void {
    if (this.overlong) {
      forward.push(piece)
      return
    }
    if (this.line.length + piece.length > this.maxLength) {
      forward.push(this.line, piece)
      this.line = EMPTY
      this.overlong = true
      return
    }
    this.line = this.line.length === 0 ? piece : Buffer.concat([this.line, piece])
  }

  /** The finished line (empty when it was overlong and already passed on); starts a new one. */
  take(): { readonly line: Uint8Array; readonly overlong: boolean } {
    const taken = { line: this.line, overlong: this.overlong }
    this.line = EMPTY
    this.overlong = false
    return taken
  }

  /** What is held of an unfinished line (end of stream), without the overlong part. */
  flush(): Uint8Array {
    const held = this.line
    this.line = EMPTY
    return held
  }

  reset(): void {
    this.line = EMPTY
    this.overlong = false
  }
}
