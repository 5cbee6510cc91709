// The configuration codec the core tests decode with: core's sections, the policy's antispam
// keys and one stage-like contribution (`antispam.lists`: a nested section with a list of zones,
// a list of networks, a boolean and a number). The built-in stages' keys are tested in
// @mailmoat/antispam, which composes them.
import { Schema } from "effect"
import { doc, list, number, section, string, withDefault, boolean } from "../../../src/config/Fields.ts"
import { isNetwork, isZoneSpec } from "../../../src/config/Formats.ts"
import * as Config from "../../../src/config/index.ts"

const lists = {
  options: {
    lists: Schema.Struct({
      enabled: boolean.pipe(doc("Check the lists."), withDefault(false)),
      servers: list(string("a DNS zone", isZoneSpec), "a list of DNS zones").pipe(doc("Zones."), withDefault([])),
      allowedIps: list(string("an IP address or CIDR range", isNetwork), "a list of IP addresses or CIDR ranges").pipe(
        doc("Never checked."),
        withDefault([])
      ),
      timeoutSeconds: number(0).pipe(doc("Per-list deadline."), withDefault(5))
    }).pipe(section)
  }
}

export const GatewayConfig = Config.make(Config.composeAntispam([lists]))
