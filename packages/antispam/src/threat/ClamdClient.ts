/**
 * A clamd client for the `zINSTREAM`, `zPING` and `zVERSION` commands over a unix socket or
 * TCP (clamd.conf `LocalSocket` / `TCPSocket`).
 *
 * INSTREAM framing: `zINSTREAM\0`, then chunks of a 4-byte big-endian length and the bytes, then
 * a zero-length chunk; clamd answers one NUL-terminated line (see `ClamdReply.ts`). Input is sent
 * as it arrives with socket backpressure honoured, so a large message is never copied whole.
 *
 * Every call resolves; nothing throws. Connection errors, timeouts, clamd `ERROR`s and stream
 * size limits become `Unavailable` with a reason, which the stage reports as "not scanned",
 * never as clean.
 *
 * **Gotchas**
 * When the stream exceeds `StreamMaxLength`, clamd replies and closes while we are still
 * writing; the reply is read even though our writes then fail (EPIPE/ECONNRESET). But a write
 * that fails before the reply was read destroys the socket (Node's sockets always destroy on a
 * write error) with the reply unread, in about one scan in ten over the limit. A connection lost
 * mid-stream is therefore followed by a PING: when clamd answers it, the stream was over its
 * StreamMaxLength (`size-limit`); otherwise clamd went away (`connect`). Never clean.
 *
 * @category services
 * @since 0.1.0
 */
import { Buffer } from "node:buffer"
import * as net from "node:net"
import * as ClamdReply from "./ClamdReply.ts"

export interface ClamdOptions {
  /** Unix socket path (clamd.conf LocalSocket). Takes precedence over host/port. */
  readonly socket?: string | undefined
  /** Default 127.0.0.1 when `port` is set. */
  readonly host?: string | undefined
  readonly port?: number | undefined
  /** Deadline for one whole command: connect, send, reply (default 30). */
  readonly timeoutSeconds?: number | undefined
  /** Largest INSTREAM chunk (default 64 KiB). */
  readonly chunkBytes?: number | undefined
}

export type ScanInput = Uint8Array | AsyncIterable<Uint8Array>

const MAX_REPLY = 4096

interface Exchange {
  readonly reply: string | undefined
  readonly failure: ClamdReply.ScanResult | undefined
}

export class ClamdClient {
  private readonly timeoutMs: number
  private readonly chunkBytes: number

  constructor(readonly options: ClamdOptions) {
    if (options.socket === undefined && options.port === undefined) throw new TypeError("clamd: set `socket` or `port`")
    this.timeoutMs = Math.max(1, (options.timeoutSeconds ?? 30) * 1000)
    this.chunkBytes = Math.max(1, options.chunkBytes ?? 64 * 1024)
  }

  get address(): string {
    return this.options.socket ?? `${this.options.host ?? "127.0.0.1"}:${this.options.port}`
  }

  /** `signal` (e.g. the pipeline's interruption) closes the connection early: result `timeout`. */
  scan(input: ScanInput, signal?: AbortSignal): Promise<ClamdReply.ScanResult> {
    return this.exchange("zINSTREAM\0", input, signal).then(
      ({ reply, failure }) => failure ?? ClamdReply.parse(reply ?? "")
    )
  }

  /** `true` when clamd answers PONG. */
  ping(): Promise<ClamdReply.ScanResult | { readonly _tag: "Pong" }> {
    return this.exchange("zPING\0", undefined).then(({ reply, failure }) => {
      if (failure) return failure
      return reply?.replace(/\0+$/, "").trim() === "PONG"
        ? { _tag: "Pong" as const }
        : ClamdReply.unavailable("protocol", `PING answered ${JSON.stringify(reply)}`)
    })
  }

  /** e.g. `ClamAV 1.4.6/27000/Mon Dec  1 09:00:00 2026` */
  version(): Promise<ClamdReply.ScanResult | { readonly _tag: "Version"; readonly version: string }> {
    return this.exchange("zVERSION\0", undefined).then(({ reply, failure }) => {
      if (failure) return failure
      const version = (reply ?? "").replace(/\0+$/, "").trim()
      return version.startsWith("ClamAV")
        ? { _tag: "Version" as const, version }
        : ClamdReply.unavailable("protocol", `VERSION answered ${JSON.stringify(version.slice(0, 100))}`)
    })
  }

  private connect(): net.Socket {
    return this.options.socket !== undefined
      ? net.connect({ path: this.options.socket })
      : net.connect({ host: this.options.host ?? "127.0.0.1", port: this.options.port! })
  }

  /** Sends `command` (and the INSTREAM chunks of `input`), resolves with clamd's reply line. */
  private exchange(command: string, input: ScanInput | undefined, signal?: AbortSignal): Promise<Exchange> {
    return new Promise<Exchange>((resolve) => {
      const socket = this.connect()
      const received: Array<Buffer> = []
      let receivedBytes = 0
      let connected = false
      let done = false
      const finish = (result: Exchange) => {
        if (done) return
        done = true
        clearTimeout(timer)
        signal?.removeEventListener("abort", onAbort)
        socket.destroy()
        resolve(result)
      }
      const onAbort = () =>
        finish({
          reply: undefined,
          failure: ClamdReply.unavailable("timeout", `scan by clamd at ${this.address} aborted by the caller`)
        })
      signal?.addEventListener("abort", onAbort)
      const timer = setTimeout(
        () =>
          finish({
            reply: undefined,
            failure: ClamdReply.unavailable(
              "timeout",
              `clamd at ${this.address} did not answer within ${this.timeoutMs} ms`
            )
          }),
        this.timeoutMs
      )
      if (signal?.aborted) onAbort()
      const replyText = () => Buffer.concat(received).toString("latin1")
      // INSTREAM bytes written so far, and whether the terminating chunk went out.
      let sent = 0
      let streamed = false
      let probing = false
      /**
       * The connection ended without a reply. Mid-stream (some chunks out, not all), that is how
       * a size-limit ERROR looks when our next write failed before its reply was read (the
       * Gotcha above): if clamd still answers PING, the stream was over its StreamMaxLength.
       */
      const noReply = (failure: ClamdReply.ScanResult) => {
        if (probing) return
        if (input === undefined || sent === 0 || streamed) return finish({ reply: undefined, failure })
        probing = true
        void this.ping().then((p) =>
          finish({
            reply: undefined,
            failure:
              p._tag === "Pong"
                ? ClamdReply.unavailable(
                    "size-limit",
                    `clamd at ${this.address} closed the stream after ${sent} bytes without its answer and still answers PING: over its StreamMaxLength`
                  )
                : failure
          })
        )
      }
      socket.on("data", (d: Buffer) => {
        received.push(d)
        receivedBytes += d.length
        if (d.includes(0) || receivedBytes > MAX_REPLY) finish({ reply: replyText(), failure: undefined })
      })
      socket.on("end", () => {
        // clamd closes after its reply; a reply without the NUL terminator is still a reply.
        if (receivedBytes > 0) finish({ reply: replyText(), failure: undefined })
        else
          noReply(ClamdReply.unavailable("connect", `clamd at ${this.address} closed the connection without a reply`))
      })
      socket.on("error", (e: NodeJS.ErrnoException) => {
        // Writes fail once clamd has answered a size-limit ERROR and closed: keep what it said.
        if (receivedBytes > 0) finish({ reply: replyText(), failure: undefined })
        else
          noReply(
            ClamdReply.unavailable(
              "connect",
              `${connected ? "connection to" : "cannot connect to"} clamd at ${this.address}: ${e.code ?? e.message}`
            )
          )
      })
      socket.on("close", () => {
        if (receivedBytes > 0) finish({ reply: replyText(), failure: undefined })
        else
          noReply(ClamdReply.unavailable("connect", `clamd at ${this.address} closed the connection without a reply`))
      })
      socket.once("connect", () => {
        connected = true
        socket.write(command)
        if (input === undefined) return
        this.stream(
          socket,
          input,
          () => done || probing,
          (n) => (sent += n)
        ).then(
          () => {
            streamed = !done && !probing
          },
          (e: unknown) => {
            // The input itself failed (a broken spool read): nothing was scanned.
            finish({
              reply: undefined,
              failure: ClamdReply.unavailable(
                "error",
                `reading the message to scan failed: ${(e as Error)?.message ?? String(e)}`
              )
            })
          }
        )
      })
    })
  }

  private async stream(
    socket: net.Socket,
    input: ScanInput,
    stopped: () => boolean,
    wrote: (bytes: number) => void
  ): Promise<void> {
    const send = async (bytes: Uint8Array) => {
      for (let i = 0; i < bytes.length && !stopped(); i += this.chunkBytes) {
        const piece = bytes.subarray(i, i + this.chunkBytes)
        const header = Buffer.allocUnsafe(4)
        header.writeUInt32BE(piece.length, 0)
        socket.write(header)
        const flowing = socket.write(piece)
        wrote(piece.length)
        if (!flowing) await drained(socket, stopped)
      }
    }
    if (input instanceof Uint8Array) await send(input)
    else
      for await (const chunk of input) {
        if (stopped()) return
        await send(chunk)
      }
    if (!stopped()) socket.write(Buffer.alloc(4))
  }
}

const drained = (socket: net.Socket, stopped: () => boolean): Promise<void> =>
  new Promise((resolve) => {
    if (stopped() || socket.destroyed) return resolve()
    const done = () => {
      socket.off("drain", done)
      socket.off("close", done)
      resolve()
    }
    socket.on("drain", done)
    socket.on("close", done)
  })
