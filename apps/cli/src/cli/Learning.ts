/**
 * Incremental learning from quarantine decisions: `release` teaches ham, `confirm` spam. The
 * gateway's learning (`learnMessage`: shared Redis counts, a configured model file, or nothing
 * with the bundled model), applied to a quarantined message.
 *
 * @since 0.1.0
 */
import type { QuarantineStoredMessage } from "@mailmoat/core"
import type { LoadedConfig } from "./Config.ts"

/** Returns a short note of what was learned (or why not). */
export const learnFromQuarantine = async (
  config: LoadedConfig,
  entry: QuarantineStoredMessage,
  label: "ham" | "spam"
): Promise<string> => {
  // Loaded on use: the classifier (and @mailmoat/antispam) only when something is learned.
  const { collect, learnMessage } = await import("@mailmoat/gateway")
  return learnMessage(config.config, config.base, await collect(entry.stream()), label)
}
