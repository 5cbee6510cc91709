/**
 * The gateway's composition root (`wire` from `@mailmoat/gateway`) for the commands that judge
 * mail (`scan`, `check`, `config validate`): the same plugins, state stores, lists, recipient
 * directory and classifier as the running gateway, without listeners; with `state.backend:
 * redis` the lists, directory and DNS answer cache are the fleet's, read from Redis. The gateway's typed
 * start-up errors (`ConfigError`, `PluginLoadError`, `StartupError`) become an `InputError` with
 * one line per problem (exit 2); anything else is not a configuration problem and goes on as it
 * is (an internal error).
 *
 * @since 0.1.0
 */
import { now } from "./Time.ts"
import type { Wiring } from "@mailmoat/gateway"
import { gatewaySettings, type LoadedConfig } from "./Config.ts"
import { InputError } from "./Errors.ts"
import { warn } from "./Io.ts"

export interface WireOptions {
  readonly verbose?: boolean | undefined
  /** Load the plugins only (no antispam module): `config validate`. */
  readonly pluginsOnly?: boolean | undefined
}

export const wireEngine = async (config: LoadedConfig, options: WireOptions = {}): Promise<Wiring> => {
  const settings = await gatewaySettings(config)
  const { ConfigError, Log, PluginLoadError, SharedState, StartupError, wire } = await import("@mailmoat/gateway")
  // --verbose: what loaded and what failed, on stderr; else only warnings (e.g. Redis's lists
  // could not be read: the verdict is then not the fleet's).
  const logger = Log.make({ level: options.verbose ? "debug" : "warn", format: "text" }, (line) => warn(line), now)
  // With `state.backend: redis` the fleet's lists, recipient directory and DNS answers are in
  // Redis: the verdict is the gateway's only if they are read from there too.
  const shared =
    options.pluginsOnly !== true && settings.state.backend === "redis"
      ? await SharedState.openSharedState(SharedState.sharedStateSettings(settings, config.base), logger)
      : undefined
  try {
    const wiring = await wire(config.config, {
      base: config.base,
      dataDir: settings.dataDir,
      antispam: settings.antispam,
      logger,
      withoutProtection: options.pluginsOnly,
      evenWhenOff: true,
      healthIntervalMillis: 0,
      judgeOnly: true,
      shared
    })
    return shared === undefined
      ? wiring
      : {
          ...wiring,
          close: async () => {
            await wiring.close()
            await shared.close()
          }
        }
  } catch (e) {
    await shared?.close()
    const heading = `mailmoat: invalid configuration${config.file ? ` ${config.file}` : ""}:`
    if (e instanceof PluginLoadError || e instanceof ConfigError) throw new InputError(e.problems, heading)
    if (e instanceof StartupError) throw new InputError([e.message], heading)
    throw e
  }
}

/** What the classifier runs on, for the scan report (from the protection's status). */
export const classifierNote = (status: Readonly<Record<string, unknown>>): string | undefined => {
  const c = status.classifier
  if (typeof c === "string") return c
  const model = (c as { model?: unknown } | undefined)?.model
  return typeof model === "string" ? `model ${model}` : undefined
}
