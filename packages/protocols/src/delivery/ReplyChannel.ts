/**
 * The socket side of the relay client: writes commands, hands out the downstream's replies one at
 * a time, and turns every way a connection can go wrong into a `DeliveryError`.
 *
 * **Gotchas**
 * - Every wait has a deadline; when it expires the socket is destroyed, because a late reply
 *   would otherwise be taken as the answer to the next command.
 * - Once the connection failed (closed, error, malformed reply, timeout) every later call fails
 *   with the same error: no step can silently succeed after a lost connection.
 * - `swap` replaces the socket after STARTTLS and throws away any reply bytes read in clear text
 *   (the mirror image of CVE-2011-0411 on the client side).
 * - A connection opened with its own reads (`OwnReads`, Node) delivers its bytes through them,
 *   not through 'data' events; the 'data' listener stays for every other socket (TLS, Bun, Deno).
 * - A reply wait is the channel's one waiting slot (the client asks one thing at a time): the
 *   reply that completes it is handed over from the data handler, and its deadline is one of the
 *   channel's timers (one per distinct timeout, re-armed with `refresh()`), not a promise, three
 *   closures and a `Timeout` per wait. A timer that fires when its wait is over finds nothing to
 *   fail. A second wait while the slot is taken (never done by the relay client) and the wait for
 *   the socket to drain go the general way (`until`).
 *
 * @category models
 * @since 0.1.0
 */
import type * as net from "node:net"
import { emptyList } from "@mailmoat/core"
import { DeliveryError } from "./DeliveryError.ts"
import type { OwnReads } from "./OwnReads.ts"
import { type ParsedReply, ReplyParser } from "./ReplyParser.ts"

/** `until` with no signal of its own: only data, a failure or the deadline end the wait. */
const noDisarm = (): void => undefined
const noSignal = (): (() => void) => noDisarm

/** A reply wait's deadline timer, kept for the channel's later waits of the same duration. */
interface WaitTimer {
  readonly ms: number
  readonly timer: ReturnType<typeof setTimeout>
}

export class ReplyChannel {
  private parser = new ReplyParser()
  private replies: Array<ParsedReply> = []
  private readonly wakers = new Set<() => void>()
  private failure: DeliveryError | undefined
  /** The reply wait in progress, if any: how to settle it, what it waits for, and its timer. */
  private resolveWait: ((reply: ParsedReply) => void) | undefined
  private rejectWait: ((error: DeliveryError) => void) | undefined
  private waitWhat = ""
  private waitMs = 0
  private waitTimer: WaitTimer | undefined
  // Of one elements kind from the start (`ListKinds` in core): `armWait` loops over it empty too.
  private readonly timers: Array<WaitTimer> = emptyList()

  constructor(
    private socket: net.Socket,
    private reads?: OwnReads | undefined
  ) {
    this.attach(socket)
  }

  get current(): net.Socket {
    return this.socket
  }

  get failed(): DeliveryError | undefined {
    return this.failure
  }

  private attach(socket: net.Socket): void {
    socket.setNoDelay(true)
    this.reads?.listen(this.onData)
    socket.on("data", this.onData)
    socket.on("error", this.onError)
    socket.on("close", this.onClose)
  }

  private detach(socket: net.Socket): void {
    this.reads?.stop()
    socket.removeListener("data", this.onData)
    socket.removeListener("error", this.onError)
    socket.removeListener("close", this.onClose)
  }

  /** Bytes read: a 'data' event's chunk, or a view of the own reads' buffer (valid during the call only). */
  private readonly onData = (chunk: Uint8Array): void => {
    for (const event of this.parser.push(chunk)) {
      if (event._tag === "Reply") this.replies.push(event.reply)
      else this.fail(new DeliveryError("Protocol", `downstream sent a malformed reply: ${event.detail}`))
    }
    const resolve = this.resolveWait
    if (resolve !== undefined && this.replies.length > 0) {
      this.endWait()
      resolve(this.replies.shift()!)
    }
    this.wake()
  }

  private readonly onError = (error: Error): void => {
    this.fail(new DeliveryError("ConnectionLost", `downstream connection error: ${error.message}`, undefined, error))
  }

  private readonly onClose = (): void => {
    this.fail(new DeliveryError("ConnectionLost", "downstream closed the connection"))
  }

  /** Records the first failure and destroys the socket. */
  fail(error: DeliveryError): void {
    if (this.failure === undefined) this.failure = error
    this.socket.destroy()
    this.stopTimers()
    const reject = this.rejectWait
    if (reject !== undefined) {
      this.endWait()
      reject(this.failure)
    }
    this.wake()
  }

  private wake(): void {
    if (this.wakers.size === 0) return
    // A waker removes itself and adds none (what it wakes runs later, as a promise continuation).
    for (const w of this.wakers) w()
    this.wakers.clear()
  }

  /** Writes one command line; CR, LF and NUL in it are refused (command injection). */
  command(line: string): void {
    this.commands([line])
  }

  /**
   * Writes command lines in one write (a pipelined group, RFC 2920); CR, LF and NUL in any of
   * them are refused (command injection) before anything is sent.
   */
  commands(lines: ReadonlyArray<string>): void {
    let text = ""
    for (const line of lines) {
      if (/[\r\n\0]/.test(line))
        throw new DeliveryError("Protocol", "refusing to send a command containing CR, LF or NUL")
      text += `${line}\r\n`
    }
    this.write(text)
  }

  /**
   * Writes the chunks as one write to the socket (corked) and resolves when the socket can take
   * more (backpressure), within `timeoutMs`.
   */
  async writeBatch(chunks: ReadonlyArray<Uint8Array | string>, timeoutMs: number, what: string): Promise<void> {
    if (this.failure !== undefined) throw this.failure
    const socket = this.socket
    socket.cork()
    let ready = true
    try {
      for (const chunk of chunks) ready = socket.write(chunk)
    } finally {
      socket.uncork()
    }
    if (ready) return
    await this.until(
      (resolve) => {
        socket.once("drain", resolve)
        return () => socket.removeListener("drain", resolve)
      },
      timeoutMs,
      what
    )
  }

  private write(bytes: Uint8Array | string): boolean {
    if (this.failure !== undefined) throw this.failure
    return this.socket.write(bytes)
  }

  /** The next reply, waiting at most `timeoutMs`. */
  reply(timeoutMs: number, what: string): Promise<ParsedReply> {
    const next = this.replies.shift()
    if (next !== undefined) return Promise.resolve(next)
    if (this.failure !== undefined) return Promise.reject(this.failure)
    if (this.resolveWait !== undefined) return this.replyAfterWakes(timeoutMs, what)
    this.waitWhat = what
    this.waitMs = timeoutMs
    const waiting = new Promise<ParsedReply>(this.holdWait)
    this.armWait(timeoutMs)
    return waiting
  }

  /** The promise executor of a reply wait: it takes the slot (one bound function, no closure per wait). */
  private readonly holdWait = (resolve: (reply: ParsedReply) => void, reject: (error: DeliveryError) => void): void => {
    this.resolveWait = resolve
    this.rejectWait = reject
  }

  private endWait(): void {
    this.resolveWait = undefined
    this.rejectWait = undefined
    this.waitTimer = undefined
  }

  /** Starts the wait's deadline: the channel's timer of that duration, re-armed, or a new one. */
  private armWait(ms: number): void {
    let t: WaitTimer | undefined
    for (const candidate of this.timers) if (candidate.ms === ms) t = candidate
    if (t === undefined) {
      const timer = setTimeout(() => this.deadline(ms), ms)
      // While a wait is on, the socket keeps the process alive; an idle channel's timer must not.
      timer.unref?.()
      t = { ms, timer }
      this.timers.push(t)
    } else t.timer.refresh()
    this.waitTimer = t
  }

  /** A timer fired: it fails the channel only when it is the deadline of the wait in progress. */
  private deadline(ms: number): void {
    if (this.waitTimer?.ms !== ms || this.resolveWait === undefined) return
    this.fail(new DeliveryError("Timeout", `downstream did not answer ${this.waitWhat} within ${this.waitMs} ms`))
  }

  private stopTimers(): void {
    for (const t of this.timers) clearTimeout(t.timer)
    this.timers.length = 0
  }

  /** A reply wait beside the one in the slot: any data (or a failure) wakes it to look again. */
  private async replyAfterWakes(timeoutMs: number, what: string): Promise<ParsedReply> {
    // On the monotonic clock: a step of the wall clock must not end (or stretch) the wait.
    const deadline = performance.now() + timeoutMs
    for (;;) {
      const next = this.replies.shift()
      if (next !== undefined) return next
      if (this.failure !== undefined) throw this.failure
      // Any data (or a failure) wakes us; the loop then looks again.
      await this.until(noSignal, Math.max(0, deadline - performance.now()), what)
    }
  }

  /**
   * Waits until `arm`'s signal, the next wake-up (data or failure), or the deadline, which fails
   * the channel with a Timeout.
   */
  private until(arm: (resolve: () => void) => () => void, timeoutMs: number, what: string): Promise<void> {
    if (this.failure !== undefined) return Promise.reject(this.failure)
    return new Promise<void>((resolve, reject) => {
      let settled = false
      let disarm = (): void => undefined
      const done = (): void => {
        if (settled) return
        settled = true
        clearTimeout(timer)
        disarm()
        this.wakers.delete(done)
        if (this.failure !== undefined) reject(this.failure)
        else resolve()
      }
      const timer = setTimeout(() => {
        this.fail(new DeliveryError("Timeout", `downstream did not answer ${what} within ${timeoutMs} ms`))
        done()
      }, timeoutMs)
      this.wakers.add(done)
      disarm = arm(done)
    })
  }

  /** Hands the connection over to a new socket (after STARTTLS). */
  swap(next: net.Socket): void {
    this.detach(this.socket)
    this.socket = next
    // The TLS socket reads the connection itself: 'data' events from now on.
    this.reads = undefined
    this.parser = new ReplyParser()
    this.replies = []
    this.attach(next)
  }

  /** Stops listening to the current socket without closing it (before the TLS upgrade). */
  release(): net.Socket {
    this.detach(this.socket)
    return this.socket
  }

  close(): void {
    this.detach(this.socket)
    this.socket.on("error", () => undefined)
    this.socket.destroy()
    this.stopTimers()
  }
}
