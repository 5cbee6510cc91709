/**
 * The one composition root of the engine side: from a decoded configuration to the protection
 * the gateway runs, with the plugins the configuration names, the engine's services it picks
 * (`StateStores.layer`: resolver, embedded or Redis stores, imported lists), the recipient
 * directory and the classifier. `layer` is the scoped `EngineWiring` service; the gateway adds
 * the listeners on top; `mailmoat scan` / `check` / `config validate` use exactly this (`wire`:
 * the layer built in a scope of its own, no listeners), so the CLI and the gateway give the same
 * verdict for the same message and configuration.
 *
 * **Gotchas**
 * - A plugin problem fails with `PluginLoadError` before anything is built; weights for symbols
 *   no stage declares (`antispam.scores`) fail with a `ConfigError` naming the key; whatever was
 *   opened is released with the scope, in reverse order (protection, stores, plugins).
 *
 * @category constructors
 * @since 0.1.0
 */
import type { GatewayLog } from "./Log.ts"
import { hostname as osHostname } from "node:os"
import { AntispamConfigError, type GatewayConfig } from "@mailmoat/antispam"
import { Engine } from "@mailmoat/core"
import { Cause, Context, Effect, Exit, Layer, Scope } from "effect"
import { type LoadedPlugins, loadPlugins } from "./Plugins.ts"
import { type Protection, startProtection } from "./Protection.ts"
import { ConfigError } from "./Settings.ts"
import type { SharedState } from "./SharedState.ts"
import type { ReputationMetrics } from "./metrics/ReputationMetrics.ts"
import * as StateStores from "./StateStores.ts"

export interface WiringOptions {
  /** Directory relative paths and plugin names are resolved from (the configuration file's). */
  readonly base: string
  /** `dataDir`, absolute. */
  readonly dataDir: string
  /** The `antispam` section as resolved by the gateway settings (paths absolute). */
  readonly antispam?: GatewayConfig.AntispamConfig | undefined
  /** What loaded and what failed (plugins, lists, stores). */
  readonly logger: GatewayLog
  /** Build no protection (antispam off, or the caller evaluates itself); plugins still load. */
  readonly withoutProtection?: boolean | undefined
  /** Build the protection even with `antispam.enabled: false` (`mailmoat scan` explains what it would do). */
  readonly evenWhenOff?: boolean | undefined
  /** How often list health is probed (ms; 0 = never, for one-shot commands). */
  readonly healthIntervalMillis?: number | undefined
  /** The fleet's shared state (the gateway opens it once per process); absent: files and memory. */
  readonly shared?: SharedState | undefined
  /**
   * A one-shot judgement (`mailmoat scan`, `check`): reputation is read, so the verdict is the
   * gateway's, but the message is not counted (scanning a sample must not change the fleet's history).
   */
  readonly judgeOnly?: boolean | undefined
  /** Counts the message path's reputation store calls (the gateway's `/metrics`). */
  readonly reputationMetrics?: Pick<ReputationMetrics, "counted"> | undefined
}

export interface Wiring {
  readonly plugins: LoadedPlugins
  /** Undefined when `antispam.enabled` is false or `withoutProtection` was asked. */
  readonly protection?: Protection | undefined
  readonly close: () => Promise<void>
}

/** The engine side of one configuration, released with the scope that built it. */
export class EngineWiring extends Context.Service<EngineWiring, Omit<Wiring, "close">>()(
  "@mailmoat/gateway/EngineWiring"
) {}

/** Fails with the error as thrown (a `PluginLoadError`, a `StartupError`), not wrapped. */
const attempt = <A>(f: () => Promise<A>): Effect.Effect<A, unknown> => Effect.tryPromise({ try: f, catch: (e) => e })

/** The problems of a configuration error of the engine or the antispam module, by type. */
const configProblems = (error: unknown): ConfigError | undefined => {
  if (error instanceof AntispamConfigError) return new ConfigError(error.problems)
  if (error instanceof Engine.EngineError) return new ConfigError([`antispam.${error.detail}`])
  return undefined
}

/**
 * The reputation store of a wiring: Redis or the primary's memory, held (a Redis connection
 * handle) until the wiring is released; else the process's memory, which outlives the wiring.
 */
const reputationOf = (
  state: StateStores.StateSettings,
  antispam: GatewayConfig.AntispamConfig,
  shared: SharedState | undefined,
  readOnly: boolean,
  metrics: WiringOptions["reputationMetrics"]
) =>
  Effect.acquireRelease(
    Effect.sync(() => StateStores.reputationStore(state)),
    (held) => Effect.promise(async () => held?.close())
  ).pipe(
    Effect.map((held) => held ?? shared?.reputation?.(antispam.reputation.maxEntries)),
    Effect.map((store) => (store !== undefined && readOnly ? { ...store, record: async () => {} } : store)),
    Effect.map((store) => (store !== undefined && metrics !== undefined ? metrics.counted(store) : store))
  )

export const layer = (config: GatewayConfig.Config, options: WiringOptions): Layer.Layer<EngineWiring, unknown> => {
  const antispam = options.antispam ?? config.antispam
  const wanted = (config.antispam.enabled || options.evenWhenOff === true) && options.withoutProtection !== true
  const build = Effect.gen(function* () {
    const plugins = yield* Effect.acquireRelease(
      attempt(() => loadPlugins(config.plugins, { baseDir: options.base, logger: options.logger })),
      (p) => Effect.promise(() => p.close())
    )
    if (!wanted) return { plugins, protection: undefined }
    // Built in the wiring's scope: the stores stay open until the wiring is released.
    const state = StateStores.stateSettings(config.state, options.base)
    const shared = {
      dnsCache: { limits: config.state.dnsCache, shared: options.shared?.dnsCache },
      lists: options.shared?.lists
    }
    const services = yield* Layer.build(StateStores.layer(state, options.dataDir, antispam.dns, shared))
    const reputation = antispam.reputation.enabled
      ? yield* reputationOf(state, antispam, options.shared, options.judgeOnly === true, options.reputationMetrics)
      : undefined
    const protection = yield* Effect.acquireRelease(
      startProtection(
        {
          dataDir: options.dataDir,
          // Our authserv-id in Authentication-Results: the name the gateway greets with.
          hostname: config.smtp.hostname ?? osHostname(),
          antispam,
          classifier: config.classifier,
          state,
          providers: plugins.providers,
          stages: plugins.stages,
          healthIntervalMillis: options.healthIntervalMillis,
          shared: options.shared,
          reputation
        },
        options.logger
      ).pipe(Effect.provideContext(services)),
      (p) => Effect.promise(() => p.close())
    ).pipe(
      // Configuration problems only the assembly can see (weights for symbols no stage declares)
      // are typed: they become a ConfigError naming their keys; anything else stays as it is.
      Effect.catchDefect((defect) => Effect.fail(configProblems(defect) ?? defect))
    )
    return { plugins, protection }
  })
  return Layer.effect(EngineWiring, build)
}

/** The wiring in a scope of its own (the CLI, a configuration reload); `close` closes that scope. */
export const wire = async (config: GatewayConfig.Config, options: WiringOptions): Promise<Wiring> => {
  const scope = Scope.makeUnsafe("sequential")
  const built = await Effect.runPromiseExit(Layer.buildWithScope(layer(config, options), scope))
  if (Exit.isFailure(built)) {
    await Effect.runPromise(Scope.close(scope, built))
    throw Cause.squash(built.cause)
  }
  let closed: Promise<void> | undefined
  return {
    ...Context.get(built.value, EngineWiring),
    close: () => {
      closed ??= Effect.runPromise(Scope.close(scope, Exit.void))
      return closed
    }
  }
}
