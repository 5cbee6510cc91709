/**
 * The bundled gateway: configuration -> hand-off (Maildir or before-queue relay), quarantine,
 * evaluator -> SMTP listener + IMAP/POP3 proxies + admin API. `startGateway` is what
 * `npm start`, `mailmoat gateway`, the smoke test and the benchmark run.
 *
 * **Gotchas**
 * - Everything the gateway opens (delivery, quarantine, plugins and stores, listeners) is owned
 *   by one Effect `Scope`: a failed start releases what was opened so far, and `close()` closes
 *   the scope, releasing in reverse order: admin API, proxies, then SMTP gracefully (stop
 *   accepting, let transactions in flight finish, idle sessions get 421 at once), the engine's
 *   plugins and stores, the quarantine and the downstream connections.
 * - `protected` in the status is true while SMTP listens and every enabled module is active; an
 *   enabled module that is not available makes it false (antispam switched off does not).
 *
 * @category services
 * @since 0.1.0
 */
import { GatewayConfig } from "@mailmoat/antispam"
import { Smtp } from "@mailmoat/protocols"
import { Effect, Exit, Scope } from "effect"
import { join } from "node:path"
import { startAdminSurface } from "./admin/AdminSurface.ts"
import { startDigestSchedule } from "./digest/DigestSchedule.ts"
import type { AdminServer } from "./AdminServer.ts"
import type { Evaluate } from "./GatewayHandler.ts"
import { type SweepReport, sweepLeftovers } from "./StartupSweep.ts"
import { Metrics } from "./Metrics.ts"
import { openQuarantine, type Quarantine } from "./Quarantine.ts"
import * as Log from "./Log.ts"
import type { GatewayLog } from "./Log.ts"
import { type ProxyListenerInfo, type ProxyListeners, startProxies } from "./ProxyListeners.ts"
import { makeReloader, type ReloadOutcome } from "./reload/Reloader.ts"
import { makeSwappableHandler, type SwappableHandler } from "./reload/SwappableHandler.ts"
import { buildWiring } from "./reload/Wiring.ts"
import { type GatewaySettings, listenerLimits, resolveSettings } from "./Settings.ts"
import { openSharedState, type SharedState, sharedStateSettings } from "./SharedState.ts"
import { ensureDirectory } from "./StartupChecks.ts"
import { watchRedis } from "./StateStores.ts"
import { listenError } from "./StartupError.ts"

export type { Evaluate } from "./GatewayHandler.ts"
export type { Counters } from "./Metrics.ts"
export { PluginLoadError } from "./Plugins.ts"
export type { ProxyListenerInfo } from "./ProxyListeners.ts"
export { type DeliverGroup, type Plan, plan, type QuarantineGroup } from "./RecipientPlan.ts"
export { ConfigError, type DeliverySettings, type GatewaySettings, resolveSettings } from "./Settings.ts"
export { StartupError, type StartupReason } from "./StartupError.ts"
export * as StateStores from "./StateStores.ts"
export * as SharedState from "./SharedState.ts"
export type { StateSettings } from "./StateStores.ts"
export * as Log from "./Log.ts"
export { type Wiring, type WiringOptions, wire } from "./Wiring.ts"
export { receivedHeader, rfc5322Date } from "./TraceHeaders.ts"
export { collect, learnMessage } from "./admin/Learn.ts"
export { deliverMessage, type ReinjectResult, reinject } from "./admin/Reinject.ts"
export { type DigestResult, runDigest } from "./digest/DigestRun.ts"
export type { ReloadOutcome } from "./reload/Reloader.ts"

export interface GatewayOptions {
  /** Base directory for relative paths in the configuration (default: the working directory). */
  readonly base?: string
  /**
   * Where log lines go. With `logger`, that logger is used as is; with only `log`, every line
   * (debug included) goes to it, formatted per `log.format`; with neither, nothing is logged.
   */
  readonly log?: (line: string) => void
  /** The gateway's logger (`main` builds it from `log.level` / `log.format`, writing to stdout). */
  readonly logger?: GatewayLog
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
  const logger =
    options.logger ?? (options.log !== undefined ? Log.make({ level: "debug", format: initialSettings.config.log.format }, options.log) : Log.silent)
  // Modules that report free text: what loaded and what failed (plugins, lists, stores), reloads
  // and digest runs at info; the proxies report failures, refusals and expiring certificates (warn).
  const log = logger.lines("info")
  const metrics = new Metrics()
  const started = Date.now()
  const spoolDir = join(initialSettings.dataDir, "spool")
  await ensureDirectory(initialSettings.dataDir, "dataDir")
  await ensureDirectory(spoolDir, "dataDir")
  if (initialSettings.config.state.backend !== "redis")
    await ensureDirectory(initialSettings.quarantine.path, initialSettings.config.quarantine.path === undefined ? "dataDir" : "quarantine.path")
  const swept = await sweepLeftovers(initialSettings, spoolDir)
  // Everything opened from here on is owned by one scope: a failed start releases what was
  // opened so far, close() releases it all, in the reverse order (listeners first).
  const scope = Scope.makeUnsafe("sequential")
  const own = async <A>(open: () => Promise<A>, release: (a: A, failed: boolean) => Promise<unknown>): Promise<A> => {
    const a = await open()
    const finalizer = (exit: Exit.Exit<unknown, unknown>) =>
      Effect.promise(() => release(a, Exit.isFailure(exit)).catch((error: unknown) => logger.error("close_failed", { error: String(error) })))
    await Effect.runPromise(Scope.addFinalizerExit(scope, finalizer))
    return a
  }
  const failStart = async (error: unknown): Promise<never> => {
    await Effect.runPromise(Scope.close(scope, Exit.fail(error)))
    throw error
  }
  let quarantine: Quarantine
  let wiring: SwappableHandler
  let shared: SharedState
  try {
    // First holder of the Redis connection (state.backend: redis): open for the gateway's life, changes logged.
    await own(
      async () => watchRedis(initialSettings.state, logger),
      (w) => w.close()
    )
    // Before the wirings: the shared lists are loaded before anything listens.
    shared = await own(
      () => openSharedState(sharedStateSettings(initialSettings, base), logger),
      (s) => s.close()
    )
    quarantine = await own(
      async () => openQuarantine({ path: initialSettings.quarantine.path, state: initialSettings.state }),
      (q) => q.close()
    )
    const context = { base, logger, quarantine, metrics, evaluate: options.evaluate, shared }
    // Before anything listens: a plugin problem refuses the start (PluginLoadError, exit 2).
    // The swappable handler owns the first wiring and every wiring a reload installs.
    wiring = await own(
      async () => makeSwappableHandler(await buildWiring(initialSettings, context), log),
      (w) => w.close()
    )
  } catch (error) {
    return failStart(error)
  }
  const first = wiring.current()
  const settings = () => wiring.current().settings
  const ss = initialSettings.smtp
  let smtp: Awaited<ReturnType<typeof Smtp.SmtpServer.listen>>
  let proxies: ProxyListeners | undefined
  try {
    smtp = await own(
      () =>
        Smtp.SmtpServer.listen(
          {
            host: ss.host,
            port: ss.port,
            hostname: ss.hostname,
            maxMessageSize: ss.maxMessageSize,
            maxRecipients: ss.maxRecipients,
            maxConnections: ss.maxConnections,
            maxConnectionsPerIp: ss.maxConnectionsPerIp,
            bareLineEndings: ss.bareLineEndings,
            ...listenerLimits(initialSettings, spoolDir, shared.authFailures),
            tls: ss.tls,
            spool: { dir: spoolDir },
            onRefused: (limit) => metrics.prom.refused(limit === "total" ? "max_connections" : `max_connections_per_${limit}`),
            log
          },
          wiring.handler
        ).catch((error: unknown) => {
          throw listenError(error, { host: "smtp.host", port: "smtp.port" }, `${ss.host}:${ss.port}`)
        }),
      // Graceful on close (sessions in flight finish); at once when the start failed.
      (server, failed) => server.close(failed ? { graceful: false } : { graceful: true, timeoutMs: options.shutdownTimeoutMs ?? 30_000 })
    )
    // The IMAP/POP3 proxies (client protection) after SMTP; a missing CA refuses the start.
    proxies = await own(
      () => startProxies(initialSettings.config, { base, dataDir: initialSettings.dataDir, log: logger.lines("warn"), classifierStage: first.protection?.classifierStage }),
      async (p) => p?.close()
    )
  } catch (error) {
    return failStart(error)
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
  const context = { base, logger, quarantine, metrics, evaluate: options.evaluate, shared }
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
      const a = initialSettings.admin
      const surface = await own(
        () =>
          startAdminSurface({
            settings,
            base,
            store: quarantine.store,
            status,
            metrics: () => metrics.prometheus(),
            reload: reloader.reload,
            sharedLists: shared.lists,
            log
          }).catch((error: unknown) => {
            throw listenError(error, { host: "admin.host", port: "admin.port" }, `${a.host}:${a.port}`)
          }),
        (s) => s.server.close()
      )
      admin = surface.server
      metrics.prom.sources.quarantineSize = surface.quarantine.size
    }
    // Closed first on shutdown: no digest run starts while the rest closes.
    await own(
      async () => startDigestSchedule(settings, quarantine.store, log),
      async (d) => d.stop()
    )
  } catch (error) {
    return failStart(error)
  }
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
      closed ??= Effect.runPromise(Scope.close(scope, Exit.void))
      return closed
    }
  }
}
