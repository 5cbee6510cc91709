/**
 * From what the phases decided and what the policy concluded to one outcome per recipient.
 *
 * | decision | verdict | action | rule |
 * | --- | --- | --- | --- |
 * | Bypass (stage) | `ham`, `decidedBy` | deliver with verdict headers ("bypass") | `bypass: <rule> (<reason>)` |
 * | Accept (stage) | `ham`, `decidedBy` | deliver with verdict headers | `<stage>: <reason>` |
 * | Reject (stage) | as scored, `decidedBy` | reject | `<stage>: reject (<reason>)` |
 * | Tempfail (stage) | as scored, `decidedBy` | tempfail | `<stage>: tempfail (<reason>)` |
 * | none | the policy's (the recipient's cut-off when it has one) | `onSpam` (the recipient's when it has one) for spam, else deliver with verdict headers | `policy: <class>[ onSpam=<action>][ (<recipient policy's source>)]` |
 *
 * @category models
 * @since 0.1.0
 */
import * as A from "../Action.ts"
import type { RecipientOutcome } from "../Evaluation.ts"
import * as Policy from "../policy/Policy.ts"
import type { Decision, HeaderChange } from "../Stage.ts"
import type { SymbolHit } from "../SymbolHit.ts"
import type { StageTrace, Verdict } from "../Verdict.ts"

export type Terminal = Exclude<Decision, { _tag: "Continue" }>

/** A terminal decision and the stage that made it. */
export interface Decided {
  readonly stage: string
  readonly decision: Terminal
  /** Symbols that belong to this decision's recipient only. */
  readonly symbols?: ReadonlyArray<SymbolHit> | undefined
}

/** Refusals win over bypasses: a recipient refused at RCPT never gets the message. */
export const isRefusal = (d: Decided | undefined): boolean =>
  d !== undefined && (d.decision._tag === "Reject" || d.decision._tag === "Tempfail")

/** `policy: <class>[ onSpam=<action>][ (<source>)]`: `source` names a recipient's own policy. */
export const policyRule = (verdict: Verdict, options: Policy.PolicyOptions, source?: string): string =>
  `policy: ${verdict.class}${verdict.class === "spam" ? ` onSpam=${options.onSpam ?? Policy.defaults.onSpam}` : ""}${source === undefined ? "" : ` (${source})`}`

const ruleOf = (d: Decided): string => {
  switch (d.decision._tag) {
    case "Bypass":
      return `bypass: ${d.decision.rule} (${d.decision.reason})`
    case "Accept":
      return `${d.stage}: ${d.decision.reason}`
    case "Reject":
      return `${d.stage}: reject (${d.decision.reason})`
    case "Tempfail":
      return `${d.stage}: tempfail (${d.decision.reason})`
  }
}

/** Adds stage header changes to a delivery. */
export const withChanges = (action: A.Action, changes: ReadonlyArray<HeaderChange>): A.Action =>
  action._tag === "Deliver" && changes.length > 0
    ? A.deliver(action.addHeaders, action.subjectPrefix, [...(action.changes ?? []), ...changes])
    : action

/** The outcome of a recipient some stage decided for. */
export const decided = (
  recipient: string,
  d: Decided,
  traces: ReadonlyArray<StageTrace>,
  options: Policy.PolicyOptions,
  changes: ReadonlyArray<HeaderChange>
): RecipientOutcome => {
  const rule = ruleOf(d)
  const scored = Policy.verdictOf(traces, d.symbols ?? [], options)
  const tag = d.decision._tag
  const verdict: Verdict = {
    ...scored,
    class: tag === "Bypass" || tag === "Accept" ? "ham" : scored.class,
    decidedBy: { stage: d.stage, decision: tag, reason: tag === "Bypass" ? rule : d.decision.reason }
  }
  const action =
    tag === "Reject"
      ? A.reject(d.decision.reason)
      : tag === "Tempfail"
        ? A.tempfail(d.decision.reason)
        : A.deliver(Policy.verdictHeaders(verdict, rule))
  return { recipient, verdict, action: withChanges(action, changes), rule }
}

/** The outcome of a scanned recipient from the (adjusted) verdict. */
export const scanned = (
  recipient: string,
  verdict: Verdict,
  rule: string,
  options: Policy.PolicyOptions,
  changes: ReadonlyArray<HeaderChange>
): RecipientOutcome => ({
  recipient,
  verdict,
  action: withChanges(Policy.actionOf(verdict, options, rule), changes),
  rule
})

/** A verdict step's enforced policy: `Reject` replaces any action, `Quarantine` a delivery. */
export const enforced = (
  outcome: RecipientOutcome,
  e: { readonly action: "Reject" | "Quarantine"; readonly reason: string; readonly rule: string }
): RecipientOutcome =>
  e.action === "Reject"
    ? { ...outcome, action: A.reject(e.reason), rule: e.rule }
    : outcome.action._tag === "Deliver"
      ? { ...outcome, action: A.quarantine(e.reason), rule: e.rule }
      : outcome

/** Every recipient delivered unscanned (scanning switched off). */
export const unscanned = (recipients: ReadonlyArray<string>, rule: string): ReadonlyArray<RecipientOutcome> => {
  const verdict: Verdict = { class: "ham", score: 0, symbols: [], trace: [] }
  return recipients.map((recipient) => ({ recipient, verdict, action: A.deliver(), rule }))
}

/** Every recipient answered temporarily: the engine itself failed (a bug); the sender retries. */
export const failed = (
  recipients: ReadonlyArray<string>,
  extra: ReadonlyArray<SymbolHit> = []
): ReadonlyArray<RecipientOutcome> => {
  const verdict: Verdict = { class: "unsure", score: 0, symbols: extra, trace: [] }
  return recipients.map((recipient) => ({
    recipient,
    verdict,
    action: A.tempfail("message could not be checked"),
    rule: "module failure"
  }))
}
