/**
 * The seam between a protocol front end (SMTP gateway, IMAP/POP3 proxy) and a protection module
 * (server antispam, client protection): give it a message, get one outcome per recipient.
 * Recipients may disagree (bypass, safe senders): the front end delivers accordingly (split
 * delivery) in one transaction.
 *
 * @category models
 * @since 0.1.0
 */
import type { Effect } from "effect"
import type { Action } from "./Action.ts"
import type { Message } from "./MessageTypes.ts"
import type { Verdict } from "./Verdict.ts"

export interface RecipientOutcome {
  readonly recipient: string
  readonly verdict: Verdict
  readonly action: Action
  /** Which rule decided, for the trace ("bypass: allowedIps 192.0.2.0/24", "policy: onSpam=quarantine"). */
  readonly rule: string
}

export interface MessageEvaluator {
  /** Never fails: a failing stage is a symbol, a failing module is a `Tempfail` action. */
  readonly evaluate: (message: Message) => Effect.Effect<ReadonlyArray<RecipientOutcome>>
}
