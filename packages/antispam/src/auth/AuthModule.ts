/**
 * Sender authentication as the server antispam module uses it: one authenticator per module,
 * the stage (when `antispam.auth.enabled`), the safe-sender reading of the facts, DMARC
 * enforcement as recipient outcomes, and our `Authentication-Results` header on every
 * delivered outcome of a message whose facts were computed.
 *
 * @category constructors
 * @since 0.1.0
 */
import type { DnsShape, Message, RecipientOutcome, Stage, Verdict } from "@mailmoat/core"
import { Action } from "@mailmoat/core"
import { Effect } from "effect"
import * as SenderAuth from "../bypass/SenderAuth.ts"
import * as CidrSet from "../net/CidrSet.ts"
import type { AuthSettings } from "./AuthSettings.ts"
import * as AuthResultsHeader from "./AuthResultsHeader.ts"
import * as AuthStage from "./AuthStage.ts"
import * as DmarcEnforcement from "./DmarcEnforcement.ts"

export const AUTH_RESULTS = "Authentication-Results"

export interface AuthModuleOptions {
  readonly settings: AuthSettings
  readonly dns: DnsShape
  /** Our authserv-id (`smtp.hostname`). */
  readonly authservId: string
  readonly senderOf: AuthStage.AuthenticatorOptions["senderOf"]
  readonly scores?: Readonly<Record<string, number>> | undefined
}

export interface AuthModule {
  /** The data-phase stage; undefined when `antispam.auth.enabled` is false. */
  readonly stage: Stage | undefined
  /** Safe-sender authentication (runs the shared check when nothing ran it yet). */
  readonly senderAuth: (message: Message) => Effect.Effect<SenderAuth.AuthResult>
  /**
   * Outcomes for `recipients` when DMARC enforcement applies, and a note when it was waived. A
   * refusal replaces any action; a quarantine replaces only a delivery (`current`).
   */
  readonly enforce: (
    message: Message,
    recipients: ReadonlyArray<string>,
    verdict: Verdict,
    current: Action.Action
  ) => { readonly outcomes?: ReadonlyArray<RecipientOutcome> | undefined; readonly note?: string | undefined }
  /** `outcomes` with our Authentication-Results added to every Deliver action (when the facts exist). */
  readonly decorate: (message: Message, outcomes: ReadonlyArray<RecipientOutcome>) => ReadonlyArray<RecipientOutcome>
}

export const make = (options: AuthModuleOptions): AuthModule => {
  const { settings } = options
  const authenticator = AuthStage.makeAuthenticator({
    dns: options.dns,
    timeoutMillis: Math.round(settings.auth.timeoutSeconds * 1000),
    mta: options.authservId,
    senderOf: options.senderOf
  })
  const enforcement: DmarcEnforcement.EnforcementSettings = {
    enforce: settings.dmarc.enforce,
    trustedForwarders: CidrSet.compile(settings.dmarc.trustedForwarders),
    trustedSealers: new Set(settings.arc.trustedSealers)
  }
  const stage = settings.auth.enabled
    ? AuthStage.make({ authenticator, scores: options.scores, budgetMillis: Math.round(settings.auth.timeoutSeconds * 1000) + 2000 })
    : undefined
  return {
    stage,
    senderAuth: (message) => authenticator.facts(message).pipe(Effect.map(SenderAuth.fromFacts)),
    enforce: (message, recipients, verdict, current) => {
      if (!settings.auth.enabled || AuthStage.isSubmission(message)) return {}
      const d = DmarcEnforcement.decide(authenticator.peek(message), enforcement)
      if (d._tag === "None") return { note: d.note }
      if (d._tag === "Quarantine" && current._tag !== "Deliver") return {}
      const action = d._tag === "Reject" ? Action.reject(d.reason) : Action.quarantine(d.reason)
      return { outcomes: recipients.map((recipient) => ({ recipient, verdict, action, rule: `dmarc: ${d.reason}` })) }
    },
    decorate: (message, outcomes) => {
      const facts = settings.auth.enabled && !AuthStage.isSubmission(message) ? authenticator.peek(message) : undefined
      if (facts === undefined) return outcomes
      const header = [AUTH_RESULTS, AuthResultsHeader.format(options.authservId, facts)] as const
      return outcomes.map((o) => (o.action._tag === "Deliver" ? { ...o, action: Action.deliver([header, ...o.action.addHeaders], o.action.subjectPrefix) } : o))
    }
  }
}
