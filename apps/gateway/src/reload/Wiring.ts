/**
 * One configuration's mail path: hand-off (Maildir or before-queue relay), the engine wiring
 * (plugins and antispam protection, from `wire`) and the SMTP handler built on them. The gateway
 * builds one at start and a new one for each accepted configuration reload; the listeners, the
 * quarantine store and the metrics outlive every wiring.
 *
 * @category constructors
 * @since 0.1.0
 */
import { Engine } from "@mailmoat/core"
import type { Smtp } from "@mailmoat/protocols"
import { Effect, Logger } from "effect"
import { type Evaluate, makeHandler } from "../GatewayHandler.ts"
import { type Handoff, maildirHandoff } from "../Handoff.ts"
import type { GatewayLog } from "../Log.ts"
import type { Metrics } from "../Metrics.ts"
import type { LoadedPlugins } from "../Plugins.ts"
import type { Protection } from "../Protection.ts"
import { buildClientJudgement, type ClientJudgement } from "../ProxyJudgement.ts"
import type { Quarantine } from "../Quarantine.ts"
import { makeRateLimits } from "../RateLimits.ts"
import { relayHandoff } from "../RelayHandoff.ts"
import type { Runner } from "../runtime/Runner.ts"
import { makeSessionPhases } from "../SessionPhases.ts"
import type { SharedState } from "../SharedState.ts"
import type { GatewaySettings } from "../Settings.ts"
import { ensureDirectory } from "../StartupChecks.ts"
import { makeVirusScanner, type VirusScanner } from "../VirusScan.ts"
import { wire } from "../Wiring.ts"

export interface WiringContext {
  /** The configuration file's directory. */
  readonly base: string
  readonly logger: GatewayLog
  /** The gateway's clock (the `Clock` service): trace headers, the message line's milliseconds. */
  readonly now: () => number
  /** Runs effects in the gateway's runtime (its clock; its logger unless `loggers` are given). */
  readonly runner: (loggers?: ReadonlySet<Logger.Logger<unknown, unknown>>) => Runner
  readonly quarantine: Quarantine
  readonly metrics: Metrics
  /** A fixed evaluation instead of the antispam module (tests, embedders). */
  readonly evaluate?: Evaluate | undefined
  /** The process's shared state (DNS cache, counters, lists); outlives every wiring. */
  readonly shared: SharedState
  /**
   * The IMAP/POP3 proxies tag spam (their settings are fixed at start): each configuration then
   * builds their judgement of downloads.
   */
  readonly proxiesTagSpam?: boolean | undefined
}

export interface Wiring {
  readonly settings: GatewaySettings
  readonly handler: Smtp.SmtpHandler
  readonly handoff: Handoff
  readonly plugins: LoadedPlugins
  readonly protection?: Protection | undefined
  /**
   * How the IMAP/POP3 proxies judge downloads for spam under this configuration (its `antispam`
   * section, on the protection's resolver, lists and classifier when there is one); undefined
   * when the proxies do not tag spam.
   */
  readonly clientJudgement?: ClientJudgement | undefined
  /** The SMTP path's virus scan (`antispam.virus` while antispam is on). */
  readonly virus?: VirusScanner | undefined
  /** off (switched off), on, or unavailable (enabled but not running). */
  readonly antispamState: "off" | "on" | "unavailable"
  readonly close: () => Promise<void>
}

const makeHandoff = async (settings: GatewaySettings): Promise<Handoff> => {
  const d = settings.delivery
  if (d.mode === "maildir") {
    await ensureDirectory(d.path, settings.config.delivery.maildir === undefined ? "dataDir" : "delivery.maildir")
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
    timeouts: {
      dataEndMs: d.dataEndMs,
      connectMs: d.commandMs,
      greetingMs: d.commandMs,
      commandMs: d.commandMs,
      dataBlockMs: d.commandMs
    }
  })
}

/** Builds the mail path; a plugin problem rejects with `PluginLoadError` and nothing stays open. */
export const buildWiring = async (settings: GatewaySettings, ctx: WiringContext): Promise<Wiring> => {
  const handoff = await makeHandoff(settings)
  const wired = await wire(settings.config, {
    base: ctx.base,
    dataDir: settings.dataDir,
    antispam: settings.antispam,
    logger: ctx.logger,
    withoutProtection: ctx.evaluate !== undefined,
    shared: ctx.shared,
    reputationMetrics: ctx.metrics.prom.reputation
  }).catch(async (error: unknown) => {
    await handoff.close()
    throw error
  })
  const { plugins, protection } = wired
  const evaluate = settings.antispam.enabled ? (ctx.evaluate ?? protection?.evaluate) : undefined
  // Part of the antispam section: a reload adds, changes or removes it with the rest.
  const virus =
    settings.antispam.enabled && settings.antispam.virus !== undefined
      ? makeVirusScanner(settings.antispam.virus, {
          base: ctx.base,
          logger: ctx.logger,
          metrics: ctx.metrics,
          now: ctx.now
        })
      : undefined
  // The session's phases run on the protection's engine; without one (antispam off, or a fixed
  // evaluation) on an engine of the plugin stages alone, so a plugin can still refuse early.
  const engine = protection?.module.engine ?? Effect.runSync(Engine.make({ stages: plugins.stages, scanning: false }))
  // The engine's own notes (a stage failing open) are debug: the phases log `stage_failed`.
  const notes: ReadonlySet<Logger.Logger<unknown, unknown>> = new Set([
    Logger.make((o) => ctx.logger.debug("note", { text: String(o.message) }))
  ])
  const run = ctx.runner(notes)
  const phases = makeSessionPhases(engine, { logger: ctx.logger, run, lend: run.lend })
  const handler = makeHandler({
    hostname: settings.smtp.hostname,
    handoff,
    quarantine: ctx.quarantine,
    metrics: ctx.metrics,
    evaluate,
    virus,
    phases,
    users: settings.smtp.users,
    dovecot: settings.smtp.dovecot,
    rateLimits: makeRateLimits(ctx.shared.rateCounter, settings.smtp.limits.rates, ctx.logger),
    logger: ctx.logger,
    now: ctx.now
  })
  let clientJudgement: ClientJudgement | undefined
  try {
    if (ctx.proxiesTagSpam === true)
      clientJudgement = buildClientJudgement(settings.config, settings.antispam, protection, {
        dataDir: settings.dataDir,
        base: ctx.base,
        logger: ctx.logger,
        shared: ctx.shared
      })
  } catch (error) {
    // A model that cannot be loaded refuses the configuration; nothing stays open.
    await handoff.close()
    await wired.close()
    throw error
  }
  return {
    settings,
    handler,
    handoff,
    plugins,
    protection,
    clientJudgement,
    virus,
    antispamState: !settings.antispam.enabled ? "off" : evaluate !== undefined ? "on" : "unavailable",
    close: async () => {
      // The proxies' judgement first: it asks the protection's resolver and lists.
      await clientJudgement?.close()
      await handoff.close()
      await wired.close()
    }
  }
}
