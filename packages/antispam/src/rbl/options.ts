/**
 * `antispam.rbl`: the sender-IP lists, their deadline and limits, and the IPs never sent.
 *
 * @category models
 * @since 0.1.0
 */
import { GatewayConfig } from "@mailmoat/core"
import { Schema } from "effect"
import { networks, seconds, zones } from "../stages/OptionFields.ts"

const { doc, int, section, withDefault } = GatewayConfig.Fields

export const options = {
  rbl: Schema.Struct({
    servers: zones.pipe(doc("RBL zones for the sender IPs: zone or zone:127.0.0.x."), withDefault([])),
    timeoutSeconds: seconds.pipe(doc("Per-list deadline in seconds; 0 = none."), withDefault(5)),
    maxAddresses: int(0).pipe(doc("Most IPs checked per message; 0 = unlimited."), withDefault(0)),
    skip: networks.pipe(doc("IPs never sent to lists."), withDefault(["127.0.0.0/8"]))
  }).pipe(section)
}
