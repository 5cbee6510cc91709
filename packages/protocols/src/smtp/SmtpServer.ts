/**
 * The SMTP listener: accepts connections, applies the connection limits, and runs a `Connection`
 * (the socket driver around the pure `Session`) for each one, calling the gateway's `SmtpHandler`.
 *
 * **Gotchas**
 * - Limits are checked at accept (`Admission`): more than `maxConnections` in total,
 *   `maxConnectionsPerIp` from one address or `maxConnectionsPerNetwork` from one /24 (IPv4) or
 *   /64 (IPv6) gets `421 4.7.0` and is closed before any session exists. IPv4-mapped IPv6
 *   addresses count as their IPv4 address. A slot is freed when the session's closing reply is
 *   written (221 to QUIT), not when the client gets round to closing its socket.
 * - Stress: from `stressThreshold` of `maxConnections` in use, idle timers use
 *   `stressIdleTimeoutMs` (Postfix smtpd stress mode), so silent sockets are shed quickly.
 * - AUTH failures are limited across connections per address and user name (`authLimit`, an
 *   in-memory store unless another `AuthFailureStore` is given).
 * - TLS contexts are built with `minVersion: "TLSv1.2"`; a caller-supplied `secureContext` is used
 *   as it is. `setTls` swaps the certificate for the STARTTLS handshakes from then on (a renewed
 *   certificate, no restart); sessions already in TLS keep theirs. Whether STARTTLS is offered is
 *   fixed at `listen`: `setTls` cannot turn it on.
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
import { hostname as osHostname, tmpdir } from "node:os"
import * as tls from "node:tls"
import { Admission } from "./Admission.ts"
import { type AuthFailureStore, MemoryAuthFailureStore } from "./AuthFailureStore.ts"
import { AuthLimiter, type AuthLimitOptions } from "./AuthLimiter.ts"
import { destroyAfter } from "./CloseGrace.ts"
import { Connection } from "./Connection.ts"
import type { FreeSpaceOptions } from "./FreeSpace.ts"
import type { SmtpHandler } from "./Handler.ts"
import { type LocalEnd, localEndOf } from "./LocalEnd.ts"
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
  /** Connections from one /24 (IPv4) or /64 (IPv6) network (default 30). */
  readonly maxConnectionsPerNetwork?: number
  /** Called for each connection refused at accept, with the limit it hit. */
  readonly onRefused?: ((limit: "total" | "ip" | "network") => void) | undefined
  /** Fraction of `maxConnections` in use from which idle timers shorten (default 0.7). */
  readonly stressThreshold?: number
  /** Idle timeout while stressed (default 10 000, Postfix's stress value). */
  readonly stressIdleTimeoutMs?: number
  /** Total lifetime of a session (default 1 800 000: 30 minutes), then 421 4.4.2. */
  readonly maxSessionMs?: number
  /** Command lines per session (default 5 000), then 421 4.7.0. */
  readonly maxCommands?: number
  /** MAIL commands per session (default 100), then 421 4.7.0. */
  readonly maxTransactions?: number
  /** Reply bytes queued for a client that does not read before we stop reading (default 65 536). */
  readonly maxPendingOutput?: number
  /** Received headers allowed in a message (default 100, RFC 5321 §6.3); more gets 554 5.4.6. */
  readonly maxHops?: number
  /**
   * AUTH failure limiting across connections (defaults: 5 failures in 15 minutes lock the
   * address or user name out for 5 minutes; replies to failures wait 500 ms, doubling up to 8 s).
   * `false` turns it off.
   */
  readonly authLimit?:
    | (Partial<Omit<AuthLimitOptions, "store" | "onStoreError">> & { readonly store?: AuthFailureStore })
    | false
  /**
   * Free-space check at MAIL: 452 4.3.1 when a directory lacks room for the declared SIZE plus
   * `reserveBytes`. Default: the spool directory with a 64 MiB reserve; `false` turns it off.
   */
  readonly freeSpace?: { readonly paths?: ReadonlyArray<string>; readonly reserveBytes?: number } | false
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
  /**
   * Session events not to log (e.g. "connect", "close", "data_end" when the sink would drop them
   * anyway): their line is never built, which saves work on every session.
   */
  readonly quietEvents?: ReadonlySet<string>
}

export interface SmtpServerHandle {
  readonly address: { readonly host: string; readonly port: number }
  /** Stops the server; graceful by default with a 30 s timeout. */
  close(options?: { readonly graceful?: boolean; readonly timeoutMs?: number }): Promise<void>
  /** Open connections (sessions, plus connections being refused). */
  connections(): number
  /**
   * The certificate for STARTTLS handshakes from now on; sessions already in TLS keep theirs.
   * Throws when the listener was started without `tls` (STARTTLS is not offered).
   */
  setTls(tls: TlsOptions): void
}

const secureContextOf = (options: TlsOptions | undefined): tls.SecureContext | undefined => {
  if (options === undefined) return undefined
  if ("secureContext" in options) return options.secureContext
  return tls.createSecureContext({ key: toKey(options.key), cert: toKey(options.cert), minVersion: "TLSv1.2" })
}

const toKey = (v: string | Uint8Array): string | Buffer => (typeof v === "string" ? v : Buffer.from(v))

const authLimiterOf = (limit: SmtpServerOptions["authLimit"], log: (line: string) => void): AuthLimiter | undefined =>
  limit === false
    ? undefined
    : new AuthLimiter({
        store: limit?.store ?? new MemoryAuthFailureStore(),
        maxFailures: limit?.maxFailures ?? 5,
        windowMs: limit?.windowMs ?? 900_000,
        lockoutMs: limit?.lockoutMs ?? 300_000,
        baseDelayMs: limit?.baseDelayMs ?? 500,
        maxDelayMs: limit?.maxDelayMs ?? 8000,
        onStoreError: (error) =>
          log(
            formatLogLine("-", "auth_limit_store_error", {
              error: error instanceof Error ? error.message : String(error)
            })
          )
      })

const freeSpaceOf = (options: SmtpServerOptions, log: (line: string) => void): FreeSpaceOptions | undefined => {
  const free = options.freeSpace
  if (free === false) return undefined
  return {
    paths: free?.paths ?? [options.spool?.dir ?? tmpdir()],
    reserveBytes: free?.reserveBytes ?? 64 * 1024 * 1024,
    onError: (path, error) =>
      log(
        formatLogLine("-", "free_space_unknown", {
          path,
          error: error instanceof Error ? error.message : String(error)
        })
      )
  }
}

/** Starts listening; resolves once the port is bound. */
export const listen = (options: SmtpServerOptions, handler: SmtpHandler): Promise<SmtpServerHandle> => {
  const log = options.log ?? (() => undefined)
  let secureContext = secureContextOf(options.tls)
  const admission = new Admission({
    maxConnections: options.maxConnections ?? 100,
    maxPerIp: options.maxConnectionsPerIp ?? 20,
    maxPerNetwork: options.maxConnectionsPerNetwork ?? 30,
    stressThreshold: options.stressThreshold ?? 0.7
  })
  const config = {
    hostname: options.hostname ?? osHostname(),
    banner: options.banner ?? "ESMTP Mailmoat",
    maxMessageSize: options.maxMessageSize ?? 64 * 1024 * 1024,
    maxRecipients: options.maxRecipients ?? 100,
    maxBadCommands: options.maxBadCommands ?? 10,
    tlsAvailable: secureContext !== undefined,
    authAvailable: handler.onAuth !== undefined,
    bareLineEndings: options.bareLineEndings ?? "normalise",
    maxDataLineLength: options.maxDataLineLength ?? 998,
    maxCommands: options.maxCommands ?? 5000,
    maxTransactions: options.maxTransactions ?? 100,
    maxHops: options.maxHops ?? 100
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
    secureContext: () => secureContext,
    spool: options.spool ?? {},
    log,
    quietEvents: options.quietEvents ?? new Set(),
    maxPendingOutput: options.maxPendingOutput ?? 64 * 1024,
    maxSessionMs: options.maxSessionMs ?? 1_800_000,
    stressed: () => admission.stressed,
    stressIdleTimeoutMs: options.stressIdleTimeoutMs ?? 10_000,
    authLimiter: authLimiterOf(options.authLimit, log),
    freeSpace: freeSpaceOf(options, log)
  }
  const sessions = new Set<Connection>()
  const sockets = new Set<net.Socket>()
  const prefix = randomBytes(3).toString("hex")
  let counter = 0
  let stressed = false
  // Set once the port is bound, unless the listener is a wildcard (see LocalEnd.ts).
  let boundLocal: LocalEnd | undefined

  const server = net.createServer((socket) => {
    sockets.add(socket)
    const ip = Envelope.normaliseIp(socket.remoteAddress ?? "unknown")
    const id = `${prefix}${(++counter).toString(36)}`
    socket.on("error", () => undefined)
    socket.once("close", () => sockets.delete(socket))
    stressed = admission.stressed
    const admitted = admission.admit(ip)
    if (!admitted.ok) {
      log(formatLogLine(id, "too_many_connections", { client: ip, limit: admitted.reason }))
      options.onRefused?.(admitted.reason)
      socket.end("421 4.7.0 Too many connections, try again later\r\n")
      destroyAfter(socket, 5000)
      return
    }
    const facts = {
      id,
      clientAddress: ip,
      clientPort: socket.remotePort ?? 0,
      localAddress: boundLocal?.address ?? Envelope.normaliseIp(socket.localAddress ?? ""),
      localPort: boundLocal?.port ?? socket.localPort ?? 0
    }
    const connection = new Connection(socket, facts, connectionOptions)
    // Entering stress shortens the idle timers of the sessions already waiting, not only new ones.
    if (admission.stressed && !stressed) for (const c of sessions) c.tighten()
    stressed = admission.stressed
    sessions.add(connection)
    connection.whenFinished(() => admitted.ticket.release())
    connection.whenClosed(() => sessions.delete(connection))
    connection.start()
  })

  return new Promise((resolve, reject) => {
    server.once("error", reject)
    server.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => {
      server.removeListener("error", reject)
      const bound = server.address() as net.AddressInfo
      boundLocal = localEndOf(bound)
      resolve({
        address: { host: bound.address, port: bound.port },
        connections: () => sockets.size,
        setTls: (next) => {
          if (secureContext === undefined)
            throw new Error("STARTTLS is not offered by this listener: start it with tls")
          secureContext = secureContextOf(next)
        },
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
