/**
 * The gateway configuration of the built-in stage set: core's configuration codec made with the
 * built-in `antispam` section (`AntispamSection.ts`). The gateway, the CLI and the tests decode
 * through this; the keys, formats and defaults of every other section are core's.
 *
 * ```ts
 * const loaded = GatewayConfig.decodeText(text, { source: "mailmoat.yaml", env })
 * if (!loaded.ok) for (const p of loaded.problems) console.error(`mailmoat: config: ${p}`)
 * ```
 *
 * @since 0.1.0
 */
import { type ConfigCodec, type ConfigDecoded, type ConfigOf, GatewayConfig as Core } from "@mailmoat/core"
import { AntispamSection } from "./AntispamSection.ts"

/** The decoded configuration: every default filled in. */
export type Config = ConfigOf<AntispamSection>
export type AntispamConfig = Config["antispam"]
export type Decoded = ConfigDecoded<Config>
export type AdminConfig = Core.AdminConfig
export type ClassifierConfig = Core.ClassifierConfig
export type DeliveryConfig = Core.DeliveryConfig
export type LogConfig = Core.LogConfig
export type PluginConfig = Core.PluginConfig
export type ProtocolsConfig = Core.ProtocolsConfig
export type QuarantineConfig = Core.QuarantineConfig
export type SmtpConfig = Core.SmtpConfig
export type StateConfig = Core.StateConfig
export type TextOptions = Core.TextOptions

export const codec: ConfigCodec<Config> = Core.make(AntispamSection)

export const { schema, decode, decodeText, unreadable, defaults, defaultsYaml } = codec
export const ENV_PREFIX = Core.ENV_PREFIX
