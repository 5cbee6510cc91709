/**
 * `antispam.helo`: the HELO-name check.
 *
 * @category models
 * @since 0.1.0
 */
import { GatewayConfig } from "@mailmoat/core"
import { Schema } from "effect"

const { boolean, doc, section, withDefault } = GatewayConfig.Fields

export const options = {
  helo: Schema.Struct({
    enabled: boolean.pipe(doc("Flag clients whose HELO name is not a fully qualified domain name."), withDefault(false))
  }).pipe(section)
}
