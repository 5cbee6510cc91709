/**
 * One configuration's mail path: hand-off (Maildir or before-queue relay), plugins, antispam
 * protection and the SMTP handler built on them. The gateway builds one at start and a new one
 * for each accepted configuration reload; the listeners, the quarantine store and the metrics
 * outlive every wiring.
 *
 * @category constructors
 * @since 0.1.0
 */
import { mkdir } from "node:fs/promises"
import type { Smtp } from "@mailmoat/protocols"
import { type Evaluate, makeHandler } from "../GatewayHandler.ts"
import { type Handoff, maildirHandoff } from "../Handoff.ts"
import type { Metrics } from "../Metrics.ts"
import { type LoadedPlugins, loadPlugins } from "../Plugins.ts"
import { type Protection, type StateSettings, startProtection } from "../Protection.ts"
import type { Quarantine } from "../Quarantine.ts"
import { relayHandoff } from "../RelayHandoff.ts"
import { makeSessionStages } from "../SessionStages.ts"
import type { GatewaySettings } from "../Settings.ts"

export interface WiringContext {
  /** The configuration file's directory. */
  readonly base: string
  readonly log: (line: string) => void
  readonly quarantine: Quarantine
  readonly metrics: Metrics
  /** A fixed evaluation instead of the antispam module (tests, embedders). */
  readonly evaluate?: Evaluate | undefined
}

export interface Wiring {
  readonly settings: GatewaySettings
  readonly handler: Smtp.SmtpHandler
  readonly handoff: Handoff
  readonly plugins: LoadedPlugins
  readonly protection?: Protection | undefined
  /** off (switched off), on, or unavailable (enabled but not running). */
  readonly antispamState: "off" | "on" | "unavailable"
  readonly close: () => Promise<void>
}

const makeHandoff = async (settings: GatewaySettings): Promise<Handoff> => {
  const d = settings.delivery
  if (d.mode === "maildir") {
    await mkdir(d.path, { recursive: true })
    return maildirHandoff(d.path, settings.smtp.hostname, d.domains)
  }
  return relayHandoff({
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

/** Builds the mail path; a plugin problem rejects with `PluginLoadError` and nothing stays open. */
export const buildWiring = async (settings: GatewaySettings, ctx: WiringContext): Promise<Wiring> => {
  const handoff = await makeHandoff(settings)
  let plugins: LoadedPlugins
  try {
    plugins = await loadPlugins(settings.config.plugins, { baseDir: ctx.base, log: ctx.log })
  } catch (error) {
    await handoff.close()
    throw error
  }
  let protection: Protection | undefined
  if (settings.antispam.enabled && ctx.evaluate === undefined) {
    const c = settings.config
    protection = startProtection(
      {
        dataDir: settings.dataDir,
        hostname: settings.smtp.hostname,
        antispam: c.antispam,
        classifier: c.classifier,
        state: { backend: c.state.backend, url: c.state.url, keyPrefix: c.state.keyPrefix } satisfies StateSettings,
        providers: plugins.providers,
        stages: plugins.stages
      },
      ctx.log
    )
  }
  const evaluate = settings.antispam.enabled ? (ctx.evaluate ?? protection?.evaluate) : undefined
  const handler = makeHandler({
    hostname: settings.smtp.hostname,
    handoff,
    quarantine: ctx.quarantine,
    metrics: ctx.metrics,
    evaluate,
    sessionStages: makeSessionStages(plugins.sessionStages, ctx.log),
    users: settings.smtp.users,
    log: ctx.log
  })
  return {
    settings,
    handler,
    handoff,
    plugins,
    protection,
    antispamState: !settings.antispam.enabled ? "off" : evaluate !== undefined ? "on" : "unavailable",
    close: async () => {
      await handoff.close()
      await protection?.close()
      await plugins.close()
    }
  }
}
