/**
 * The gateway's inner layers, each opening one thing in the scope it is built in and releasing
 * it with that scope: settings, logger (also Effect's logger), metrics, start-up checks,
 * quarantine, and the mail path (hand-off, plugins, the engine and its services). The listeners
 * are in `Listeners.ts`; `Gateway.ts` chains them all.
 *
 * **Gotchas**
 * - Every failure is the error as thrown (`ConfigError`, `PluginLoadError`, `StartupError`): the
 *   caller decides the exit code from its type.
 * - Time is the `Clock` service (start time, log timestamps).
 *
 * @category layers
 * @since 0.1.0
 */
import { Clock, Effect, Exit, Layer, Logger as EffectLogger } from "effect"
import { join } from "node:path"
import * as Log from "../Log.ts"
import { Metrics } from "../Metrics.ts"
import { proxiesTagSpam } from "../ProxyJudgement.ts"
import { openQuarantine } from "../Quarantine.ts"
import { makeSwappableHandler } from "../reload/SwappableHandler.ts"
import { buildWiring, type WiringContext } from "../reload/Wiring.ts"
import { resolveSettings } from "../Settings.ts"
import { ensureDirectory } from "../StartupChecks.ts"
import { NOTHING_SWEPT, sweepLeftovers } from "../StartupSweep.ts"
import * as Runner from "./Runner.ts"
import { openSharedState, sharedStateSettings } from "../SharedState.ts"
import { watchRedis } from "../StateStores.ts"
import {
  GatewayMetrics,
  Input,
  Logger,
  MailPath,
  QuarantineService,
  SharedStateService,
  Started,
  type StartInput
} from "./Services.ts"

/** The error as thrown, unwrapped: its type decides the exit code. */
export const attempt = <A>(f: () => Promise<A>): Effect.Effect<A, unknown> =>
  Effect.tryPromise({ try: f, catch: (e) => e })

/** Opens with `open`, closes with `close` when the scope closes (`failed`: the start failed). */
export const resource = <A>(open: () => Promise<A>, close: (a: A, failed: boolean) => Promise<unknown>) =>
  Effect.gen(function* () {
    const logger = yield* Logger
    return yield* Effect.acquireRelease(attempt(open), (a, exit) =>
      Effect.promise(() =>
        close(a, Exit.isFailure(exit)).catch((error: unknown) => logger.error("close_failed", { error: String(error) }))
      )
    )
  })

export type GatewayInput = Omit<StartInput, "settings" | "spoolDir">

export const input = (given: GatewayInput) =>
  Layer.effect(
    Input,
    Effect.try({ try: () => resolveSettings(given.config, given.base), catch: (e) => e }).pipe(
      Effect.map((settings): StartInput => ({ ...given, settings, spoolDir: join(settings.dataDir, "spool") }))
    )
  )

/** The caller's logger, or one writing each line to `log` (from `logLevel`, default every line; formatted per `log.format`), or none. */
export const logger = Layer.effect(
  Logger,
  Effect.gen(function* () {
    const i = yield* Input
    const clock = yield* Clock.Clock
    if (i.logger !== undefined) return i.logger
    if (i.log === undefined) return Log.silent
    return Log.make({ level: i.logLevel ?? "debug", format: i.settings.config.log.format }, i.log, () =>
      clock.currentTimeMillisUnsafe()
    )
  })
)

/** Effect's logger is the gateway's: `Effect.log*` of every module lands in the same lines. */
export const effectLogger = Layer.unwrap(
  Effect.gen(function* () {
    const l = yield* Logger
    return EffectLogger.layer([l.effectLogger])
  })
)

/** Data, spool and quarantine directories exist; crash leftovers are swept (unless `sweep: false`). */
export const started = Layer.effect(
  Started,
  Effect.gen(function* () {
    const i = yield* Input
    const { settings, spoolDir } = i
    const at = yield* Clock.currentTimeMillis
    yield* attempt(async () => {
      await ensureDirectory(settings.dataDir, "dataDir")
      await ensureDirectory(spoolDir, "dataDir")
      if (settings.config.state.backend !== "redis")
        await ensureDirectory(
          settings.quarantine.path,
          settings.config.quarantine.path === undefined ? "dataDir" : "quarantine.path"
        )
    })
    const swept = i.sweep === false ? NOTHING_SWEPT : yield* attempt(() => sweepLeftovers(settings, spoolDir))
    return { swept, at }
  })
)

/**
 * The shared state, after the process's Redis connection (state.backend: redis) is held for the
 * gateway's life with its changes logged: the shared lists are loaded before anything listens.
 */
export const sharedState = Layer.effect(
  SharedStateService,
  Effect.gen(function* () {
    const { settings, base } = yield* Input
    const log = yield* Logger
    yield* resource(
      async () => watchRedis(settings.state, log),
      (w) => w.close()
    )
    return yield* resource(
      () => openSharedState(sharedStateSettings(settings, base), log),
      (s) => s.close()
    )
  })
)

export const quarantine = Layer.effect(
  QuarantineService,
  Effect.gen(function* () {
    const { settings } = yield* Input
    return yield* resource(
      async () => openQuarantine({ path: settings.quarantine.path, state: settings.state }),
      (q) => q.close()
    )
  })
)

export const wiringContext = Effect.gen(function* () {
  const i = yield* Input
  const clock = yield* Clock.Clock
  const services = yield* Effect.context<never>()
  const context: WiringContext = {
    base: i.base,
    logger: yield* Logger,
    now: () => clock.currentTimeMillisUnsafe(),
    runner: (loggers) => Runner.make(services, loggers),
    quarantine: yield* QuarantineService,
    metrics: yield* GatewayMetrics,
    evaluate: i.evaluate,
    shared: yield* SharedStateService,
    proxiesTagSpam: proxiesTagSpam(i.settings.config)
  }
  return context
})

/** Before anything listens: a plugin problem refuses the start. The handler owns every wiring a reload installs. */
export const mailPath = Layer.effect(
  MailPath,
  Effect.gen(function* () {
    const { settings } = yield* Input
    const context = yield* wiringContext
    return yield* resource(
      async () => makeSwappableHandler(await buildWiring(settings, context), context.logger),
      (w) => w.close()
    )
  })
)

export const metrics = Layer.sync(GatewayMetrics, () => new Metrics())
