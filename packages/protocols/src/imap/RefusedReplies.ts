/**
 * Puts the proxy's own answer to a refused command into the server's response stream, in the
 * server's order: the command went upstream as `<tag> NOOP`, and the tagged response to that tag
 * is replaced by the refusal (`<tag> NO [TOOBIG] ...` / `<tag> BAD ...`). Writing the refusal to
 * the client directly could land inside a response the server is still sending.
 *
 * Only the start of each response is looked at: once it is clear that a response is not tagged
 * with a refused tag (`* `, `+ `, another tag) its bytes pass at once; a response that is, is
 * held until its end (a NOOP's status line; at most `MAX_HELD` bytes, past which it passes
 * unchanged), then replaced.
 *
 * @category models
 * @since 0.1.0
 */
const SP = 0x20
const MAX_HELD = 65_536

export class RefusedReplies {
  private readonly pending = new Map<string, string>()
  private state: "start" | "hold" | "pass" = "start"
  private held: Array<Uint8Array> = []
  private heldBytes = 0

  add(tag: string, reply: string): void {
    this.pending.set(tag, reply)
  }

  /** Bytes of the current server response; what may go on is passed to `emit`. */
  bytes(bytes: Uint8Array, emit: (b: Uint8Array) => void): void {
    if (this.state === "pass" || (this.state === "start" && this.pending.size === 0)) {
      this.state = "pass"
      emit(bytes)
      return
    }
    this.held.push(bytes)
    this.heldBytes += bytes.length
    if (this.state === "start") {
      const head = Buffer.concat(this.held)
      const sp = head.indexOf(SP)
      if (sp === -1 && head.length < 1024) return
      const tag = sp === -1 ? "" : head.subarray(0, sp).toString("latin1")
      this.state = this.pending.has(tag) ? "hold" : "pass"
      if (this.state === "pass") {
        this.flush(emit)
        return
      }
    }
    if (this.heldBytes > MAX_HELD) {
      this.state = "pass"
      this.flush(emit)
    }
  }

  /** The response tagged `tag` ended: the held bytes, or the refusal in their place. */
  responseEnd(tag: string, emit: (b: Uint8Array) => void): void {
    const reply = this.state === "hold" ? this.pending.get(tag) : undefined
    if (reply !== undefined) {
      this.pending.delete(tag)
      this.held = []
      this.heldBytes = 0
      emit(Buffer.from(reply, "latin1"))
    } else this.flush(emit)
    this.state = "start"
  }

  /** Passes on whatever is held (before a message literal, or when the server ends). */
  flush(emit: (b: Uint8Array) => void): void {
    for (const b of this.held) emit(b)
    this.held = []
    this.heldBytes = 0
    if (this.state === "hold") this.state = "pass"
  }
}
