/**
 * Delivery: the durable hand-off of an accepted message, either to a downstream SMTP/LMTP server
 * (our own relay client) or into a local Maildir.
 *
 * @since 0.1.0
 */
export { DeliveryError, type DeliveryErrorReason, toClientReply } from "./DeliveryError.ts"
export {
  type MaildirFile,
  type MaildirFs,
  type MaildirOptions,
  type MaildirResult,
  MaildirDelivery,
  mailboxName,
  uniqueName
} from "./MaildirDelivery.ts"
export { MAILDIR_TMP_MAX_AGE_MS, sweepMaildirTmp } from "./MaildirSweep.ts"
export { type ParsedReply, ReplyParser, type ReplyEvent } from "./ReplyParser.ts"
export {
  type MailParams,
  type RecipientResult,
  type RelayOptions,
  type RelayTimeouts,
  type RelayTlsMode,
  SmtpRelayClient,
  send
} from "./SmtpRelayClient.ts"
