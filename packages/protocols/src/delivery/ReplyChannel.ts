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
 *
 * @category models
 * @since 0.1.0
 */
import type * as net from "node:net"
import { DeliveryError } from "./DeliveryError.ts"
import { type ParsedReply, ReplyParser } from "./ReplyParser.ts"

/** `until` with no signal of its own: only data, a failure or the deadline end the wait. */
const noDisarm = (): void => undefined
const noSignal = (): (() => void) => noDisarm

export class ReplyChannel {
  private parser = new ReplyParser()
  private replies: Array<ParsedReply> = []
  private readonly wakers = new Set<() => void>()
  private failure: DeliveryError | undefined

  constructor(private socket: net.Socket) {
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
    socket.on("data", this.onData)
    socket.on("error", this.onError)
    socket.on("close", this.onClose)
  }

  private detach(socket: net.Socket): void {
    socket.removeListener("data", this.onData)
    socket.removeListener("error", this.onError)
    socket.removeListener("close", this.onClose)
  }

  private readonly onData = (chunk: Buffer): void => {
    for (const event of this.parser.push(chunk)) {
      if (event._tag === "Reply") this.replies.push(event.reply)
      else this.fail(new DeliveryError("Protocol", `downstream sent a malformed reply: ${event.detail}`))
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
  async reply(timeoutMs: number, what: string): Promise<ParsedReply> {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      const next = this.replies.shift()
      if (next !== undefined) return next
      if (this.failure !== undefined) throw this.failure
      // Any data (or a failure) wakes us; the loop then looks again.
      await this.until(noSignal, Math.max(0, deadline - Date.now()), what)
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
  }
}
