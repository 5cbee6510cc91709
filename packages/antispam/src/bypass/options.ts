/**
 * `antispam.bypass`: who skips antispam (servers, trusted sessions, directory entries, safe
 * senders).
 *
 * @category models
 * @since 0.1.0
 */
import { GatewayConfig } from "@mailmoat/core"
import { Schema } from "effect"
import { networks } from "../stages/OptionFields.ts"

const { boolean, doc, optional, path, section, withDefault } = GatewayConfig.Fields

export const options = {
  bypass: Schema.Struct({
    allowedIps: networks.pipe(doc("Mail from these servers skips antispam for every recipient."), withDefault([])),
    acceptSessionBypass: boolean.pipe(
      doc("Honour the bypass flag set by an authenticated session from a trusted relay."),
      withDefault(true)
    ),
    directory: path.pipe(
      doc(
        "Recipient directory (YAML): per recipient or @domain bypassAntispam, safeSenders, onSpam, spamScore and subjectPrefix.",
        "./recipients.yaml"
      ),
      optional
    ),
    safeSendersRequireAuth: boolean.pipe(
      doc("A safe sender applies only when the From domain passes aligned SPF or DKIM."),
      withDefault(true)
    )
  }).pipe(section)
}
