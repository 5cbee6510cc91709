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
import { Smtp } from "@mailmoat/protocols"
import { mkdir } from "node:fs/promises"
import { join } from "node:path"
import { type AdminServer, startAdmin } from "./AdminServer.ts"
import { type Evaluate, makeHandler } from "./GatewayHandler.ts"
import { type Handoff, maildirHandoff } from "./Handoff.ts"
import { type SweepReport, sweepLeftovers } from "./StartupSweep.ts"
import { Metrics } from "./Metrics.ts"
import { openQuarantine } from "./Quarantine.ts"
import { loadPlugins } from "./Plugins.ts"
import { makeSessionStages } from "./SessionStages.ts"
import { type Protection, type StateSettings, startProtection } from "./Protection.ts"
import { type ProxyListenerInfo, type ProxyListeners, startProxies } from "./ProxyListeners.ts"
import { relayHandoff } from "./RelayHandoff.ts"
import { type GatewaySettings, listenerLimits, resolveSettings } from "./Settings.ts"

export type { Evaluate } from "./GatewayHandler.ts"
export type { Counters } from "./Metrics.ts"
export { PluginLoadError } from "./Plugins.ts"
export type { ProxyListenerInfo } from "./ProxyListeners.ts"
export { type DeliverGroup, type Plan, plan, type QuarantineGroup } from "./RecipientPlan.ts"
export { type DeliverySettings, type GatewaySettings, resolveSettings } from "./Settings.ts"
export { receivedHeader, rfc5322Date } from "./TraceHeaders.ts"

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
  const log = options.log ?? (() => undefined)
  const metrics = new Metrics()
  const started = Date.now()
  const spoolDir = join(settings.dataDir, "spool")
  await mkdir(spoolDir, { recursive: true })
  await mkdir(settings.quarantine.path, { recursive: true })
  const swept = await sweepLeftovers(settings, spoolDir)
  const d = settings.delivery
  let handoff: Handoff
  if (d.mode === "maildir") {
    await mkdir(d.path, { recursive: true })
    handoff = maildirHandoff(d.path, settings.smtp.hostname, d.domains)
  } else {
    handoff = relayHandoff({
      host: d.host,
      port: d.port,
      protocol: d.protocol,
      tls: d.tls,
      servername: d.servername,
      ca: d.ca,
      heloName: settings.smtp.hostname,
      timeouts: { dataEndMs: d.dataEndMs, connectMs: d.commandMs, greetingMs: d.commandMs, commandMs: d.commandMs, dataBlockMs: d.commandMs }
    })
  }
  const quarantine = openQuarantine({ path: settings.quarantine.path, state: settings.config.state })
  // Before anything listens: a plugin problem refuses the start (PluginLoadError, exit 2).
  const plugins = await loadPlugins(settings.config.plugins, { baseDir: options.base ?? process.cwd(), log })
  let protection: Protection | undefined
  if (settings.antispam.enabled && options.evaluate === undefined) {
    const c = settings.config
    protection = startProtection(
      {
        dataDir: settings.dataDir,
        antispam: c.antispam,
        classifier: c.classifier,
        state: { backend: c.state.backend, url: c.state.url, keyPrefix: c.state.keyPrefix } satisfies StateSettings,
        providers: plugins.providers,
        stages: plugins.stages
      },
      log
    )
  }
  const evaluate = settings.antispam.enabled ? (options.evaluate ?? protection?.evaluate) : undefined
  const sessionStages = makeSessionStages(plugins.sessionStages, log)
  const handler = makeHandler({ hostname: settings.smtp.hostname, handoff, quarantine, metrics, evaluate, sessionStages, users: settings.smtp.users, log })
  let smtp: Awaited<ReturnType<typeof Smtp.SmtpServer.listen>>
  try {
    smtp = await Smtp.SmtpServer.listen(
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
  )
  } catch (error) {
    await protection?.close()
    await plugins.close()
    await quarantine.close()
    throw error
  }
  // The IMAP/POP3 proxies (client protection) after SMTP; a missing CA refuses the start.
  let proxies: ProxyListeners | undefined
  try {
    proxies = await startProxies(settings.config, { base: options.base ?? process.cwd(), dataDir: settings.dataDir, log, classifierStage: protection?.classifierStage })
  } catch (error) {
    await smtp.close({ graceful: false })
    await protection?.close()
    await plugins.close()
    await quarantine.close()
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
    if (settings.admin.enabled) admin = await startAdmin(settings.admin.host, settings.admin.port, { status, metrics: () => metrics.prometheus() })
  } catch (error) {
    await smtp.close({ graceful: false })
    await proxies?.close()
    await protection?.close()
    await plugins.close()
    await quarantine.close()
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
      closed ??= (async () => {
        await smtp.close({ graceful: true, timeoutMs: options.shutdownTimeoutMs ?? 30_000 })
        await proxies?.close()
        await handoff.close()
        await protection?.close()
        await plugins.close()
        await quarantine.close()
        await admin?.close()
      })()
      return closed
    }
  }
}
