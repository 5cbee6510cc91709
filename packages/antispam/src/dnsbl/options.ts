/**
 * `antispam.dnsbl`: the lists for IPs and domains found in the body, their deadline and limits.
 *
 * @category models
 * @since 0.1.0
 */
import { GatewayConfig } from "@mailmoat/core"
import { Schema } from "effect"
import { seconds, zones } from "../stages/OptionFields.ts"

const { doc, int, section, withDefault } = GatewayConfig.Fields

export const options = {
  dnsbl: Schema.Struct({
    servers: zones.pipe(doc("DNSBL zones for IPs and domains found in the body."), withDefault([])),
    timeoutSeconds: seconds.pipe(doc("Per-list deadline in seconds; 0 = none."), withDefault(5)),
    maxAddresses: int(0).pipe(doc("Most body IPs checked; 0 = unlimited."), withDefault(10)),
    maxDomains: int(0).pipe(doc("Most body domains checked; 0 = unlimited."), withDefault(20))
  }).pipe(section)
}
