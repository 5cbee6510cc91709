/**
 * The `antispam` configuration section of the built-in stages: core's policy keys plus the
 * options every built-in folder declares (`StageSets.BUILTINS`). Each default is declared once,
 * in the folder that owns the key.
 *
 * @category models
 * @since 0.1.0
 */
import { GatewayConfig } from "@mailmoat/core"
import { BUILTINS } from "../stages/StageSets.ts"

export const AntispamSection = GatewayConfig.composeAntispam(BUILTINS)

export type AntispamSection = typeof AntispamSection
