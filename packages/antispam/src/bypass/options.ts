/**
 * `antispam.bypass`: who skips antispam (servers, trusted sessions, directory entries, safe
 * senders); `antispam.recipientDelimiter`: how the directory and the end-user blocklist read a
 * sub-address (`SubAddress.ts`).
 *
 * @category models
 * @since 0.1.0
 */
import { GatewayConfig } from "@mailmoat/core"
import { Schema } from "effect"
import { networks } from "../stages/OptionFields.ts"
import * as SubAddress from "./SubAddress.ts"

const { boolean, doc, optional, path, section, string, withDefault } = GatewayConfig.Fields

export const options = {
  recipientDelimiter: string(
    `a set of sub-address delimiter characters from ${SubAddress.DELIMITER_CHARACTERS} (empty = no sub-addresses)`,
    SubAddress.isDelimiterSet
  ).pipe(
    doc(
      "Sub-address delimiters, as Postfix's recipient_delimiter: ceo+news@ takes ceo@'s directory entry (bypass, safe senders, policy) and end-user blocklist entry. One or more characters (+, -, +-); empty = off.",
      "-"
    ),
    withDefault(SubAddress.DEFAULT_DELIMITER)
  ),
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
