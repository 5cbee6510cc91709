/**
 * One proxied client connection: the client leg, the upstream leg, the protocol session between
 * them, and the scanning of whole messages found in the server's stream.
 *
 * **Gotchas**
 * - Ordering and backpressure: server chunks are processed strictly one after another (the
 *   upstream socket is paused while a chunk is handled, including a scan), and the client's
 *   writes are awaited on `drain`. Everything is per connection: a slow scanner or upstream only
 *   stalls its own connection.
 * - Messages are buffered up to `maxMessageBytes` for scanning. A larger one (known in advance for
 *   IMAP literals, discovered on the way for POP3) is streamed through unscanned and logged, so a
 *   50 MB literal costs at most `maxMessageBytes` of heap.
 * - STARTTLS/STLS: client bytes after the command are discarded until the TLS handshake (and the
 *   server's plaintext after its OK as well, CVE-2011-0411). The upstream leg is upgraded and
 *   verified first; only then does the client get the OK and its own TLS leg. If the upstream
 *   upgrade fails the client gets a farewell line and the connection closes: never a plaintext
 *   fallback.
 * - Implicit TLS: the upstream is connected and verified before the client's handshake is served.
 * - IMAP COMPRESS: only the client's leg is compressed (`DeflateLeg`), from the write after our
 *   `OK DEFLATE active`; client bytes between the command and that reply are discarded.
 *
 * - The scan budget (`ScanBudget`, shared across connections): a message is held only if it fits;
 *   one that does not streams through unscanned (logged). The session's own fetches (IMAP partial
 *   fetches) come as `Judge` events: scanned, never written to the client.
 *
 * Size: ~480 lines, over the 400 mark: the two legs, the TLS dance and message buffering share one
 * small mutable state that splitting would scatter.
 *
 * @category models
 * @since 0.1.0
 */
import * as net from "node:net"
import * as tls from "node:tls"
import { ImapSession } from "../imap/Session.ts"
import { Pop3Session } from "../pop3/Session.ts"
import { formatProxyLog, type Log } from "./Log.ts"
import type { ClientStep, ProxyEvent, ProxySession } from "./ProxySession.ts"
import type { ScanBudget } from "./ScanBudget.ts"
import { type ScanPolicy, scanMessage } from "./ScanPolicy.ts"
import { DeflateLeg } from "./DeflateLeg.ts"
import { connectUpstreamTls, type UpstreamTlsOptions } from "./UpstreamTls.ts"

export type Protocol = "imap" | "pop3" | "auto"
export type Mode = "plain" | "implicit-tls"

export interface ConnectionConfig {
  readonly id: string
  readonly upstream: { readonly host: string; readonly port: number }
  readonly protocol: Protocol
  readonly mode: Mode
  readonly clientTls: tls.TlsOptions | undefined
  readonly upstreamTls: UpstreamTlsOptions
  readonly scan: ScanPolicy
  readonly maxMessageBytes: number
  /** Shared bound on the bytes held for scanning, across connections. */
  readonly budget?: ScanBudget | undefined
  readonly maxLineLength: number
  /** Largest literal a client may send upstream (IMAP). */
  readonly maxLiteralBytes: number
  readonly idleTimeoutMs: number
  readonly connectTimeoutMs: number
  readonly tlsHandshakeTimeoutMs: number
  readonly log: Log
}

interface PendingMessage {
  readonly header: Uint8Array
  readonly frame: (content: Uint8Array) => Array<Uint8Array>
  readonly raw: Array<Uint8Array>
  readonly content: Array<Uint8Array>
  size: number
  streaming: boolean
  /** Bytes taken from the scan budget for it. */
  reserved: number
}

const MAX_EARLY_CLIENT_BYTES = 65_536

export class ProxyConnection {
  private upstream: net.Socket | undefined
  private session: ProxySession | undefined
  private clientState: "open" | "tls-pending" | "compress-pending" = "open"
  /** The session holds a client command (IMAP partial fetch): the client is not read. */
  private clientHeld = false
  private early: Array<Uint8Array> = []
  private earlyBytes = 0
  private readonly serverQueue: Array<Uint8Array> = []
  private pumping = false
  private message: PendingMessage | undefined
  private closed = false
  private idleTimer: ReturnType<typeof setTimeout> | undefined
  private readonly closeListeners: Array<() => void> = []

  constructor(
    private client: net.Socket | DeflateLeg,
    private readonly config: ConnectionConfig
  ) {}

  whenClosed(listener: () => void): void {
    if (this.closed) listener()
    else this.closeListeners.push(listener)
  }

  async start(): Promise<void> {
    const { config } = this
    this.client.on("error", () => undefined)
    this.client.once("close", () => this.close("client_closed"))
    this.client.pause()
    this.armIdle()
    if (config.protocol !== "auto") this.session = this.makeSession(config.protocol)
    let upstream: net.Socket
    try {
      upstream = await this.connectUpstream()
    } catch (error) {
      this.log("upstream_failed", { error: error instanceof Error ? error.message : String(error) })
      if (config.mode === "implicit-tls" && !(await this.clientHandshake())) return this.close("client_tls_failed")
      return this.fail("upstream unavailable")
    }
    if (this.closed) {
      upstream.destroy()
      return
    }
    // The client leg must be TLS before any server byte is relayed to it.
    if (config.mode === "implicit-tls" && !(await this.clientHandshake())) {
      upstream.destroy()
      return this.close("client_tls_failed")
    }
    this.attachUpstream(upstream)
    this.client.on("data", this.onClientData)
    this.client.resume()
  }

  /** Closes both legs at once. */
  close(reason: string): void {
    if (this.closed) return
    this.closed = true
    this.releaseBudget()
    clearTimeout(this.idleTimer)
    this.log("closed", { reason })
    this.client.destroy()
    this.upstream?.destroy()
    for (const l of this.closeListeners.splice(0)) l()
  }

  private makeSession(protocol: "imap" | "pop3"): ProxySession {
    const options = {
      maxLineLength: this.config.maxLineLength,
      maxLiteralBytes: this.config.maxLiteralBytes,
      startTls: this.config.clientTls !== undefined && this.config.mode === "plain"
    }
    return protocol === "imap"
      ? new ImapSession({
          ...options,
          maxMessageBytes: this.config.maxMessageBytes,
          ...(this.config.budget === undefined ? {} : { budget: this.config.budget })
        })
      : new Pop3Session(options)
  }

  private connectUpstream(): Promise<net.Socket> {
    const { upstream, mode, upstreamTls, connectTimeoutMs } = this.config
    if (mode === "implicit-tls")
      return connectUpstreamTls(upstream, { handshakeTimeoutMs: connectTimeoutMs, ...upstreamTls })
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host: upstream.host, port: upstream.port })
      const timer = setTimeout(() => {
        socket.destroy()
        reject(new Error("upstream connect timed out"))
      }, connectTimeoutMs)
      socket.once("connect", () => {
        clearTimeout(timer)
        socket.removeListener("error", onError)
        resolve(socket)
      })
      const onError = (error: Error) => {
        clearTimeout(timer)
        reject(error)
      }
      socket.once("error", onError)
    })
  }

  private attachUpstream(socket: net.Socket): void {
    this.upstream = socket
    socket.setNoDelay(true)
    socket.on("error", (error: Error) => this.log("upstream_error", { error: error.message }))
    socket.on("data", this.onUpstreamData)
    socket.once("close", this.onUpstreamClose)
  }

  private onUpstreamClose = (): void => {
    // Let already-received server bytes reach the client before closing it.
    this.serverQueue.push(new Uint8Array(0))
    this.upstreamEnded = true
    if (!this.pumping) void this.pump()
  }

  private upstreamEnded = false

  /** Serves the client's TLS handshake in place (implicit TLS). */
  private async clientHandshake(): Promise<boolean> {
    const secure = await this.wrapClient()
    return secure
  }

  private wrapClient(): Promise<boolean> {
    // Never compressed here: TLS comes first (implicit) or STARTTLS is refused once compressed.
    const raw = this.client as net.Socket
    raw.removeAllListeners("data")
    const secure = new tls.TLSSocket(raw, { isServer: true, minVersion: "TLSv1.2", ...this.config.clientTls })
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.log("client_tls_timeout")
        resolve(false)
      }, this.config.tlsHandshakeTimeoutMs)
      secure.once("secure", () => {
        clearTimeout(timer)
        this.client = secure
        secure.on("error", () => undefined)
        secure.once("close", () => this.close("client_closed"))
        resolve(true)
      })
      secure.once("error", (error: Error) => {
        clearTimeout(timer)
        this.log("client_tls_error", { error: error.message })
        resolve(false)
      })
    })
  }

  private onClientData = (chunk: Buffer): void => {
    this.armIdle()
    if (this.clientState === "tls-pending") {
      this.log("starttls_plaintext_discarded", { bytes: chunk.length })
      return
    }
    if (this.clientState === "compress-pending") {
      this.log("compress_early_bytes_discarded", { bytes: chunk.length })
      return
    }
    if (this.session === undefined) {
      // Auto-detection waits for the greeting; clients should not talk first anyway.
      this.early.push(chunk)
      this.earlyBytes += chunk.length
      if (this.earlyBytes > MAX_EARLY_CLIENT_BYTES) this.close("early_client_data_overflow")
      return
    }
    this.applyClientStep(this.session.fromClient(chunk))
  }

  /** What the session made of client bytes: forwarded, and the client leg's state changed. */
  private applyClientStep(step: ClientStep): void {
    for (const bytes of step.forward) if (bytes.length > 0) this.upstream!.write(bytes)
    if (step.action === "hold" && !this.clientHeld) {
      this.clientHeld = true
      this.client.pause()
    }
    if (step.action === "close") {
      this.fail(step.reason ?? "protocol error")
      return
    }
    if (step.action === "starttls") {
      this.clientState = "tls-pending"
      if (step.discarded > 0) this.log("starttls_plaintext_discarded", { bytes: step.discarded })
    }
    if (step.action === "compress") {
      this.clientState = "compress-pending"
      if (step.discarded > 0) this.log("compress_early_bytes_discarded", { bytes: step.discarded })
    }
    if (this.upstream!.writableNeedDrain) {
      this.client.pause()
      this.upstream!.once("drain", () => {
        if (!this.clientHeld) this.client.resume()
      })
    }
  }

  private onUpstreamData = (chunk: Buffer): void => {
    this.armIdle()
    this.serverQueue.push(chunk)
    this.upstream!.pause()
    if (!this.pumping) void this.pump()
  }

  private async pump(): Promise<void> {
    this.pumping = true
    try {
      while (this.serverQueue.length > 0 && !this.closed) {
        const chunk = this.serverQueue.shift()!
        if (chunk.length === 0 && this.upstreamEnded) {
          this.log("upstream_closed", { midMessage: this.message !== undefined })
          // An unfinished line (e.g. a BYE without CRLF) still reaches the client; a partial
          // buffered message does not.
          if (this.message === undefined && this.session !== undefined) this.write(this.session.serverEnded())
          await this.flushClient()
          return this.close("upstream_closed")
        }
        if (this.session === undefined) this.detect(chunk)
        // One chunk's many small writes (lines, literal pieces) go out as one.
        const client = this.client
        client.cork()
        try {
          for (const event of this.session!.fromServer(chunk)) {
            if (this.closed) return
            if (event._tag === "TlsReply") {
              client.uncork()
              await this.tlsReply(event)
              // Accepted: the rest of this read was plaintext sent before TLS, dropped. Refused: the
              // session read on, and what the server sent after its refusal is the client's too.
              if (event.ok) break
              continue
            }
            if (event._tag === "ToServer") {
              this.applyClientStep(event.step)
              continue
            }
            if (event._tag === "ResumeClient") {
              this.clientHeld = false
              this.client.resume()
              continue
            }
            if (event._tag === "Log") {
              this.log(event.event, event.fields)
              continue
            }
            if (event._tag === "Judge") {
              await this.judge(event)
              continue
            }
            if (event._tag === "CompressStart") {
              // Our OK goes out as it is; every byte after it is compressed.
              await this.flushClient()
              this.startCompression()
              continue
            }
            await this.handle(event)
          }
        } finally {
          client.uncork()
        }
        await this.flushClient()
      }
    } finally {
      this.pumping = false
      if (!this.closed) this.upstream?.resume()
    }
  }

  private detect(greeting: Uint8Array): void {
    const protocol = greeting[0] === 0x2a ? "imap" : "pop3"
    this.log("protocol_detected", { protocol })
    this.session = this.makeSession(protocol)
    const early = this.early
    this.early = []
    for (const chunk of early) this.onClientData(chunk as Buffer)
  }

  private startCompression(): void {
    const raw = this.client as net.Socket
    raw.removeListener("data", this.onClientData)
    const leg = new DeflateLeg(raw)
    leg.on("error", (error: Error) => {
      this.log("client_compress_error", { error: error.message })
      this.close("client_compress_error")
    })
    this.client = leg
    this.clientState = "open"
    this.log("compression_started")
    leg.on("data", this.onClientData)
  }

  /** The session's own fetch of a whole message: scanned, never sent to the client. */
  private async judge(event: Extract<ProxyEvent, { _tag: "Judge" }>): Promise<void> {
    try {
      const { outcome, failed } = await scanMessage(this.config.scan, event.content)
      event.done(outcome.kind === "rewrite" ? outcome.bytes : undefined, failed)
    } finally {
      event.release()
    }
  }

  private async handle(
    event: Exclude<ProxyEvent, { _tag: "TlsReply" | "CompressStart" | "ToServer" | "ResumeClient" | "Judge" | "Log" }>
  ): Promise<void> {
    switch (event._tag) {
      case "Bytes":
        this.write(event.bytes)
        return
      case "MessageStart": {
        const tooLarge = event.size !== undefined && event.size > this.config.maxMessageBytes
        // The size an IMAP literal announces is taken at once; POP3's grows as it comes.
        const reserve = tooLarge ? 0 : (event.size ?? 0)
        const fits = tooLarge || this.reserve(reserve)
        const streaming = tooLarge || !fits
        this.message = {
          header: event.header,
          frame: event.frame,
          raw: [],
          content: [],
          size: 0,
          streaming,
          reserved: streaming ? 0 : reserve
        }
        if (streaming) {
          if (tooLarge) this.log("message_too_large_unscanned", { size: event.size! })
          else this.log("scan_budget_exhausted_unscanned", { size: event.size ?? 0 })
          this.write(event.header)
        }
        return
      }
      case "MessageData": {
        const m = this.message!
        if (m.streaming) {
          this.write(event.raw)
          await this.flushClient()
          return
        }
        m.raw.push(event.raw)
        for (const piece of event.content) {
          m.content.push(piece)
          m.size += piece.length
        }
        const over = m.size > this.config.maxMessageBytes
        const grown = m.size - m.reserved
        if (over || (grown > 0 && !this.reserve(grown))) {
          this.log(over ? "message_too_large_unscanned" : "scan_budget_exhausted_unscanned", { size: m.size })
          this.config.budget?.release(m.reserved)
          m.reserved = 0
          m.streaming = true
          this.write(m.header)
          for (const raw of m.raw.splice(0)) this.write(raw)
          m.content.length = 0
        }
        return
      }
      case "MessageEnd": {
        const m = this.message!
        this.message = undefined
        if (m.streaming) {
          this.write(event.raw)
          return
        }
        const content = m.content.length === 1 ? m.content[0]! : Buffer.concat(m.content)
        const { outcome, key } = await scanMessage(this.config.scan, content).finally(() =>
          this.config.budget?.release(m.reserved)
        )
        if (outcome.kind === "rewrite") {
          this.log("message_rewritten", { key, size: content.length, newSize: outcome.bytes.length })
          for (const bytes of m.frame(outcome.bytes)) this.write(bytes)
        } else {
          this.write(m.header)
          for (const raw of m.raw) this.write(raw)
          this.write(event.raw)
        }
        return
      }
    }
  }

  /** The server answered STARTTLS/STLS. */
  private async tlsReply(event: Extract<ProxyEvent, { _tag: "TlsReply" }>): Promise<void> {
    if (!event.ok) {
      this.write(event.bytes)
      this.session!.tlsRefused()
      this.clientState = "open"
      return
    }
    // Whatever the server sent after its OK was plaintext before TLS: drop it.
    this.serverQueue.length = 0
    const plain = this.upstream!
    plain.removeListener("data", this.onUpstreamData)
    plain.removeListener("close", this.onUpstreamClose)
    let secure: tls.TLSSocket
    try {
      secure = await connectUpstreamTls(
        this.config.upstream,
        { handshakeTimeoutMs: this.config.tlsHandshakeTimeoutMs, ...this.config.upstreamTls },
        plain
      )
    } catch (error) {
      this.log("upstream_tls_failed", { error: error instanceof Error ? error.message : String(error) })
      return this.fail("upstream TLS verification failed")
    }
    if (this.closed) return
    this.upstream = undefined
    this.attachUpstream(secure)
    secure.pause()
    this.client.removeListener("data", this.onClientData)
    this.client.write(event.bytes)
    if (!(await this.wrapClient())) return this.close("client_tls_failed")
    this.session!.tlsEstablished()
    this.clientState = "open"
    this.log("tls_established")
    this.client.on("data", this.onClientData)
  }

  /** What this connection still holds of the scan budget goes back (it closed mid-message). */
  private releaseBudget(): void {
    if (this.message !== undefined) this.config.budget?.release(this.message.reserved)
    this.message = undefined
    this.session?.dispose?.()
  }

  /** Takes `bytes` from the shared scan budget (always fits without one). */
  private reserve(bytes: number): boolean {
    return this.config.budget === undefined || this.config.budget.tryReserve(bytes)
  }

  private write(bytes: Uint8Array): void {
    if (bytes.length > 0 && !this.closed) this.client.write(bytes)
  }

  /** Waits until the client has taken what was written (or went away). */
  private async flushClient(): Promise<void> {
    const client = this.client
    if (client instanceof DeflateLeg) {
      while (client.writableCorked > 0) client.uncork()
      if (!this.closed) await client.flushed()
      return
    }
    // Corked data only drains once uncorked.
    while (client.writableCorked > 0) client.uncork()
    if (!client.writableNeedDrain || this.closed) return Promise.resolve()
    return new Promise((resolve) => {
      const done = () => {
        client.removeListener("drain", done)
        client.removeListener("close", done)
        resolve()
      }
      client.once("drain", done)
      client.once("close", done)
    })
  }

  /** Tells the client why and closes. */
  private fail(text: string): void {
    if (this.closed) return
    if (this.session !== undefined) this.client.write(this.session.farewell(text))
    this.closed = true
    this.releaseBudget()
    clearTimeout(this.idleTimer)
    this.log("closed", { reason: text })
    this.upstream?.destroy()
    this.client.end()
    const client = this.client
    setTimeout(() => client.destroy(), 2000).unref()
    for (const l of this.closeListeners.splice(0)) l()
  }

  private armIdle(): void {
    clearTimeout(this.idleTimer)
    this.idleTimer = setTimeout(() => this.fail("idle timeout"), this.config.idleTimeoutMs)
    this.idleTimer.unref?.()
  }

  private log(event: string, fields: Record<string, string | number | boolean> = {}): void {
    this.config.log(formatProxyLog(this.config.id, event, fields))
  }
}
