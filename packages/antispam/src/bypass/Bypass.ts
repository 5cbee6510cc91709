/**
 * The bypass rules, as one table of decisions, in the order they are tried:
 *
 * | rule | scope | when |
 * | --- | --- | --- |
 * | `allowedIps` | every recipient | client IP in `bypass.allowedIps` (compiled CIDR set) |
 * | `session` | every recipient | session authenticated, bypass flag set by the trusted relay, `acceptSessionBypass: true` |
 * | `recipient` | that recipient | its directory entry (or its domain's `@domain` entry) has `bypassAntispam: true` |
 * | `safeSender` | that recipient | sender (From, else MAIL FROM) in the recipient's `safeSenders`, From domain authenticated (aligned SPF or DKIM) unless `safeSendersRequireAuth: false` |
 *
 * The gateway sets the session bypass flag only for relays it trusts; this module also
 * requires the session to be authenticated.
 *
 * @category models
 * @since 0.1.0
 */
import type { Envelope } from "@mailmoat/core"
import type { CidrSet } from "../net/CidrSet.ts"
import { type Directory, isSafeSender } from "./RecipientDirectory.ts"

export interface BypassHit {
  readonly rule: "allowedIps" | "session" | "recipient" | "safeSender"
  readonly symbol: "BYPASS_ALLOWED_IP" | "BYPASS_SESSION" | "BYPASS_RECIPIENT" | "BYPASS_SAFE_SENDER"
  readonly reason: string
}

/** Message-wide rule at connect: the client IP is in `allowedIps`. */
export const allowedIp = (envelope: Envelope.Envelope, allowed: CidrSet): BypassHit | undefined => {
  const net = allowed.match(envelope.clientAddress)
  return net
    ? {
        rule: "allowedIps",
        symbol: "BYPASS_ALLOWED_IP",
        reason: `client ${envelope.clientAddress} in allowedIps ${net.text}`
      }
    : undefined
}

/** Message-wide rule at MAIL FROM (after AUTH): the session flag; or why the flag was ignored. */
export const session = (
  envelope: Envelope.Envelope,
  acceptSessionBypass: boolean
): { readonly hit?: BypassHit | undefined; readonly note?: string | undefined } => {
  const flagged = envelope.sessionFlags.has("bypassAntispam")
  if (!flagged) return {}
  if (envelope.authenticatedUser === undefined)
    return { note: "session bypass flag ignored: session not authenticated" }
  if (!acceptSessionBypass) return { note: "session bypass flag ignored: acceptSessionBypass is false" }
  return {
    hit: {
      rule: "session",
      symbol: "BYPASS_SESSION",
      reason: `authenticated relay session (${envelope.authenticatedUser}) set the bypass flag`
    }
  }
}

/** Per-recipient rule from the directory's `bypassAntispam` flag. */
export const recipient = (directory: Directory | undefined, rcpt: string): BypassHit | undefined =>
  directory?.get(rcpt)?.bypassAntispam
    ? { rule: "recipient", symbol: "BYPASS_RECIPIENT", reason: `recipient ${rcpt} has bypassAntispam` }
    : undefined

/**
 * The safe-sender entry matching `sender` for this recipient, if any (authentication is checked
 * by the caller); `delimiters`: `antispam.recipientDelimiter`.
 */
export const safeSenderMatch = (
  directory: Directory | undefined,
  rcpt: string,
  sender: string,
  delimiters: string
): string | undefined => {
  const entry = directory?.get(rcpt)
  return entry ? isSafeSender(entry, sender, delimiters) : undefined
}
