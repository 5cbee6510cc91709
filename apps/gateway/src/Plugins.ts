/**
 * The gateway's plugins: `plugins: [{ use, options }]` from the configuration, loaded with
 * core's `Plugins.load` (paths and packages resolved from the configuration file's directory)
 * before anything listens. Their blocklist providers go to the antispam module's plugin-lists
 * stage, their data-phase stages run with the module's other data stages.
 *
 * **Gotchas**
 * - Any problem (cannot resolve, not a plugin, wrong SDK API version, bad options, setup failed,
 *   bad provider/stage shape) refuses the whole start: `PluginLoadError` lists every problem
 *   with its config path, one per line (`plugins[0] (./x).options.url: ...`); `main` prints
 *   them like configuration errors and exits 2. Plugins that did load are closed first.
 * - Data-phase stages run with the antispam module's data stages; connect-, mail- and rcpt-phase
 *   stages run from the SMTP handler when a client connects, at MAIL FROM and at each RCPT TO
 *   (`SessionStages.ts`), so they can refuse a connection or a recipient.
 *
 * @category services
 * @since 0.1.0
 */
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
  /** Data-phase stages (run by the antispam module). */
  readonly stages: ReadonlyArray<Stage>
  /** Connect-, mail- and rcpt-phase stages (run by the SMTP handler). */
  readonly sessionStages: ReadonlyArray<Stage>
  /** For `/status` (`modules.plugins`). */
  readonly status: () => ReadonlyArray<Readonly<Record<string, unknown>>>
  /** Closes every plugin (idempotent, never rejects). */
  readonly close: () => Promise<void>
}

export interface LoadPluginsOptions {
  /** The configuration file's directory. */
  readonly baseDir: string
  readonly log: (line: string) => void
  /** Longest a plugin's setup may take (default: the loader's 10 s). */
  readonly setupTimeoutMillis?: number | undefined
}

/** Loads the configured plugins; rejects with `PluginLoadError` when any of them has a problem. */
export const loadPlugins = async (specs: ReadonlyArray<GatewayConfig.PluginConfig>, options: LoadPluginsOptions): Promise<LoadedPlugins> => {
  const loaded = await PluginResolve.loadPlugins(specs, { baseDir: options.baseDir, log: options.log, setupTimeoutMillis: options.setupTimeoutMillis })
  if (loaded.problems.length > 0) {
    await loaded.close()
    throw new PluginLoadError(loaded.problems.map(Plugins.formatProblem))
  }
  for (const p of loaded.plugins) {
    options.log(`plugin ${p.name} (${p.use}): providers [${p.providers.map((x) => x.name).join(", ")}], stages [${p.stages.map((s) => s.name).join(", ")}]`)
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
    stages: loaded.stages.filter((s) => s.phase === "data"),
    sessionStages: loaded.stages.filter((s) => s.phase !== "data"),
    status: () => status,
    close: loaded.close
  }
}
