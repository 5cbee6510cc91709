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
import { Smtp } from "@mailmoat/protocols"
import { Effect, Exit, Scope } from "effect"
import { join } from "node:path"
import { type AdminServer, startAdmin } from "./AdminServer.ts"
import { type Evaluate, makeHandler } from "./GatewayHandler.ts"
import { type Handoff, maildirHandoff } from "./Handoff.ts"
import { type SweepReport, sweepLeftovers } from "./StartupSweep.ts"
import { Metrics } from "./Metrics.ts"
import { openQuarantine, type Quarantine } from "./Quarantine.ts"
import { makeSessionStages } from "./SessionStages.ts"
import { type Wiring, wire } from "./Wiring.ts"
import * as Log from "./Log.ts"
import type { GatewayLog } from "./Log.ts"
import { type ProxyListenerInfo, type ProxyListeners, startProxies } from "./ProxyListeners.ts"
import { relayHandoff } from "./RelayHandoff.ts"
import { type GatewaySettings, listenerLimits, resolveSettings } from "./Settings.ts"
import { ensureDirectory } from "./StartupChecks.ts"
import { listenError } from "./StartupError.ts"

export type { Evaluate } from "./GatewayHandler.ts"
export type { Counters } from "./Metrics.ts"
export { PluginLoadError } from "./Plugins.ts"
export type { ProxyListenerInfo } from "./ProxyListeners.ts"
export { type DeliverGroup, type Plan, plan, type QuarantineGroup } from "./RecipientPlan.ts"
export { ConfigError, type DeliverySettings, type GatewaySettings, resolveSettings } from "./Settings.ts"
export { StartupError, type StartupReason } from "./StartupError.ts"
export * as StateStores from "./StateStores.ts"
export * as Log from "./Log.ts"
export { type Wiring, type WiringOptions, wire } from "./Wiring.ts"
export { receivedHeader, rfc5322Date } from "./TraceHeaders.ts"

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
  readonly settings: GatewaySettings
  /** Crash leftovers removed at start. */
  readonly swept: SweepReport
  status(): GatewayStatus
  close(): Promise<void>
}

const VERSION = "0.1.0"

/** Starts the gateway from a decoded configuration object (`{}` = embedded defaults). */
export const startGateway = async (config: unknown, options: GatewayOptions = {}): Promise<RunningGateway> => {
  const settings = resolveSettings(config, options.base)
  const logger =
    options.logger ?? (options.log !== undefined ? Log.make({ level: "debug", format: settings.config.log.format }, options.log) : Log.silent)
  // Modules that report free text: what loaded and what failed (plugins, lists, stores) at info;
  // the session stages and the proxies report failures, refusals and expiring certificates (warn).
  const log = logger.lines("info")
  const metrics = new Metrics()
  const started = Date.now()
  const spoolDir = join(settings.dataDir, "spool")
  await ensureDirectory(settings.dataDir, "dataDir")
  await ensureDirectory(spoolDir, "dataDir")
  if (settings.config.state.backend !== "redis") await ensureDirectory(settings.quarantine.path, settings.config.quarantine.path === undefined ? "dataDir" : "quarantine.path")
  const swept = await sweepLeftovers(settings, spoolDir)
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
  let smtp: Awaited<ReturnType<typeof Smtp.SmtpServer.listen>>
  let handoff: Handoff
  let quarantine: Quarantine
  let wiring: Wiring
  let proxies: ProxyListeners | undefined
  try {
    const d = settings.delivery
    if (d.mode === "maildir") await ensureDirectory(d.path, settings.config.delivery.maildir === undefined ? "dataDir" : "delivery.maildir")
    handoff = await own(
      async () =>
        d.mode === "maildir"
          ? maildirHandoff(d.path, settings.smtp.hostname, d.domains)
          : relayHandoff({
              host: d.host,
              port: d.port,
              protocol: d.protocol,
              tls: d.tls,
              servername: d.servername,
              ca: d.ca,
              heloName: settings.smtp.hostname,
              timeouts: { dataEndMs: d.dataEndMs, connectMs: d.commandMs, greetingMs: d.commandMs, commandMs: d.commandMs, dataBlockMs: d.commandMs }
            }),
      (h) => h.close()
    )
    quarantine = await own(
      async () => openQuarantine({ path: settings.quarantine.path, state: settings.config.state }),
      (q) => q.close()
    )
    // Before anything listens: a plugin problem refuses the start (PluginLoadError, exit 2).
    wiring = await own(
      () => wire(settings.config, { base: options.base ?? process.cwd(), dataDir: settings.dataDir, antispam: settings.antispam, log, withoutProtection: options.evaluate !== undefined }),
      (w) => w.close()
    )
  } catch (error) {
    await Effect.runPromise(Scope.close(scope, Exit.fail(error)))
    throw error
  }
  const { plugins, protection } = wiring
  const evaluate = settings.antispam.enabled ? (options.evaluate ?? protection?.evaluate) : undefined
  const sessionStages = makeSessionStages(plugins.sessionStages, logger.lines("warn"))
  const handler = makeHandler({ hostname: settings.smtp.hostname, handoff, quarantine, metrics, evaluate, sessionStages, users: settings.smtp.users, logger })
  try {
    smtp = await own(
      () =>
        Smtp.SmtpServer.listen(
          {
            host: settings.smtp.host,
            port: settings.smtp.port,
            hostname: settings.smtp.hostname,
            maxMessageSize: settings.smtp.maxMessageSize,
            maxRecipients: settings.smtp.maxRecipients,
            maxConnections: settings.smtp.maxConnections,
            maxConnectionsPerIp: settings.smtp.maxConnectionsPerIp,
            bareLineEndings: settings.smtp.bareLineEndings,
            ...listenerLimits(settings, spoolDir),
            tls: settings.smtp.tls,
            spool: { dir: spoolDir },
            log
          },
          handler
        ).catch((error: unknown) => {
          throw listenError(error, { host: "smtp.host", port: "smtp.port" }, `${settings.smtp.host}:${settings.smtp.port}`)
        }),
      // Graceful on close (sessions in flight finish); at once when the start failed.
      (server, failed) => server.close(failed ? { graceful: false } : { graceful: true, timeoutMs: options.shutdownTimeoutMs ?? 30_000 })
    )
    // The IMAP/POP3 proxies (client protection) after SMTP; a missing CA refuses the start.
    proxies = await own(
      () => startProxies(settings.config, { base: options.base ?? process.cwd(), dataDir: settings.dataDir, log: logger.lines("warn"), classifierStage: protection?.classifierStage }),
      async (p) => p?.close()
    )
  } catch (error) {
    await Effect.runPromise(Scope.close(scope, Exit.fail(error)))
    throw error
  }
  let closing = false
  const antispamState = !settings.antispam.enabled ? "off" : evaluate !== undefined ? "on" : "unavailable"
  const status = (): GatewayStatus => ({
    protected: !closing && antispamState !== "unavailable",
    version: VERSION,
    uptimeSeconds: Math.round((Date.now() - started) / 1000),
    smtp: { ...smtp.address, tls: settings.smtp.tls !== undefined, connections: smtp.connections() },
    delivery: handoff.describe,
    quarantine: quarantine.describe,
    modules: {
      antispam: { enabled: settings.antispam.enabled, state: antispamState, ...(protection?.status() ?? {}) },
      plugins: plugins.status(),
      protocols: proxies?.status() ?? { filtering: settings.config.protocols.filtering, listeners: [] },
      ...(options.moduleStatus?.() ?? {})
    },
    counters: metrics.snapshot() as unknown as Record<string, number>
  })
  let admin: AdminServer | undefined
  try {
    if (settings.admin.enabled)
      admin = await own(
        () =>
          startAdmin(settings.admin.host, settings.admin.port, { status, metrics: () => metrics.prometheus() }).catch((error: unknown) => {
            throw listenError(error, { host: "admin.host", port: "admin.port" }, `${settings.admin.host}:${settings.admin.port}`)
          }),
        (server) => server.close()
      )
  } catch (error) {
    await Effect.runPromise(Scope.close(scope, Exit.fail(error)))
    throw error
  }
  let closed: Promise<void> | undefined
  return {
    smtp: smtp.address,
    admin: admin?.address,
    delivery: handoff.describe,
    quarantine: quarantine.describe,
    proxies: proxies?.listeners ?? [],
    settings,
    swept,
    status,
    close: () => {
      closing = true
      closed ??= Effect.runPromise(Scope.close(scope, Exit.void))
      return closed
    }
  }
}
