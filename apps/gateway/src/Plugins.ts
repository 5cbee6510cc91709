/**
 * The gateway's plugins: `plugins: [{ use, options }]` from the configuration, loaded with
 * core's `Plugins.load` (paths and packages resolved from the configuration file's directory)
 * before anything listens. Their blocklist providers go to the antispam module's plugin-lists
 * stage, their stages join the engine's built-in ones (the same kind of value), whatever their
 * phase.
 *
 * **Gotchas**
 * - Any problem (cannot resolve, not a plugin, wrong SDK API version, bad options, setup failed,
 *   bad provider/stage shape) refuses the whole start: `PluginLoadError` lists every problem
 *   with its config path, one per line (`plugins[0] (./x).options.url: ...`); `main` prints
 *   them like configuration errors and exits 2. Plugins that did load are closed first.
 * - Connect-, mail- and rcpt-phase stages run while the SMTP session goes on, when a client
 *   connects, at MAIL FROM and at each RCPT TO (`SessionPhases.ts`), so they can refuse a
 *   connection or a recipient; data-phase stages run with the built-in data stages.
 *
 * @category services
 * @since 0.1.0
 */
import type { GatewayLog } from "./Log.ts"
import type { GatewayConfig } from "@mailmoat/antispam"
import type { BlocklistProvider, Stage } from "@mailmoat/core"
import { Plugins } from "@mailmoat/core"
import { PluginResolve } from "@mailmoat/platform-node"

/** The configuration named plugins that cannot be used; `problems` has one line per problem. */
export class PluginLoadError extends Error {
  override readonly name = "PluginLoadError"
  constructor(readonly problems: ReadonlyArray<string>) {
    super(problems.join("\n"))
  }
}

export interface LoadedPlugins {
  readonly providers: ReadonlyArray<BlocklistProvider>
  /** Every plugin stage, of every phase (the engine runs them with the built-in ones). */
  readonly stages: ReadonlyArray<Stage>
  /** For `/status` (`modules.plugins`). */
  readonly status: () => ReadonlyArray<Readonly<Record<string, unknown>>>
  /** Closes every plugin (idempotent, never rejects). */
  readonly close: () => Promise<void>
}

export interface LoadPluginsOptions {
  /** The configuration file's directory. */
  readonly baseDir: string
  readonly logger: GatewayLog
  /** Longest a plugin's setup may take (default: the loader's 10 s). */
  readonly setupTimeoutMillis?: number | undefined
}

/** Loads the configured plugins; rejects with `PluginLoadError` when any of them has a problem. */
export const loadPlugins = async (
  specs: ReadonlyArray<GatewayConfig.PluginConfig>,
  options: LoadPluginsOptions
): Promise<LoadedPlugins> => {
  // The resolver reports free text (what it found, what it could not use).
  const loaded = await PluginResolve.loadPlugins(specs, {
    baseDir: options.baseDir,
    log: options.logger.lines("info"),
    setupTimeoutMillis: options.setupTimeoutMillis
  })
  if (loaded.problems.length > 0) {
    await loaded.close()
    throw new PluginLoadError(loaded.problems.map(Plugins.formatProblem))
  }
  for (const p of loaded.plugins) {
    options.logger.info("plugin_loaded", {
      plugin: p.name,
      use: p.use,
      providers: p.providers.map((x) => x.name).join(","),
      stages: p.stages.map((s) => s.name).join(",")
    })
  }
  const status = loaded.plugins.map((p) =>
    Object.freeze({
      use: p.use,
      name: p.name,
      providers: p.providers.map((x) => ({ name: x.name, kinds: x.kinds, timeoutMillis: x.timeoutMillis })),
      stages: p.stages.map((s) => ({ name: s.name, phase: s.phase }))
    })
  )
  return {
    providers: loaded.providers,
    stages: loaded.stages,
    status: () => status,
    close: loaded.close
  }
}
