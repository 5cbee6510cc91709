/**
 * The bypass rules, as one table of decisions (P9), in the order they are tried:
 *
 * | rule | scope | when |
 * | --- | --- | --- |
 * | `allowedIps` | every recipient | client IP in `bypass.allowedIps` (compiled CIDR set) |
 * | `session` | every recipient | session authenticated, bypass flag set by the trusted relay, `acceptSessionBypass: true` |
 * | `recipient` | that recipient | directory entry has `bypassAntispam: true` |
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

export interface ConnectDecision {
  readonly hit?: BypassHit | undefined
  /** Observations that did not bypass (e.g. session flag ignored). */
  readonly notes: ReadonlyArray<string>
}

/** Message-wide rules: allowed IPs, then the session flag. */
export const connect = (envelope: Envelope.Envelope, allowed: CidrSet, acceptSessionBypass: boolean): ConnectDecision => {
  const net = allowed.match(envelope.clientAddress)
  if (net) return { hit: { rule: "allowedIps", symbol: "BYPASS_ALLOWED_IP", reason: `client ${envelope.clientAddress} in allowedIps ${net.text}` }, notes: [] }
  const flagged = envelope.sessionFlags.has("bypassAntispam")
  if (flagged && envelope.authenticatedUser !== undefined) {
    if (acceptSessionBypass) {
      return { hit: { rule: "session", symbol: "BYPASS_SESSION", reason: `authenticated relay session (${envelope.authenticatedUser}) set the bypass flag` }, notes: [] }
    }
    return { notes: ["session bypass flag ignored: acceptSessionBypass is false"] }
  }
  if (flagged) return { notes: ["session bypass flag ignored: session not authenticated"] }
  return { notes: [] }
}

/** Per-recipient rule from the directory's `bypassAntispam` flag. */
export const recipient = (directory: Directory | undefined, rcpt: string): BypassHit | undefined =>
  directory?.get(rcpt)?.bypassAntispam ? { rule: "recipient", symbol: "BYPASS_RECIPIENT", reason: `recipient ${rcpt} has bypassAntispam` } : undefined

/** The safe-sender entry matching `sender` for this recipient, if any (authentication is checked by the caller). */
export const safeSenderMatch = (directory: Directory | undefined, rcpt: string, sender: string): string | undefined => {
  const entry = directory?.get(rcpt)
  return entry ? isSafeSender(entry, sender) : undefined
}
