/**
 * The gateway's outer layers: the SMTP listener, the IMAP/POP3 proxies, the status, the
 * reloader, the admin API and the digest schedule, each released with the scope it was built in.
 * SMTP closes gracefully (sessions in flight finish, idle ones get 421), at once when the start
 * failed; a listen address in use is a `StartupError` naming its key.
 *
 * @category layers
 * @since 0.1.0
 */
import { GatewayConfig } from "@mailmoat/antispam"
import { Smtp } from "@mailmoat/protocols"
import { Clock, Effect, Layer } from "effect"
import { startAdminSurface } from "../admin/AdminSurface.ts"
import { digestTick, schedule } from "../digest/DigestSchedule.ts"
import { reputationKeyCount } from "../metrics/ReputationMetrics.ts"
import { judgementSource } from "../ProxyJudgement.ts"
import { startProxies } from "../ProxyListeners.ts"
import { type CertificateSource, smtpCertificates } from "../reload/Certificates.ts"
import { makeReloader } from "../reload/Reloader.ts"
import { buildWiring } from "../reload/Wiring.ts"
import { listenerLimits } from "../Settings.ts"
import { listenError } from "../StartupError.ts"
import { resource, wiringContext } from "./Layers.ts"
import {
  Admin,
  GatewayMetrics,
  type GatewayStatus,
  Input,
  Logger,
  MailPath,
  Proxies,
  QuarantineService,
  Reloader,
  SharedStateService,
  SmtpListener,
  Started,
  Status
} from "./Services.ts"

export const VERSION = "0.1.0"
const ROUTINE_SMTP_EVENTS: ReadonlySet<string> = new Set(["connect", "close", "data_end", "socket_error"])
const ROUTINE_SMTP_NOTE = / event=(connect|close|data_end|socket_error)\b/

export const smtp = Layer.effect(
  SmtpListener,
  Effect.gen(function* () {
    const { settings, spoolDir, shutdownTimeoutMs } = yield* Input
    const metrics = yield* GatewayMetrics
    const handler = (yield* MailPath).handler
    const shared = yield* SharedStateService
    // The listener's routine session notes (connect, data_end, close, a client's reset) are
    // debug: the one info line per message is the handler's `message` event. Its other notes
    // (storage, TLS, handler errors) stay info.
    const logger = yield* Logger
    const [routine, notable] = [logger.lines("debug"), logger.lines("info")]
    const log = (line: string) => (ROUTINE_SMTP_NOTE.test(line) ? routine(line) : notable(line))
    const ss = settings.smtp
    return yield* resource(
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
            ...listenerLimits(settings, spoolDir, shared.authFailures),
            tls: ss.tls,
            spool: { dir: spoolDir },
            onRefused: (limit) =>
              metrics.prom.refused(limit === "total" ? "max_connections" : `max_connections_per_${limit}`),
            log,
            // Below debug the routine notes would be dropped: the listener does not build them.
            quietEvents: logger.enabled("debug") ? undefined : ROUTINE_SMTP_EVENTS
          },
          handler
        ).catch((error: unknown) => {
          throw listenError(error, { host: "smtp.host", port: "smtp.port" }, `${ss.host}:${ss.port}`)
        }),
      // Graceful on close (sessions in flight finish); at once when the start failed.
      (server, failed) => server.close(failed ? { graceful: false } : { graceful: true, timeoutMs: shutdownTimeoutMs })
    )
  })
)

/**
 * The IMAP/POP3 proxies (client protection) after SMTP; a missing CA refuses the start. Their
 * listeners and the `protocols` section are the first configuration's, but for the names each
 * listener certifies per SNI (`serverNames`) and the mint rates, which follow a reload, and the
 * TLS files, which the reloader reads again; their spam judgement is the wiring's in force.
 */
export const proxies = Layer.effect(
  Proxies,
  Effect.gen(function* () {
    const { settings, base } = yield* Input
    const logger = yield* Logger
    const clock = yield* Clock.Clock
    const mailPath = yield* MailPath
    return yield* resource(
      () =>
        startProxies(settings.config, {
          base,
          logger,
          now: () => clock.currentTimeMillisUnsafe(),
          judgement: judgementSource(mailPath),
          watchConfig: (f) => mailPath.watch((next) => f(next.settings.config))
        }),
      async (p) => p?.close()
    )
  })
)

export const reloader = Layer.effect(
  Reloader,
  Effect.gen(function* () {
    const i = yield* Input
    const wiring = yield* MailPath
    const context = yield* wiringContext
    const server = yield* SmtpListener
    const proxyListeners = yield* Proxies
    // The TLS files the listeners were started with, read again at each reload.
    const certificates: Array<CertificateSource> = [smtpCertificates(server, i.settings, context.logger)]
    if (proxyListeners !== undefined)
      certificates.push({ prepare: (next) => proxyListeners.prepareTls(next.config.protocols) })
    return makeReloader({
      load: i.reloadConfig ?? (() => GatewayConfig.decode(i.config)),
      base: i.base,
      current: () => wiring.current().settings,
      build: (next) => buildWiring(next, context),
      install: (next) => wiring.swap(next),
      certificates,
      logger: context.logger
    })
  })
)

/**
 * `protected` is true while SMTP listens and every enabled module is active (antispam switched
 * off does not count against it); it turns false as soon as the shutdown begins.
 */
export const status = Layer.effect(
  Status,
  Effect.gen(function* () {
    const i = yield* Input
    const wiring = yield* MailPath
    const server = yield* SmtpListener
    const proxyListeners = yield* Proxies
    const quarantine = yield* QuarantineService
    const metrics = yield* GatewayMetrics
    const shared = yield* SharedStateService
    const { at } = yield* Started
    const clock = yield* Clock.Clock
    let closing = false
    // Released first of all the listeners: from then on the gateway says it is not protecting.
    yield* Effect.addFinalizer(() =>
      Effect.sync(() => {
        closing = true
      })
    )
    // Scrape-time values read the wiring in force, so they follow a reload.
    metrics.prom.reputation.keys = () => reputationKeyCount(wiring.current().settings, shared)
    metrics.prom.sources.listHealth = () =>
      (wiring.current().protection?.module.status().lists ?? []).map((z) => ({
        list: z.zone,
        up: z.state !== "suspended"
      }))
    const ss = i.settings.smtp
    return {
      status: (): GatewayStatus => {
        const w = wiring.current()
        const s = w.settings
        return {
          protected: !closing && w.antispamState !== "unavailable",
          version: VERSION,
          uptimeSeconds: Math.round((clock.currentTimeMillisUnsafe() - at) / 1000),
          smtp: { ...server.address, tls: ss.tls !== undefined, connections: server.connections() },
          delivery: w.handoff.describe,
          quarantine: quarantine.describe,
          modules: {
            antispam: {
              enabled: s.antispam.enabled,
              state: w.antispamState,
              ...(w.protection?.status() ?? {}),
              ...(w.virus ? { virus: { scanner: w.virus.scanner, onVirus: w.virus.settings.onVirus } } : {})
            },
            plugins: w.plugins.status(),
            protocols: proxyListeners?.status() ?? { filtering: s.config.protocols.filtering, listeners: [] },
            ...(i.moduleStatus?.() ?? {})
          },
          counters: metrics.snapshot() as unknown as Record<string, number>
        }
      }
    }
  })
)

export const admin = Layer.effect(
  Admin,
  Effect.gen(function* () {
    const i = yield* Input
    if (!i.settings.admin.enabled) return undefined
    const wiring = yield* MailPath
    const quarantine = yield* QuarantineService
    const metrics = yield* GatewayMetrics
    const { status: current } = yield* Status
    const { reload } = yield* Reloader
    const logger = yield* Logger
    const shared = yield* SharedStateService
    const a = i.settings.admin
    const surface = yield* resource(
      () =>
        startAdminSurface({
          settings: () => wiring.current().settings,
          base: i.base,
          store: quarantine.store,
          status: current,
          metrics: () => metrics.prometheus(),
          reload,
          sharedLists: shared.lists,
          sharedWeb: shared.web,
          sharedReputation: shared.reputation,
          onReputationReset: metrics.prom.reputation.reset,
          onReleaseScan: metrics.prom.virusReleaseScan,
          logger
        }).catch((error: unknown) => {
          throw listenError(error, { host: "admin.host", port: "admin.port" }, `${a.host}:${a.port}`)
        }),
      (s) => s.server.close()
    )
    metrics.prom.sources.quarantineSize = surface.quarantine.size
    return surface.server
  })
)

/** Closed first on shutdown: no digest run starts while the rest closes. */
export const digest = Layer.effectDiscard(
  Effect.gen(function* () {
    const wiring = yield* MailPath
    const quarantine = yield* QuarantineService
    const logger = yield* Logger
    const clock = yield* Clock.Clock
    const shared = yield* SharedStateService
    yield* schedule(
      digestTick(
        () => wiring.current().settings,
        quarantine.store,
        logger,
        () => clock.currentTimeMillisUnsafe(),
        { key: shared.web?.digestKey, ledger: shared.web?.digestLedger }
      )
    )
  })
)
