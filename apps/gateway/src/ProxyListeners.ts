/**
 * The IMAP/POP3 proxy listeners of the `protocols` section: one `MailProxy` per entry of
 * `protocols.listeners`, all sharing the client-protection scanner and one leaf minter.
 * `startProxies` is what the gateway calls: scanner + listeners, or nothing when
 * `protocols.filtering` is off or no listener is configured.
 *
 * Per listener:
 * - **Implicit TLS** when the *upstream* port is in `tlsPorts`: whether the first byte is a TLS
 *   ClientHello is a property of the real server (993, 995, 585), while the listen port is
 *   whatever the admin picked for the proxy (the issue's example listens on 1993 for 993).
 *   - `tlsFiltering: true`: the client's TLS ends here with a certificate minted by our CA, the
 *     upstream is connected over verified TLS, and messages are scanned.
 *   - `tlsFiltering: false`: a raw TCP pipe, nothing decrypted or scanned.
 * - **Clear** otherwise: scanned; with `tlsFiltering: true` STARTTLS/STLS is intercepted on both
 *   legs (client leg with a minted certificate). With `tlsFiltering: false` Mailmoat never
 *   terminates TLS: STARTTLS/STLS is not offered and the session stays in plaintext.
 *
 * The listener's default certificate names the upstream host, plus the listen address and
 * `localhost` for a loopback listener (clients pointed at the proxy by address); clients that
 * reach the proxy under the upstream's own name (hosts file, DNS) verify it as they verified the
 * real server. A client asking (SNI) for one of the listener's `serverNames` (exact names,
 * `*.example.com`) gets a certificate for exactly that name; any other name, or none, gets the
 * default (`Interception.SniCertificates`). New names are minted through one `MintGate` shared
 * by every listener (the CPU is shared too). A reload changes `serverNames` in place
 * (`setServerNames`), the mint rates (`setMintRates`) and the TLS files (`prepareTls`): a new
 * interception CA (other files, or the same files rewritten) is loaded and checked, each
 * listener's default leaf is minted with it before the reload is accepted, and new handshakes
 * get leaves it signed (per-SNI leaves are minted again on demand); a new `upstreamCa` is what
 * new connections verify the real server with. Everything else about a listener needs a restart.
 * Upstream certificates are always verified: system store, or `upstreamCa` (a PEM file).
 *
 * **Gotchas**
 * - The CA is needed as soon as one listener intercepts TLS; a missing or unusable one stops
 *   start-up (a `StartupError` on `protocols.ca`, with the `mailmoat ca init` hint when it
 *   cannot be read), as it refuses a reload; the rules are `InterceptionCa.ts`'s.
 * - Certificates name configured names only, never anything taken from an upstream certificate
 *   or a name a client made up; the upstream is verified on every connection before any message
 *   flows (MailProxy: implicit TLS connects upstream first). Leaves are valid for
 *   `LEAF_VALIDITY_DAYS`; twice a day (`renewCertificates`) a default leaf with less than
 *   `RENEW_BEFORE_DAYS` left is minted again and served to the connections accepted from then
 *   on, without a restart (per-SNI leaves are minted again by the minter's cache when a client
 *   asks for one that is due). A leaf never outlives the CA: when the CA itself expires within a
 *   week a warning names it (a new CA needs `mailmoat ca init` and clients that trust it).
 *
 * @category constructors
 * @since 0.1.0
 */
import type { GatewayLog } from "./Log.ts"
import { X509Certificate } from "node:crypto"
import { readFileSync } from "node:fs"
import * as net from "node:net"
import * as tls from "node:tls"
import { resolve } from "node:path"
import type { GatewayConfig } from "@mailmoat/antispam"
import { Interception, MailProxy } from "@mailmoat/protocols"
import { makeClientScanner } from "./ClientProtection.ts"
import { checkLeaf, EXPIRY_WARNING_DAYS, loadInterceptionCa } from "./InterceptionCa.ts"
import type { JudgementSource } from "./ProxyJudgement.ts"
import { describeCertificate } from "./reload/Certificates.ts"
import { readPem } from "./Settings.ts"
import { listenError, StartupError } from "./StartupError.ts"

export type ListenerMode = "clear" | "clear+starttls" | "implicit-tls" | "passthrough"

export interface ProxyListenerInfo {
  readonly listen: { readonly host: string; readonly port: number }
  readonly upstream: string
  readonly protocol: "imap" | "pop3" | "auto"
  /** clear: scanned in plaintext; clear+starttls: STARTTLS/STLS intercepted; implicit-tls: intercepted; passthrough: raw TCP, unscanned. */
  readonly mode: ListenerMode
}

export interface ProxyListeners {
  readonly listeners: ReadonlyArray<ProxyListenerInfo>
  readonly status: () => Readonly<Record<string, unknown>>
  /** Forgets every listener's cached verdicts; returns how many there were. */
  readonly clearVerdicts: () => number
  /**
   * Mints again the leaves with less than `RENEW_BEFORE_DAYS` left and serves them to new
   * connections; returns how many were renewed. Runs twice a day on its own.
   */
  readonly renewCertificates: () => Promise<number>
  /**
   * The `serverNames` of a reloaded `protocols` section, for the running listeners that it still
   * has (same listen, upstream, protocol); returns how many listeners changed.
   */
  readonly setServerNames: (protocols: GatewayConfig.ProtocolsConfig) => number
  /** The mint rates of a reloaded `protocols` section (`protocols.mint`); true when they changed. */
  readonly setMintRates: (protocols: GatewayConfig.ProtocolsConfig) => boolean
  /**
   * Reads and checks the TLS files of a reloaded `protocols` section (`ca`, `upstreamCa`) and
   * mints with a new CA; throws a `StartupError` naming the key and the file. Resolves with the
   * change to apply (new connections get it), or undefined when the files are unchanged.
   */
  readonly prepareTls: (protocols: GatewayConfig.ProtocolsConfig) => Promise<(() => void) | undefined>
  readonly close: () => Promise<void>
}

export interface ProxyListenerOptions {
  /** Base directory for `protocols.ca.*` and `upstreamCa` (the configuration file's directory). */
  readonly base: string
  readonly scanner: MailProxy.MessageScanner
  readonly logger: GatewayLog
  /** The gateway's clock (the `Clock` service): when minted certificates count as expiring. */
  readonly now: () => number
  readonly limits?: MailProxy.ProxyLimits | undefined
}

/**
 * 397 days: the CA/Browser Forum maximum for TLS server certificates, well under Apple's 825-day
 * limit for user-trusted roots.
 */
export const LEAF_VALIDITY_DAYS = 397
/** A leaf is minted again when less than this is left: a month in which a failed renewal shows. */
export const RENEW_BEFORE_DAYS = 30
const DAY_MS = 24 * 3600_000
const EXPIRY_WARNING_MS = EXPIRY_WARNING_DAYS * DAY_MS

interface HostPort {
  readonly host: string
  readonly port: number
}

/** `host:port` or `[v6]:port` (the schema has validated the form). */
export const parseHostPort = (text: string): HostPort => {
  const bracketed = /^\[([^\]]+)\]:(\d+)$/.exec(text)
  if (bracketed) return { host: bracketed[1]!, port: Number(bracketed[2]) }
  const colon = text.lastIndexOf(":")
  return { host: text.slice(0, colon), port: Number(text.slice(colon + 1)) }
}

/** `"585, 993, 995"` → the port set (bad entries were reported by the schema; ignored here). */
export const parseTlsPorts = (text: string): ReadonlySet<number> =>
  new Set(
    text
      .split(",")
      .map((s) => s.trim())
      .filter((s) => /^\d{1,5}$/.test(s))
      .map(Number)
  )

const isLoopback = (host: string): boolean => host === "localhost" || host === "::1" || /^127\./.test(host)
const isWildcard = (host: string): boolean => host === "0.0.0.0" || host === "::" || host === ""

/** Names the listener's default leaf certifies. */
const certifiedNames = (listen: HostPort, upstream: HostPort): ReadonlyArray<string> => {
  const names = [upstream.host]
  if (!isWildcard(listen.host)) names.push(listen.host)
  if (isLoopback(listen.host)) names.push("localhost")
  return [...new Set(names.map((n) => n.toLowerCase()))]
}

const readUpstreamCa = (upstreamCa: string, base: string): string | undefined => {
  if (upstreamCa === "system") return undefined
  try {
    return readFileSync(resolve(base, upstreamCa), "utf8")
  } catch (error) {
    throw new Error(`protocols.upstreamCa: cannot read ${upstreamCa}: ${(error as Error).message}`)
  }
}

/** The CA files as they are on disk, to tell at a reload whether they changed. */
interface CaFiles {
  readonly cert: string
  readonly key: string
}

const readCaFiles = (ca: GatewayConfig.ProtocolsConfig["ca"], base: string): CaFiles => ({
  cert: readPem(ca.cert, "protocols.ca.cert", base),
  key: readPem(ca.key, "protocols.ca.key", base)
})

/** A new `upstreamCa`, checked: every PEM block a certificate Node accepts as a trust anchor. */
const reloadUpstreamCa = (upstreamCa: string, base: string): string | undefined => {
  let text: string | undefined
  try {
    text = readUpstreamCa(upstreamCa, base)
    if (text !== undefined) {
      new X509Certificate(text)
      tls.createSecureContext({ ca: text })
    }
  } catch (error) {
    const message = error instanceof Error ? error.message.replace(/^protocols\.upstreamCa: /, "") : String(error)
    throw new StartupError({
      key: "protocols.upstreamCa",
      reason: "BadCertificate",
      detail: message.includes(upstreamCa) ? message : `${upstreamCa} is not a PEM certificate bundle (${message})`,
      cause: error
    })
  }
  return text
}

/** At start a CA that cannot be read is reported by `loadCaOrExplain`, with its hint. */
const tryReadCaFiles = (ca: GatewayConfig.ProtocolsConfig["ca"], base: string): CaFiles | undefined => {
  try {
    return readCaFiles(ca, base)
  } catch {
    return undefined
  }
}

const upstreamTlsOf = (ca: string | undefined): MailProxy.UpstreamTlsOptions => (ca === undefined ? {} : { ca })

/**
 * The proxy's scan deadline (default 30 s) must outlast a clamd scan that finds something: the
 * whole message, then its parts, each bounded by `clamd.timeoutSeconds` (the threat stage's own
 * budget is three timeouts plus a second).
 */
const scanLimits = (
  protocols: GatewayConfig.ProtocolsConfig,
  given: MailProxy.ProxyLimits | undefined
): MailProxy.ProxyLimits => {
  const limits = {
    maxLiteralBytes: protocols.maxLiteralMB * MB,
    maxMessageBytes: protocols.maxScanMB * MB,
    // One budget for every listener: the memory is the process's.
    scanBudget: new MailProxy.ScanBudget(protocols.maxHeldMB * MB),
    ...given
  }
  if (given?.scanTimeoutMs !== undefined || protocols.clamd === undefined) return limits
  return { ...limits, scanTimeoutMs: Math.max(30_000, (protocols.clamd.timeoutSeconds * 3 + 5) * 1000) }
}

const MB = 1024 * 1024

type ListenerConfig = GatewayConfig.ProtocolsConfig["listeners"][number]

/**
 * What identifies each listener across a reload (its `serverNames` may change under it): listen,
 * upstream and protocol, numbered when entries repeat them (several `:0` listens).
 */
const listenerKeys = (listeners: ReadonlyArray<ListenerConfig>): ReadonlyArray<string> => {
  const seen = new Map<string, number>()
  return listeners.map((l) => {
    const key = `${l.listen} ${l.upstream} ${l.protocol}`
    const n = seen.get(key) ?? 0
    seen.set(key, n + 1)
    return `${key} #${n}`
  })
}

/**
 * The `protocols` section as far as a reload cannot change it (every listener's `serverNames`,
 * the mint rates and the TLS files aside; `tlsFiltering`, TLS on or off, stays).
 */
export const fixedProtocols = (protocols: GatewayConfig.ProtocolsConfig): unknown => {
  const { mint: _, ca: _ca, upstreamCa: _upstreamCa, ...rest } = protocols
  return { ...rest, listeners: protocols.listeners.map(({ serverNames: _, ...l }) => l) }
}

const sameNames = (a: ReadonlyArray<string>, b: ReadonlyArray<string>): boolean =>
  a.length === b.length && a.every((n, i) => n === b[i])

/** A client that sent SNI got the listener's default certificate (debug; rationed by SniCertificates). */
const defaultReporter =
  (logger: GatewayLog, where: { text: string }) =>
  (report: Interception.DefaultReport): void =>
    logger.debug("sni_default_certificate", {
      listen: where.text,
      servername: report.servername,
      reason: report.reason,
      ...(report.suppressed > 0 ? { suppressed: report.suppressed } : {}),
      text: "a client asked for a name this listener does not certify on its own; it got the default certificate"
    })

interface Running {
  readonly address: HostPort
  connections(): number
  /** Absent for a raw pipe, which caches nothing. */
  clearVerdicts?(): number
  close(): Promise<void>
}

/** The scanning listeners' defaults (`MailProxy`), which the pipe keeps too. */
const PIPE_MAX_CONNECTIONS = 500
const PIPE_IDLE_TIMEOUT_MS = 35 * 60_000

/**
 * `tlsFiltering: false` on a TLS port: bytes are relayed as they are, both ways, within the
 * scanning listeners' bounds: `maxConnections` at once (one more is closed at once, as
 * `MailProxy` does) and no connection silent both ways for `idleTimeoutMs`. Unbounded, one
 * client could hold any number of socket pairs in the process that serves SMTP too.
 */
const startPipe = (
  listen: HostPort,
  upstream: HostPort,
  logger: GatewayLog,
  limits: Pick<MailProxy.ProxyLimits, "connectTimeoutMs" | "maxConnections" | "idleTimeoutMs">
): Promise<Running> => {
  const open = new Set<net.Socket>()
  const connectTimeoutMs = limits.connectTimeoutMs ?? 15_000
  const maxConnections = limits.maxConnections ?? PIPE_MAX_CONNECTIONS
  const server = net.createServer((client) => {
    client.on("error", () => undefined)
    if (open.size >= maxConnections) {
      logger.warn("too_many_connections", {
        listen: `${listen.host}:${listen.port}`,
        mode: "passthrough",
        client: client.remoteAddress ?? ""
      })
      client.destroy()
      return
    }
    const up = net.connect({ host: upstream.host, port: upstream.port })
    open.add(client)
    let done = false
    const end = (why?: string) => {
      if (done) return
      done = true
      clearTimeout(timer)
      if (why) logger.warn("proxy_failed", { listen: `${listen.host}:${listen.port}`, mode: "passthrough", error: why })
      client.destroy()
      up.destroy()
      open.delete(client)
    }
    const timer = setTimeout(
      () => end(`upstream ${upstream.host}:${upstream.port} connect timed out`),
      connectTimeoutMs
    )
    up.once("connect", () => clearTimeout(timer))
    // Every byte either way passes through the client's socket: its inactivity is the pipe's.
    client.setTimeout(limits.idleTimeoutMs ?? PIPE_IDLE_TIMEOUT_MS, () => {
      logger.info("proxy_idle_closed", { listen: `${listen.host}:${listen.port}`, mode: "passthrough" })
      end()
    })
    client.on("error", () => end())
    up.on("error", (error: Error) => end(`upstream error: ${error.message}`))
    client.once("close", () => end())
    up.once("close", () => end())
    client.pipe(up)
    up.pipe(client)
  })
  return new Promise((resolveListen, reject) => {
    server.once("error", reject)
    server.listen(listen.port, listen.host, () => {
      server.removeListener("error", reject)
      const bound = server.address() as net.AddressInfo
      resolveListen({
        address: { host: bound.address, port: bound.port },
        connections: () => open.size,
        close: async () => {
          const stopped = new Promise<void>((r) => server.close(() => r()))
          for (const s of [...open]) s.destroy()
          await stopped
        }
      })
    })
  })
}

/** Starts every configured listener; on any failure the ones already started are closed. */
export const startProxyListeners = async (
  protocols: GatewayConfig.ProtocolsConfig,
  options: ProxyListenerOptions
): Promise<ProxyListeners> => {
  const { logger } = options
  // The proxies of the protocols package report free text: failures and refusals (warn).
  const log = logger.lines("warn")
  const tlsPorts = parseTlsPorts(protocols.tlsPorts)
  const keys = listenerKeys(protocols.listeners)
  const plans = protocols.listeners.map((l, index) => {
    const upstream = parseHostPort(l.upstream)
    return {
      listen: parseHostPort(l.listen),
      upstream,
      upstreamText: l.upstream,
      protocol: l.protocol,
      key: keys[index]!,
      serverNames: l.serverNames,
      implicit: tlsPorts.has(upstream.port)
    }
  })
  const intercept = protocols.tlsFiltering && plans.length > 0
  const minterOptions = {
    validityDays: LEAF_VALIDITY_DAYS,
    renewBeforeMillis: RENEW_BEFORE_DAYS * DAY_MS,
    now: options.now
  }
  // Read before the CA is loaded: a file rewritten in between shows as changed at the next reload.
  let caFiles = intercept ? tryReadCaFiles(protocols.ca, options.base) : undefined
  const startCa = intercept ? await loadInterceptionCa(protocols.ca, options.base) : undefined
  let minter = startCa ? await Interception.LeafMinter.make(startCa, minterOptions) : undefined
  // New names allowed per SNI are rationed (`protocols.mint`: a mint costs a few milliseconds of
  // CPU); CPU, so real time rather than the gateway's clock.
  const gate = minter ? Interception.MintGate.make(protocols.mint) : undefined
  let upstreamCa = readUpstreamCa(protocols.upstreamCa, options.base)
  const limits = scanLimits(protocols, options.limits)
  const sniCertificates = (
    using: Interception.LeafMinter.LeafMinter,
    defaultLeaf: Interception.Leaf,
    serverNames: ReadonlyArray<string>,
    where: { text: string }
  ) =>
    Interception.SniCertificates.make({
      minter: using,
      gate: gate!,
      defaultLeaf,
      serverNames: Interception.ServerNames.compile(serverNames),
      onDefault: defaultReporter(logger, where),
      now: options.now
    })
  // Each intercepting listener's certificates, by its identity across reloads.
  const served: Array<{
    readonly key: string
    certificates: Interception.SniCertificates.SniCertificates
    readonly handle: MailProxy.MailProxyHandle
    readonly where: { text: string }
  }> = []
  // Every listener that terminates or originates TLS (all but the raw pipes).
  const proxyHandles: Array<MailProxy.MailProxyHandle> = []
  const running: Array<{ info: ProxyListenerInfo; handle: Running }> = []
  try {
    for (const [index, plan] of plans.entries()) {
      const mode: ListenerMode = plan.implicit
        ? minter
          ? "implicit-tls"
          : "passthrough"
        : minter
          ? "clear+starttls"
          : "clear"
      // A listen address in use or not ours names its configuration key (exit 2).
      const key = `protocols.listeners[${index}].listen`
      const listening = <A>(started: Promise<A>): Promise<A> =>
        started.catch((error: unknown) => {
          throw listenError(error, { host: key, port: key }, `${plan.listen.host}:${plan.listen.port}`)
        })
      let handle: Running
      if (mode === "passthrough") {
        handle = await listening(startPipe(plan.listen, plan.upstream, logger, limits))
      } else {
        const where = { text: `${plan.listen.host}:${plan.listen.port}` }
        const leaf = minter ? await minter.mint(certifiedNames(plan.listen, plan.upstream)) : undefined
        if (leaf !== undefined) checkLeaf(startCa!.certPem, leaf.certPem, protocols.ca.cert)
        const certificates = minter && leaf ? sniCertificates(minter, leaf, plan.serverNames, where) : undefined
        const proxy = await listening(
          MailProxy.listen({
            listen: plan.listen,
            upstream: plan.upstream,
            protocol: plan.protocol,
            mode: mode === "implicit-tls" ? "implicit-tls" : "plain",
            ...(certificates ? { clientTls: certificates.tlsOptions() } : {}),
            upstreamTls: upstreamTlsOf(upstreamCa),
            scanner: options.scanner,
            limits,
            log
          })
        )
        where.text = `${proxy.address.host}:${proxy.address.port}`
        if (certificates) served.push({ key: plan.key, certificates, handle: proxy, where })
        proxyHandles.push(proxy)
        handle = proxy
      }
      running.push({
        info: { listen: handle.address, upstream: plan.upstreamText, protocol: plan.protocol, mode },
        handle
      })
    }
  } catch (error) {
    await Promise.all(running.map((r) => r.handle.close()))
    throw error
  }
  const renewCertificates = async (): Promise<number> => {
    let renewed = 0
    for (const entry of served) {
      let leaf = entry.certificates.defaultLeaf()
      // Only when due: the minter's cache may have dropped a leaf that still has long to run.
      if (leaf.notAfter.getTime() - options.now() <= RENEW_BEFORE_DAYS * DAY_MS) {
        leaf = await minter!.mint(leaf.names)
        entry.certificates.setDefaultLeaf(leaf)
        entry.handle.setClientTls(entry.certificates.tlsOptions())
        renewed++
        logger.info("certificate_renewed", {
          names: leaf.names.join(", "),
          expires: leaf.notAfter.toISOString(),
          text: "proxy certificate minted again; new connections get it"
        })
      }
      if (leaf.notAfter.getTime() - options.now() < EXPIRY_WARNING_MS)
        logger.warn("certificate_expiring", {
          names: leaf.names.join(", "),
          expires: leaf.notAfter.toISOString(),
          text: "the interception CA expires with it: make a new CA (`mailmoat ca init`) and have clients trust it"
        })
    }
    return renewed
  }
  const setServerNames = (next: GatewayConfig.ProtocolsConfig): number => {
    let changed = 0
    const nextKeys = listenerKeys(next.listeners)
    for (const entry of served) {
      const names = next.listeners[nextKeys.indexOf(entry.key)]?.serverNames
      const before = plans.find((p) => p.key === entry.key)
      if (names === undefined || before === undefined || sameNames(before.serverNames, names)) continue
      // The schema checked the entries with the same rule `compile` applies.
      entry.certificates.setServerNames(Interception.ServerNames.compile(names))
      before.serverNames = names
      changed++
      logger.info("proxy_server_names", {
        listen: `${entry.handle.address.host}:${entry.handle.address.port}`,
        names: names.join(", ") || "(none)",
        text: "reload: the names this listener certifies per SNI changed; new handshakes use them"
      })
    }
    return changed
  }
  const setMintRates = (next: GatewayConfig.ProtocolsConfig): boolean => {
    if (gate === undefined) return false
    const before = gate.rates()
    const m = next.mint
    if (
      before.perSecond === m.perSecond &&
      before.burst === m.burst &&
      before.concurrency === m.concurrency &&
      before.maxWaiting === m.maxWaiting
    )
      return false
    // The schema checked the values with the gate's own bounds.
    gate.configure(m)
    logger.info("proxy_mint_rates", {
      perSecond: m.perSecond,
      burst: m.burst,
      concurrency: m.concurrency,
      maxWaiting: m.maxWaiting,
      text: "reload: certificates for new SNI names are minted at the new rates"
    })
    return true
  }
  const prepareTls = async (next: GatewayConfig.ProtocolsConfig): Promise<(() => void) | undefined> => {
    const steps: Array<() => void> = []
    if (minter !== undefined && served.length > 0) {
      const files = readCaFiles(next.ca, options.base)
      if (caFiles === undefined || files.cert !== caFiles.cert || files.key !== caFiles.key) {
        const nextCa = await loadInterceptionCa(next.ca, options.base, options.now())
        const nextMinter = await Interception.LeafMinter.make(nextCa, minterOptions)
        // Minted now, so the reload is refused if the new CA cannot sign, and applied at once.
        const replacements = await Promise.all(
          served.map(async (entry) => {
            const names = plans.find((p) => p.key === entry.key)?.serverNames ?? []
            const leaf = await nextMinter.mint(entry.certificates.defaultLeaf().names)
            checkLeaf(nextCa.certPem, leaf.certPem, next.ca.cert)
            return { entry, certificates: sniCertificates(nextMinter, leaf, names, entry.where) }
          })
        )
        steps.push(() => {
          minter = nextMinter
          caFiles = files
          for (const { entry, certificates } of replacements) {
            entry.certificates = certificates
            entry.handle.setClientTls(certificates.tlsOptions())
          }
          logger.info("tls_certificate_reloaded", {
            listener: "proxies",
            file: next.ca.cert,
            ...describeCertificate(files.cert),
            listeners: replacements.length,
            text: "reload: new interception CA; new handshakes get certificates it signed, connections already open keep theirs"
          })
        })
      }
    }
    const nextUpstreamCa = reloadUpstreamCa(next.upstreamCa, options.base)
    if (nextUpstreamCa !== upstreamCa)
      steps.push(() => {
        upstreamCa = nextUpstreamCa
        for (const handle of proxyHandles) handle.setUpstreamTls(upstreamTlsOf(nextUpstreamCa))
        logger.info("proxy_upstream_ca_reloaded", {
          file: next.upstreamCa,
          listeners: proxyHandles.length,
          text: "reload: new connections verify the real servers with this trust"
        })
      })
    if (steps.length === 0) return undefined
    return () => {
      for (const step of steps) step()
    }
  }
  const renewal =
    served.length > 0
      ? setInterval(
          () =>
            renewCertificates().catch((error: unknown) =>
              logger.warn("certificate_renewal_failed", {
                error: error instanceof Error ? error.message : String(error),
                text: "the current certificates stay in use; retried in 12 hours"
              })
            ),
          12 * 3600_000
        )
      : undefined
  renewal?.unref()
  return {
    listeners: running.map((r) => r.info),
    clearVerdicts: () => running.reduce((n, r) => n + (r.handle.clearVerdicts?.() ?? 0), 0),
    renewCertificates,
    setServerNames,
    setMintRates,
    prepareTls,
    status: () => ({
      tlsFiltering: protocols.tlsFiltering,
      listeners: running.map((r) => ({
        ...r.info,
        listen: `${r.info.listen.host}:${r.info.listen.port}`,
        connections: r.handle.connections()
      })),
      ...(minter ? { certificates: minter.stats() } : {}),
      ...(gate ? { mintGate: { ...gate.stats(), ...gate.rates() } } : {})
    }),
    close: async () => {
      clearInterval(renewal)
      await Promise.all(running.map((r) => r.handle.close()))
    }
  }
}

/**
 * The `protocols` section at start-up: when `filtering` is on and listeners are configured, the
 * client-protection scanner and its listeners; otherwise undefined (nothing listens).
 *
 * When a reload puts another spam judgement in force, the listeners' verdict caches are emptied:
 * a cached verdict is the old configuration's, and would otherwise answer every later fetch of
 * that message (the cache has no expiry). What is forgotten is rescanned once, at its next fetch.
 * A reload's `serverNames` reach the listeners at once (`watchConfig`).
 */
export const startProxies = async (
  config: GatewayConfig.Config,
  options: {
    readonly base: string
    readonly logger: GatewayLog
    readonly now: () => number
    readonly judgement: JudgementSource
    /** Calls `f` with each configuration a reload puts in force; returns the unsubscribe. */
    readonly watchConfig?: ((f: (config: GatewayConfig.Config) => void) => () => void) | undefined
  }
): Promise<ProxyListeners | undefined> => {
  if (!config.protocols.filtering || config.protocols.listeners.length === 0) return undefined
  const client = makeClientScanner(config, { logger: options.logger, judgement: options.judgement })
  const listeners = await startProxyListeners(config.protocols, {
    base: options.base,
    scanner: client.scanner,
    logger: options.logger,
    now: options.now
  })
  const unwatch = options.judgement.onChange(() => {
    const forgotten = listeners.clearVerdicts()
    options.logger.info("proxy_verdicts_cleared", {
      entries: forgotten,
      text: "reload: the IMAP/POP3 proxies judge with the new configuration; their cached verdicts were forgotten"
    })
  })
  const unwatchConfig = options.watchConfig?.((next) => {
    listeners.setServerNames(next.protocols)
    listeners.setMintRates(next.protocols)
  })
  return {
    listeners: listeners.listeners,
    status: () => ({ filtering: true, ...listeners.status(), scanner: client.status() }),
    clearVerdicts: listeners.clearVerdicts,
    renewCertificates: listeners.renewCertificates,
    setServerNames: listeners.setServerNames,
    setMintRates: listeners.setMintRates,
    prepareTls: listeners.prepareTls,
    close: async () => {
      unwatch()
      unwatchConfig?.()
      await listeners.close()
    }
  }
}
