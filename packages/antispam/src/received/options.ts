/**
 * `antispam.received`: how far the Received chain is followed and whose headers are believed
 * (the chain analysis is shared by every stage that needs the sender's IP). No stage of its own.
 *
 * @category models
 * @since 0.1.0
 */
import { GatewayConfig } from "@mailmoat/core"
import { Schema } from "effect"
import { define } from "../stages/Builtin.ts"
import { networks } from "../stages/OptionFields.ts"

const { doc, int, section, withDefault } = GatewayConfig.Fields

export const options = {
  received: Schema.Struct({
    maxIps: int(0).pipe(doc("Received-header IPs checked: 0 = only the last identified sender."), withDefault(0)),
    trustedNetworks: networks.pipe(doc("Our own relays: their Received headers are believed."), withDefault([]))
  }).pipe(section)
}

export const builtin = define({ options })
