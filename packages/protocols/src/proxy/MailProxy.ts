/**
 * The IMAP/POP3 scanning proxy listener.
 *
 * ```ts
 * const proxy = await MailProxy.listen({
 *   listen: { host: "127.0.0.1", port: 1143 },
 *   upstream: { host: "imap.example.org", port: 143 },
 *   protocol: "imap",            // or "pop3", or "auto" (from the greeting: `* OK` vs `+OK`)
 *   mode: "plain",               // STARTTLS/STLS served when clientTls is given; or "implicit-tls"
 *   clientTls: { SNICallback },  // or { key, cert }, or { secureContext, SNICallback }
 *   upstreamTls: { ca: pem },    // verification is always on
 *   scanner
 * })
 * ```
 *
 * **Gotchas**
 * - Beyond `maxConnections` a connection is closed at once (without a greeting: the protocol may
 *   not be known yet).
 * - `close()` stops accepting and destroys open connections; IMAP sessions are long-lived, so
 *   there is no graceful drain.
 * - One verdict cache per listener (clients re-fetch the same messages on the same listener).
 *
 * @category services
 * @since 0.1.0
 */
import { randomBytes } from "node:crypto"
import * as net from "node:net"
import type * as tls from "node:tls"
import { type Mode, type Protocol, ProxyConnection } from "./Connection.ts"
import { formatProxyLog } from "./Log.ts"
import { ScanBudget } from "./ScanBudget.ts"
import type { MessageScanner } from "./Scanner.ts"
import type { UpstreamTlsOptions } from "./UpstreamTls.ts"
import { VerdictCache, type VerdictCacheOptions } from "./VerdictCache.ts"

type SniCallbackOption = NonNullable<tls.TlsOptions["SNICallback"]>

/**
 * TLS for the client leg: a fixed certificate, an SNI callback minting one per name, or a
 * default context with an SNI callback that may answer with another (Interception's
 * `SniCertificates`).
 */
export type ClientTlsOptions =
  | { readonly key: string | Uint8Array; readonly cert: string | Uint8Array }
  | { readonly SNICallback: SniCallbackOption }
  | { readonly secureContext: tls.SecureContext; readonly SNICallback?: SniCallbackOption | undefined }

export interface ProxyLimits {
  /** Largest message buffered and scanned; larger ones stream through unscanned (default 25 MiB). */
  readonly maxMessageBytes?: number
  /** Longest command/status line held for parsing (default 64 KiB). */
  readonly maxLineLength?: number
  /**
   * Largest IMAP literal a client may send (APPEND): above it a synchronising literal gets
   * `NO [TOOBIG]` and a non-synchronising one closes the connection (default 64 MiB).
   */
  readonly maxLiteralBytes?: number
  /** Default 500. */
  readonly maxConnections?: number
  /** No traffic in either direction for this long closes the connection (default 35 min, > IMAP IDLE's 29). */
  readonly idleTimeoutMs?: number
  /** Default 15 000. */
  readonly connectTimeoutMs?: number
  /** Both legs (default 30 000). */
  readonly tlsHandshakeTimeoutMs?: number
  /** Deadline for one scan; on expiry the message passes unchanged (default 30 000). */
  readonly scanTimeoutMs?: number
  readonly verdictCache?: VerdictCacheOptions
  /**
   * Bytes of fetched messages held for scanning at once, shared by every connection using it
   * (pass one `ScanBudget` to several listeners to share it across them). Past it a full fetch
   * streams through unscanned and a partial or section fetch is answered `NO [UNAVAILABLE]`,
   * both logged. Default: a budget of 256 MiB for this listener.
   */
  readonly scanBudget?: ScanBudget
}

export interface MailProxyOptions {
  readonly listen: { readonly host?: string; readonly port?: number }
  readonly upstream: { readonly host: string; readonly port: number }
  readonly protocol: Protocol
  readonly mode: Mode
  readonly clientTls?: ClientTlsOptions
  readonly upstreamTls?: UpstreamTlsOptions
  readonly scanner: MessageScanner
  readonly limits?: ProxyLimits
  /** Receives one escaped line per event (default: discard). */
  readonly log?: (line: string) => void
}

export interface MailProxyHandle {
  readonly address: { readonly host: string; readonly port: number }
  close(): Promise<void>
  /** Open client connections. */
  connections(): number
  /** Entries in the verdict cache (for tests and metrics). */
  cachedVerdicts(): number
  /** Forgets the cached verdicts (the scanner now judges differently); returns how many there were. */
  clearVerdicts(): number
  /**
   * TLS for the client leg of the connections accepted from now on (a renewed certificate);
   * connections already open keep theirs.
   */
  setClientTls(clientTls: ClientTlsOptions): void
  /**
   * TLS toward the real server for the connections accepted from now on (a renewed trust
   * anchor); verification stays on, connections already open keep theirs.
   */
  setUpstreamTls(upstreamTls: UpstreamTlsOptions): void
}

const toTlsOptions = (options: ClientTlsOptions | undefined): tls.TlsOptions | undefined => {
  if (options === undefined) return undefined
  if ("key" in options) {
    const asPem = (v: string | Uint8Array) => (typeof v === "string" ? v : Buffer.from(v))
    return { key: asPem(options.key), cert: asPem(options.cert) }
  }
  return { ...options }
}

const DEFAULT_BUDGET_BYTES = 256 * 1024 * 1024

/** Starts listening; resolves once the port is bound. */
export const listen = (options: MailProxyOptions): Promise<MailProxyHandle> => {
  if (options.mode === "implicit-tls" && options.clientTls === undefined) {
    return Promise.reject(new Error("implicit-tls mode needs clientTls (a certificate or an SNI callback)"))
  }
  const log = options.log ?? (() => undefined)
  const limits = options.limits ?? {}
  const cache = new VerdictCache(limits.verdictCache)
  const prefix = randomBytes(3).toString("hex")
  let counter = 0
  const open = new Set<ProxyConnection>()
  const maxConnections = limits.maxConnections ?? 500
  let base = {
    upstream: options.upstream,
    protocol: options.protocol,
    mode: options.mode,
    clientTls: toTlsOptions(options.clientTls),
    upstreamTls: options.upstreamTls ?? {},
    scan: {
      scanner: options.scanner,
      cache,
      timeoutMs: limits.scanTimeoutMs ?? 30_000,
      onFailure: (reason: string, key: string) => log(formatProxyLog("-", "scan_failed_pass_through", { reason, key }))
    },
    maxMessageBytes: limits.maxMessageBytes ?? 25 * 1024 * 1024,
    budget: limits.scanBudget ?? new ScanBudget(DEFAULT_BUDGET_BYTES),
    maxLineLength: limits.maxLineLength ?? 65_536,
    maxLiteralBytes: limits.maxLiteralBytes ?? 64 * 1024 * 1024,
    idleTimeoutMs: limits.idleTimeoutMs ?? 35 * 60_000,
    connectTimeoutMs: limits.connectTimeoutMs ?? 15_000,
    tlsHandshakeTimeoutMs: limits.tlsHandshakeTimeoutMs ?? 30_000,
    log
  }

  const server = net.createServer((socket) => {
    const id = `${prefix}${(++counter).toString(36)}`
    socket.on("error", () => undefined)
    if (open.size >= maxConnections) {
      log(formatProxyLog(id, "too_many_connections", { client: socket.remoteAddress ?? "" }))
      socket.destroy()
      return
    }
    socket.setNoDelay(true)
    const connection = new ProxyConnection(socket, { ...base, id })
    open.add(connection)
    connection.whenClosed(() => open.delete(connection))
    log(formatProxyLog(id, "accepted", { client: socket.remoteAddress ?? "" }))
    void connection.start()
  })

  return new Promise((resolve, reject) => {
    server.once("error", reject)
    server.listen(options.listen.port ?? 0, options.listen.host ?? "127.0.0.1", () => {
      server.removeListener("error", reject)
      const bound = server.address() as net.AddressInfo
      resolve({
        address: { host: bound.address, port: bound.port },
        connections: () => open.size,
        cachedVerdicts: () => cache.size,
        clearVerdicts: () => cache.clear(),
        setClientTls: (clientTls) => {
          base = { ...base, clientTls: toTlsOptions(clientTls) }
        },
        setUpstreamTls: (upstreamTls) => {
          base = { ...base, upstreamTls }
        },
        close: async () => {
          const stopped = new Promise<void>((r) => server.close(() => r()))
          for (const c of [...open]) c.close("proxy_closing")
          await stopped
        }
      })
    })
  })
}
