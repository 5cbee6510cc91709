/**
 * The bundled gateway: configuration -> hand-off (Maildir or before-queue relay), quarantine,
 * evaluator -> SMTP listener + IMAP/POP3 proxies + admin API. `startGateway` is what
 * `npm start`, `mailmoat gateway`, the smoke test and the benchmark run.
 *
 * **Gotchas**
 * - Graceful `close()`: stop accepting, let transactions in flight finish (idle sessions get
 *   421 at once), then close downstream connections and the admin API.
 * - `protected` in the status is true while SMTP listens and every enabled module is active; an
 *   enabled module that is not available makes it false (antispam switched off does not).
 *
 * @category services
 * @since 0.1.0
 */
import { GatewayConfig } from "@mailmoat/core"
import { Smtp } from "@mailmoat/protocols"
import { mkdir } from "node:fs/promises"
import { join } from "node:path"
import { startAdminSurface } from "./admin/AdminSurface.ts"
import { startDigestSchedule } from "./digest/DigestSchedule.ts"
import type { AdminServer } from "./AdminServer.ts"
import type { Evaluate } from "./GatewayHandler.ts"
import { type SweepReport, sweepLeftovers } from "./StartupSweep.ts"
import { Metrics } from "./Metrics.ts"
import { openQuarantine } from "./Quarantine.ts"
import { type ProxyListenerInfo, type ProxyListeners, startProxies } from "./ProxyListeners.ts"
import { makeReloader, type ReloadOutcome } from "./reload/Reloader.ts"
import { makeSwappableHandler } from "./reload/SwappableHandler.ts"
import { buildWiring } from "./reload/Wiring.ts"
import { type GatewaySettings, listenerLimits, resolveSettings } from "./Settings.ts"

export type { Evaluate } from "./GatewayHandler.ts"
export type { Counters } from "./Metrics.ts"
export { PluginLoadError } from "./Plugins.ts"
export type { ProxyListenerInfo } from "./ProxyListeners.ts"
export { type DeliverGroup, type Plan, plan, type QuarantineGroup } from "./RecipientPlan.ts"
export { type DeliverySettings, type GatewaySettings, resolveSettings } from "./Settings.ts"
export { receivedHeader, rfc5322Date } from "./TraceHeaders.ts"
export { collect, learnMessage } from "./admin/Learn.ts"
export { deliverMessage, type ReinjectResult, reinject } from "./admin/Reinject.ts"
export { type DigestResult, runDigest } from "./digest/DigestRun.ts"
export type { ReloadOutcome } from "./reload/Reloader.ts"

export interface GatewayOptions {
  /** Base directory for relative paths in the configuration (default: the working directory). */
  readonly base?: string
  /** One line per event (default: discard). */
  readonly log?: (line: string) => void
  /**
   * The antispam evaluation. Default: the server antispam module built from the configuration's
   * `antispam` and `state` sections (nothing is scanned when `antispam.enabled` is false).
   */
  readonly evaluate?: Evaluate
  /** Extra module states for /status (lists health, classifier). */
  readonly moduleStatus?: () => Readonly<Record<string, unknown>>
  /** Graceful shutdown deadline (default 30 s). */
  readonly shutdownTimeoutMs?: number
  /**
   * Reads the configuration again for a reload (SIGHUP, `POST /api/reload`); `main` re-reads the
   * file. Default: the configuration object given to `startGateway`.
   */
  readonly reloadConfig?: (() => GatewayConfig.Decoded) | undefined
}

export interface GatewayStatus {
  readonly protected: boolean
  readonly version: string
  readonly uptimeSeconds: number
  readonly smtp: { readonly host: string; readonly port: number; readonly tls: boolean; readonly connections: number }
  readonly delivery: string
  readonly quarantine: string
  readonly modules: Readonly<Record<string, unknown>>
  readonly counters: Readonly<Record<string, number>>
}

export interface RunningGateway {
  readonly smtp: { readonly host: string; readonly port: number }
  readonly admin?: { readonly host: string; readonly port: number } | undefined
  /** Where accepted mail goes ("maildir /path" or the downstream). */
  readonly delivery: string
  readonly quarantine: string
  /** The IMAP/POP3 proxy listeners (`protocols.listeners`; none when `protocols.filtering` is off). */
  readonly proxies: ReadonlyArray<ProxyListenerInfo>
  /** The settings in force (a reload replaces them). */
  readonly settings: GatewaySettings
  /** Crash leftovers removed at start. */
  readonly swept: SweepReport
  status(): GatewayStatus
  /** Re-reads the configuration; a valid one applies to new sessions, an invalid one is refused. */
  reload(): Promise<ReloadOutcome>
  close(): Promise<void>
}

const VERSION = "0.1.0"

/** Starts the gateway from a decoded configuration object (`{}` = embedded defaults). */
export const startGateway = async (config: unknown, options: GatewayOptions = {}): Promise<RunningGateway> => {
  const base = options.base ?? process.cwd()
  const initialSettings = resolveSettings(config, options.base)
  const log = options.log ?? (() => undefined)
  const metrics = new Metrics()
  const started = Date.now()
  const spoolDir = join(initialSettings.dataDir, "spool")
  await mkdir(spoolDir, { recursive: true })
  await mkdir(initialSettings.quarantine.path, { recursive: true })
  const swept = await sweepLeftovers(initialSettings, spoolDir)
  const quarantine = openQuarantine({ path: initialSettings.quarantine.path, state: initialSettings.config.state })
  const context = { base, log, quarantine, metrics, evaluate: options.evaluate }
  // Before anything listens: a plugin problem refuses the start (PluginLoadError, exit 2).
  let first: Awaited<ReturnType<typeof buildWiring>>
  try {
    first = await buildWiring(initialSettings, context)
  } catch (error) {
    await quarantine.close()
    throw error
  }
  const wiring = makeSwappableHandler(first, log)
  const settings = () => wiring.current().settings
  const ss = initialSettings.smtp
  let smtp: Awaited<ReturnType<typeof Smtp.SmtpServer.listen>>
  try {
    smtp = await Smtp.SmtpServer.listen(
      {
        host: ss.host,
        port: ss.port,
        hostname: ss.hostname,
        maxMessageSize: ss.maxMessageSize,
        maxRecipients: ss.maxRecipients,
        maxConnections: ss.maxConnections,
        maxConnectionsPerIp: ss.maxConnectionsPerIp,
        bareLineEndings: ss.bareLineEndings,
        ...listenerLimits(initialSettings, spoolDir),
        tls: ss.tls,
        spool: { dir: spoolDir },
        onRefused: (limit) => metrics.prom.refused(limit === "total" ? "max_connections" : `max_connections_per_${limit}`),
        log
      },
      wiring.handler
    )
  } catch (error) {
    await wiring.close()
    await quarantine.close()
    throw error
  }
  // The IMAP/POP3 proxies (client protection) after SMTP; a missing CA refuses the start.
  let proxies: ProxyListeners | undefined
  try {
    proxies = await startProxies(initialSettings.config, { base, dataDir: initialSettings.dataDir, log, classifierStage: first.protection?.classifierStage })
  } catch (error) {
    await smtp.close({ graceful: false })
    await wiring.close()
    await quarantine.close()
    throw error
  }
  // Scrape-time values read the wiring in force, so they follow a reload.
  metrics.prom.sources.listHealth = () =>
    (wiring.current().protection?.module.status().lists ?? []).map((z) => ({ list: z.zone, up: z.state !== "suspended" }))
  let closing = false
  const status = (): GatewayStatus => {
    const w = wiring.current()
    const s = w.settings
    return {
      protected: !closing && w.antispamState !== "unavailable",
      version: VERSION,
      uptimeSeconds: Math.round((Date.now() - started) / 1000),
      smtp: { ...smtp.address, tls: ss.tls !== undefined, connections: smtp.connections() },
      delivery: w.handoff.describe,
      quarantine: quarantine.describe,
      modules: {
        antispam: { enabled: s.antispam.enabled, state: w.antispamState, ...(w.protection?.status() ?? {}) },
        plugins: w.plugins.status(),
        protocols: proxies?.status() ?? { filtering: s.config.protocols.filtering, listeners: [] },
        ...(options.moduleStatus?.() ?? {})
      },
      counters: metrics.snapshot() as unknown as Record<string, number>
    }
  }
  const reloader = makeReloader({
    load: options.reloadConfig ?? (() => GatewayConfig.decode(config)),
    base,
    current: settings,
    build: (next) => buildWiring(next, context),
    install: (next) => wiring.swap(next),
    log
  })
  let admin: AdminServer | undefined
  try {
    if (initialSettings.admin.enabled) {
      const surface = await startAdminSurface({
        settings,
        base,
        store: quarantine.store,
        status,
        metrics: () => metrics.prometheus(),
        reload: reloader.reload,
        log
      })
      admin = surface.server
      metrics.prom.sources.quarantineSize = surface.quarantine.size
    }
  } catch (error) {
    await smtp.close({ graceful: false })
    await proxies?.close()
    await wiring.close()
    await quarantine.close()
    throw error
  }
  const digest = startDigestSchedule(settings, quarantine.store, log)
  let closed: Promise<void> | undefined
  return {
    smtp: smtp.address,
    admin: admin?.address,
    get delivery() {
      return wiring.current().handoff.describe
    },
    quarantine: quarantine.describe,
    proxies: proxies?.listeners ?? [],
    get settings() {
      return settings()
    },
    swept,
    status,
    reload: reloader.reload,
    close: () => {
      closing = true
      closed ??= (async () => {
        digest.stop()
        await smtp.close({ graceful: true, timeoutMs: options.shutdownTimeoutMs ?? 30_000 })
        await proxies?.close()
        await wiring.close()
        await quarantine.close()
        await admin?.close()
      })()
      return closed
    }
  }
}
