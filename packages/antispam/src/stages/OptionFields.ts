/**
 * Value schemas several stage folders' options share (networks, DNS zones, seconds), built on
 * core's configuration builders so problems read the same everywhere.
 *
 * @category constructors
 * @since 0.1.0
 */
import { GatewayConfig } from "@mailmoat/core"

const { list, number, string } = GatewayConfig.Fields
const { isNetwork, isZoneSpec } = GatewayConfig.Formats

export const networks = list(string("an IP address or CIDR range", isNetwork), "a list of IP addresses or CIDR ranges")

export const zones = list(
  string("a DNS zone, optionally with :127.x.y.z (e.g. zen.example:127.0.0.4)", isZoneSpec),
  "a list of DNS zones"
)

export const seconds = number(0)
