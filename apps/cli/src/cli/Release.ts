/**
 * Re-injects a quarantined message where the gateway would have delivered it, with the original
 * envelope: the gateway's own re-injection (downstream or Maildir) with the settings of this
 * configuration.
 *
 * @since 0.1.0
 */
import type { QuarantineStoredMessage } from "@mailmoat/core"
import { gatewaySettings, type LoadedConfig } from "./Config.ts"

export interface ReleaseResult {
  readonly destination: string
  readonly accepted: ReadonlyArray<string>
  readonly refused: ReadonlyArray<{ readonly recipient: string; readonly reply: string }>
}

export const release = async (config: LoadedConfig, entry: QuarantineStoredMessage): Promise<ReleaseResult> => {
  const settings = await gatewaySettings(config)
  const { reinject } = await import("@mailmoat/gateway")
  return reinject(settings.delivery, settings.smtp.hostname, entry)
}
