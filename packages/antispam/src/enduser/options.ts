/**
 * `antispam.endUserBlocklist`: senders that are not mail servers, against local entries and
 * end-user DNS zones.
 *
 * @category models
 * @since 0.1.0
 */
import { GatewayConfig } from "@mailmoat/core"
import { Schema } from "effect"
import { zones } from "../stages/OptionFields.ts"

const { boolean, doc, list, section, string, withDefault } = GatewayConfig.Fields

const entry = string("an IP, CIDR range, mail address or domain", GatewayConfig.Formats.isEndUserEntry)

export const options = {
  endUserBlocklist: Schema.Struct({
    enabled: boolean.pipe(
      doc("Check senders that are not mail servers against the end-user blocklist."),
      withDefault(true)
    ),
    entries: list(entry, "a list of IPs, CIDR ranges, mail addresses or domains").pipe(
      doc("Local end-user list entries."),
      withDefault([])
    ),
    zones: zones.pipe(doc("End-user DNS zones queried for the sending IP."), withDefault([]))
  }).pipe(section)
}
