/**
 * `antispam.auth`, `antispam.dmarc`, `antispam.arc`: sender authentication (SPF, DKIM, DMARC,
 * ARC), DMARC enforcement and whose ARC seals exempt a message from it.
 *
 * @category models
 * @since 0.1.0
 */
import { GatewayConfig } from "@mailmoat/core"
import { Schema } from "effect"
import { networks } from "../stages/OptionFields.ts"

const { boolean, doc, list, number, section, string, withDefault } = GatewayConfig.Fields

const domain = string("a domain name", (s) =>
  /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]*\.?$/i.test(s.trim())
)

export const options = {
  auth: Schema.Struct({
    enabled: boolean.pipe(
      doc("Check SPF, DKIM, DMARC and ARC of scanned mail and add Authentication-Results."),
      withDefault(true)
    ),
    timeoutSeconds: number(0.001).pipe(
      doc("Deadline for all of one message's authentication lookups together."),
      withDefault(5)
    )
  }).pipe(section),
  dmarc: Schema.Struct({
    enforce: boolean.pipe(
      doc("Refuse DMARC failures under p=reject (550 5.7.1) and quarantine them under p=quarantine."),
      withDefault(false)
    ),
    trustedForwarders: networks.pipe(
      doc("Mail from these IPs is never refused or quarantined for DMARC."),
      withDefault([])
    )
  }).pipe(section),
  arc: Schema.Struct({
    trustedSealers: list(domain, "a list of domain names").pipe(
      doc("A valid ARC chain last sealed by one of these domains exempts a message from DMARC enforcement."),
      withDefault([])
    )
  }).pipe(section)
}
