/**
 * Opens the quarantine the configuration names (the same one the gateway writes): the embedded
 * file store under `quarantine.path` (default `<dataDir>/quarantine`), or the Redis store when
 * `state.backend: redis` (keys under `{<state.keyPrefix>quarantine}:`).
 *
 * @since 0.1.0
 */
import type { QuarantineStoreShape } from "@mailmoat/core"
import { type LoadedConfig, stateSettings } from "./Config.ts"

export const openQuarantine = async (config: LoadedConfig): Promise<QuarantineStoreShape> => {
  const state = stateSettings(config)
  // Loaded on use: the gateway (with the Redis client) is the heaviest import of the CLI.
  const { StateStores } = await import("@mailmoat/gateway")
  return StateStores.quarantineStore(config.quarantinePath, state)
}
