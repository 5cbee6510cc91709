/**
 * The SMTP listener: accepts connections, applies the connection limits, and runs a `Connection`
 * (the socket driver around the pure `Session`) for each one, calling the gateway's `SmtpHandler`.
 *
 * **Gotchas**
 * - Limits are checked at accept: more than `maxConnections` in total or `maxConnectionsPerIp`
 *   from one address gets `421 4.7.0` and is closed before any session exists (TESTING H48/H49).
 *   IPv4-mapped IPv6 addresses count as their IPv4 address.
 * - TLS contexts are built with `minVersion: "TLSv1.2"`; a caller-supplied `secureContext` is used
 *   as it is.
 * - `close({ graceful: true })` stops accepting, lets transactions in flight finish (idle sessions
 *   get 421 4.3.2 at once, busy ones after their transaction), and destroys what is left after
 *   `timeoutMs`. `graceful: false` destroys every connection immediately.
 *
 * @category services
 * @since 0.1.0
 */
import { Envelope } from "@mailmoat/core"
import { randomBytes } from "node:crypto"
import * as net from "node:net"
import { hostname as osHostname } from "node:os"
import * as tls from "node:tls"
import { Connection } from "./Connection.ts"
import type { SmtpHandler } from "./Handler.ts"
import { formatLogLine } from "./LogLine.ts"
import type { BareLineEndings } from "./SessionState.ts"
import type { SpoolOptions } from "./SpoolWriter.ts"

export type TlsOptions =
  | { readonly key: string | Uint8Array; readonly cert: string | Uint8Array }
  | { readonly secureContext: tls.SecureContext }

export interface SmtpServerOptions {
  /** Default "127.0.0.1". */
  readonly host?: string
  /** Default 0 (an ephemeral port; read it from `address.port`). */
  readonly port?: number
  /** Our name in the greeting and EHLO reply (default `os.hostname()`). */
  readonly hostname?: string
  /** Default "ESMTP Mailmoat". */
  readonly banner?: string
  /** Bytes, advertised as SIZE and enforced while streaming (default 64 MiB). */
  readonly maxMessageSize?: number
  /** Default 100 (452 4.5.3 beyond). */
  readonly maxRecipients?: number
  /** Default 10 (421 4.7.0 at the limit). */
  readonly maxBadCommands?: number
  /** Longest command line in bytes without CRLF (default 4096; 500 5.5.2 + close beyond). */
  readonly maxLineLength?: number
  /** Default 100. */
  readonly maxConnections?: number
  /** Default 20. */
  readonly maxConnectionsPerIp?: number
  /** Called for each connection refused at accept (`max_connections`, `max_connections_per_ip`). */
  readonly onRefused?: ((reason: "max_connections" | "max_connections_per_ip") => void) | undefined
  /** Default 300 000 (RFC 5321 §4.5.3.2.7: 5 minutes). */
  readonly idleTimeoutMs?: number
  /** Deadline for onConnect/onMailFrom/onRcptTo/onAuth (default 120 000). */
  readonly commandTimeoutMs?: number
  /** Deadline for onData (default 300 000, below the client's 10 minutes, RFC 5321 §4.5.3.2.6). */
  readonly dataTimeoutMs?: number
  /** Default 30 000. */
  readonly tlsHandshakeTimeoutMs?: number
  /**
   * Minimum DATA transfer rate in bytes/s, measured from the 354 once `minDataRateGraceMs`
   * (default 30 000) has passed; a slower client gets 421 4.4.2 and is disconnected, so a
   * trickling client cannot hold a connection slot for hours. Default 200; 0 disables.
   */
  readonly minDataRate?: number
  readonly minDataRateGraceMs?: number
  /** Pause before the greeting to catch early talkers (default 0). */
  readonly greetingDelayMs?: number
  /** Stray CR/LF: "normalise" (default) or "reject" (550 5.5.2 for DATA, 500 5.5.2 for commands). */
  readonly bareLineEndings?: BareLineEndings
  /**
   * Longest message line accepted in DATA, without its CRLF (default 998, RFC 5322 §2.1.1; 0 = no
   * limit). Longer lines get 550 5.6.0: we neither split them (that breaks DKIM) nor relay what
   * the downstream may truncate.
   */
  readonly maxDataLineLength?: number
  /** Enables STARTTLS (and AUTH inside TLS when the handler has `onAuth`). */
  readonly tls?: TlsOptions
  readonly spool?: SpoolOptions
  /** Receives one escaped line per event (default: discard). */
  readonly log?: (line: string) => void
}

export interface SmtpServerHandle {
  readonly address: { readonly host: string; readonly port: number }
  /** Stops the server; graceful by default with a 30 s timeout. */
  close(options?: { readonly graceful?: boolean; readonly timeoutMs?: number }): Promise<void>
  /** Open connections (sessions, plus connections being refused). */
  connections(): number
}

const secureContextOf = (options: TlsOptions | undefined): tls.SecureContext | undefined => {
  if (options === undefined) return undefined
  if ("secureContext" in options) return options.secureContext
  return tls.createSecureContext({ key: toKey(options.key), cert: toKey(options.cert), minVersion: "TLSv1.2" })
}

const toKey = (v: string | Uint8Array): string | Buffer => (typeof v === "string" ? v : Buffer.from(v))

/** Starts listening; resolves once the port is bound. */
export const listen = (options: SmtpServerOptions, handler: SmtpHandler): Promise<SmtpServerHandle> => {
  const log = options.log ?? (() => undefined)
  const secureContext = secureContextOf(options.tls)
  const maxConnections = options.maxConnections ?? 100
  const maxPerIp = options.maxConnectionsPerIp ?? 20
  const config = {
    hostname: options.hostname ?? osHostname(),
    banner: options.banner ?? "ESMTP Mailmoat",
    maxMessageSize: options.maxMessageSize ?? 64 * 1024 * 1024,
    maxRecipients: options.maxRecipients ?? 100,
    maxBadCommands: options.maxBadCommands ?? 10,
    tlsAvailable: secureContext !== undefined,
    authAvailable: handler.onAuth !== undefined,
    bareLineEndings: options.bareLineEndings ?? "normalise",
    maxDataLineLength: options.maxDataLineLength ?? 998
  }
  const connectionOptions = {
    config,
    handler,
    maxLineLength: options.maxLineLength ?? 4096,
    idleTimeoutMs: options.idleTimeoutMs ?? 300_000,
    commandTimeoutMs: options.commandTimeoutMs ?? 120_000,
    dataTimeoutMs: options.dataTimeoutMs ?? 300_000,
    tlsHandshakeTimeoutMs: options.tlsHandshakeTimeoutMs ?? 30_000,
    minDataRate: options.minDataRate ?? 200,
    minDataRateGraceMs: options.minDataRateGraceMs ?? 30_000,
    greetingDelayMs: options.greetingDelayMs ?? 0,
    secureContext,
    spool: options.spool ?? {},
    log
  }
  const sessions = new Set<Connection>()
  const sockets = new Set<net.Socket>()
  const perIp = new Map<string, number>()
  const prefix = randomBytes(3).toString("hex")
  let counter = 0

  const server = net.createServer((socket) => {
    sockets.add(socket)
    const ip = Envelope.normaliseIp(socket.remoteAddress ?? "unknown")
    const id = `${prefix}${(++counter).toString(36)}`
    socket.on("error", () => undefined)
    socket.once("close", () => {
      sockets.delete(socket)
      const n = (perIp.get(ip) ?? 1) - 1
      if (n <= 0) perIp.delete(ip)
      else perIp.set(ip, n)
    })
    perIp.set(ip, (perIp.get(ip) ?? 0) + 1)
    if (sessions.size >= maxConnections || perIp.get(ip)! > maxPerIp) {
      const reason = sessions.size >= maxConnections ? "max_connections" : "max_connections_per_ip"
      log(formatLogLine(id, "too_many_connections", { client: ip, reason }))
      options.onRefused?.(reason)
      socket.end("421 4.7.0 Too many connections, try again later\r\n")
      setTimeout(() => socket.destroy(), 5000).unref()
      return
    }
    const facts = {
      id,
      clientAddress: ip,
      clientPort: socket.remotePort ?? 0,
      localAddress: Envelope.normaliseIp(socket.localAddress ?? ""),
      localPort: socket.localPort ?? 0
    }
    const connection = new Connection(socket, facts, connectionOptions)
    sessions.add(connection)
    connection.whenClosed(() => sessions.delete(connection))
    connection.start()
  })

  return new Promise((resolve, reject) => {
    server.once("error", reject)
    server.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => {
      server.removeListener("error", reject)
      const bound = server.address() as net.AddressInfo
      resolve({
        address: { host: bound.address, port: bound.port },
        connections: () => sockets.size,
        close: async ({ graceful = true, timeoutMs = 30_000 } = {}) => {
          const stopped = new Promise<void>((r) => server.close(() => r()))
          const destroyAll = () => {
            for (const s of sockets) s.destroy()
          }
          if (!graceful) destroyAll()
          else for (const c of sessions) c.shutdown()
          const timer = setTimeout(destroyAll, graceful ? timeoutMs : 0)
          await stopped
          // The server's "drained" signal can come a tick before the sockets' own close events.
          await Promise.all([...sockets].map((s) => new Promise((r) => s.once("close", r))))
          clearTimeout(timer)
        }
      })
    })
  })
}
