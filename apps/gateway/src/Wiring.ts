/**
 * The one composition root of the engine side: from a decoded configuration to the protection
 * the gateway runs, with the plugins the configuration names, the state stores it picks
 * (embedded or Redis), the imported lists, the recipient directory and the classifier. The
 * gateway adds the listeners on top; `mailmoat scan` / `check` / `config validate` use exactly
 * this (no listeners), so the CLI and the gateway give the same verdict for the same message
 * and configuration.
 *
 * **Gotchas**
 * - A plugin problem rejects with `PluginLoadError` before anything is built; `close` releases
 *   everything that was opened, in reverse order, and never rejects.
 *
 * @category constructors
 * @since 0.1.0
 */
import { hostname as osHostname } from "node:os"
import type { GatewayConfig } from "@mailmoat/antispam"
import { type LoadedPlugins, loadPlugins } from "./Plugins.ts"
import { type Protection, startProtection } from "./Protection.ts"
import type { SharedState } from "./SharedState.ts"
import { stateSettings } from "./StateStores.ts"

export interface WiringOptions {
  /** Directory relative paths and plugin names are resolved from (the configuration file's). */
  readonly base: string
  /** `dataDir`, absolute. */
  readonly dataDir: string
  /** The `antispam` section as resolved by the gateway settings (paths absolute). */
  readonly antispam?: GatewayConfig.AntispamConfig | undefined
  readonly log: (line: string) => void
  /** Build no protection (antispam off, or the caller evaluates itself); plugins still load. */
  readonly withoutProtection?: boolean | undefined
  /** Build the protection even with `antispam.enabled: false` (`mailmoat scan` explains what it would do). */
  readonly evenWhenOff?: boolean | undefined
  /** How often list health is probed (ms; 0 = never, for one-shot commands). */
  readonly healthIntervalMillis?: number | undefined
  /** The fleet's shared state (the gateway opens it once per process); absent: files and memory. */
  readonly shared?: SharedState | undefined
}

export interface Wiring {
  readonly plugins: LoadedPlugins
  /** Undefined when `antispam.enabled` is false or `withoutProtection` was asked. */
  readonly protection?: Protection | undefined
  readonly close: () => Promise<void>
}

export const wire = async (config: GatewayConfig.Config, options: WiringOptions): Promise<Wiring> => {
  const plugins = await loadPlugins(config.plugins, { baseDir: options.base, log: options.log })
  let protection: Protection | undefined
  try {
    if ((config.antispam.enabled || options.evenWhenOff === true) && options.withoutProtection !== true)
      protection = startProtection(
        {
          dataDir: options.dataDir,
          // Our authserv-id in Authentication-Results: the name the gateway greets with.
          hostname: config.smtp.hostname ?? osHostname(),
          antispam: options.antispam ?? config.antispam,
          classifier: config.classifier,
          state: stateSettings(config.state, options.base),
          providers: plugins.providers,
          stages: plugins.stages,
          healthIntervalMillis: options.healthIntervalMillis,
          shared: options.shared,
          dnsCache: config.state.dnsCache
        },
        options.log
      )
  } catch (error) {
    await plugins.close()
    throw error
  }
  return {
    plugins,
    protection,
    close: async () => {
      await protection?.close()
      await plugins.close()
    }
  }
}
