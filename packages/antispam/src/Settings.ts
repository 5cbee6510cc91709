/**
 * The `antispam` configuration section as the antispam profiles consume it. Its schema (keys,
 * formats, documentation and every default) is composed from the stage folders' options
 * (`config/AntispamSection.ts`); this module only decodes a caller's object through it, so
 * tests, the CLI and the gateway all get the same defaults from one declaration.
 *
 * @category models
 * @since 0.1.0
 */
import { AntispamConfigError } from "./config/AntispamConfigError.ts"
import type { AntispamSection } from "./config/AntispamSection.ts"
import * as GatewayConfig from "./config/GatewayConfig.ts"

export type OnSpam = GatewayConfig.AntispamConfig["onSpam"]

/** The section as written in a configuration file: every key optional. */
export type AntispamInput = AntispamSection["Encoded"]

/** The decoded section: every default filled in. */
export type AntispamSettings = GatewayConfig.AntispamConfig

/** Decodes the section; throws an `AntispamConfigError` naming every bad path (`antispam.rbl.timeoutSeconds: ...`). */
export const resolve = (input: AntispamInput | AntispamSettings = {}): AntispamSettings => {
  const decoded = GatewayConfig.decode({ antispam: input })
  if (!decoded.ok) throw new AntispamConfigError(decoded.problems)
  return decoded.config.antispam
}
