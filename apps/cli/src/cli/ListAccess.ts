/**
 * The imported lists as every command reads them: the files under `<dataDir>/lists`, or with
 * `state.backend: redis` the fleet's shared copy in Redis, where the gateways and the admin API
 * keep them. `lists import|export`, `check` and `scan` all open them here, so what a command
 * reports is what the gateway applies. `close` releases the Redis connection when done.
 *
 * @since 0.1.0
 */
import type { ListDocumentsShape } from "@mailmoat/core"
import { FileListDocuments } from "@mailmoat/platform-node"
import { type LoadedConfig, listsDir } from "./Config.ts"

export interface OpenedLists {
  readonly documents: ListDocumentsShape
  /** Where they are, for messages: the directory, or `redis (prefix …)`. */
  readonly where: string
  readonly close: () => Promise<void>
}

export const openLists = async (config: LoadedConfig): Promise<OpenedLists> => {
  if (config.config.state.backend !== "redis") {
    // Files need no gateway module: a command without plugins never loads it.
    const dir = listsDir(config)
    return { documents: FileListDocuments.make(dir), where: dir, close: async () => {} }
  }
  const { SharedState, StateStores } = await import("@mailmoat/gateway")
  return SharedState.openListDocuments(StateStores.stateSettings(config.config.state, config.base), config.dataDir)
}
