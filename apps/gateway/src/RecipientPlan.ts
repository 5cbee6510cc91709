/**
 * Turns the per-recipient outcomes of the evaluator into one plan for the transaction: who gets a
 * delivery (grouped by identical added headers), who is quarantined, who is dropped, and whether
 * the whole message is rejected or temporarily rejected. Pure: no I/O, property-tested.
 *
 * Rules, for one SMTP transaction that can carry only one reply after DATA:
 * - any `Tempfail` (or a recipient without an outcome) => 451 4.7.1 for the whole message and
 *   nothing is executed: the sender retries every recipient, nothing is stored twice.
 * - every recipient `Reject` => 550 5.7.1.
 * - some `Reject`, others accepted => the rejected recipients are quarantined instead (reason
 *   says so): we prefer accept + quarantine over a partial reject, so no recipient is lost and
 *   no bounce is generated, and the admin can still release a false positive.
 * - `Drop` recipients are accepted and nothing is kept for them.
 *
 * @category models
 * @since 0.1.0
 */
import { type Action, type HeaderChange, Quarantine, type RecipientOutcome, type Verdict } from "@mailmoat/core"

export interface DeliverGroup {
  readonly recipients: ReadonlyArray<string>
  readonly addHeaders: ReadonlyArray<readonly [string, string]>
  readonly subjectPrefix?: string | undefined
  /** Header changes the stages asked for (applied at delivery). */
  readonly changes?: ReadonlyArray<HeaderChange> | undefined
}

export interface QuarantineGroup {
  readonly recipients: ReadonlyArray<string>
  readonly reason: string
  /**
   * What the quarantine stores of the verdict (`Quarantine.summarise`): its trace is not kept
   * through the deliveries that go first.
   */
  readonly verdict?: Quarantine.VerdictSummary | undefined
}

/** Why a whole message was refused, when the reply table has its own row for it. */
export type RefusedFor = "virus" | "unscannable"

export type Plan =
  | { readonly _tag: "Tempfail"; readonly reason: string }
  | { readonly _tag: "Reject"; readonly reason: string; readonly refusedFor?: RefusedFor | undefined }
  | {
      readonly _tag: "Accept"
      readonly deliver: ReadonlyArray<DeliverGroup>
      readonly quarantine: ReadonlyArray<QuarantineGroup>
      readonly drop: ReadonlyArray<string>
    }

/** Everyone gets the message as it is (no evaluator, or antispam disabled). */
export const deliverAll = (recipients: ReadonlyArray<string>): Plan => ({
  _tag: "Accept",
  deliver: recipients.length === 0 ? [] : [{ recipients, addHeaders: [] }],
  quarantine: [],
  drop: []
})

export const plan = (recipients: ReadonlyArray<string>, outcomes: ReadonlyArray<RecipientOutcome>): Plan => {
  const byRecipient = new Map(outcomes.map((o) => [o.recipient.toLowerCase(), o]))
  const resolved: Array<{ recipient: string; action: Action.Action; verdict: Verdict | undefined }> = []
  for (const recipient of recipients) {
    const o = byRecipient.get(recipient.toLowerCase())
    if (o === undefined) return { _tag: "Tempfail", reason: `no verdict for ${recipient}` }
    if (o.action._tag === "Tempfail") return { _tag: "Tempfail", reason: o.action.reason }
    resolved.push({ recipient, action: o.action, verdict: o.verdict })
  }
  const rejected = resolved.filter((r) => r.action._tag === "Reject")
  if (resolved.length > 0 && rejected.length === resolved.length) {
    const first = rejected[0]!.action as Extract<Action.Action, { _tag: "Reject" }>
    return { _tag: "Reject", reason: first.reason }
  }
  const deliver = new Map<string, { recipients: Array<string> } & Omit<DeliverGroup, "recipients">>()
  const quarantine = new Map<
    string,
    { recipients: Array<string>; reason: string; verdict: Quarantine.VerdictSummary | undefined }
  >()
  const drop: Array<string> = []
  const toQuarantine = (recipient: string, reason: string, verdict: Verdict | undefined) => {
    const g = quarantine.get(reason) ?? {
      recipients: [],
      reason,
      verdict: verdict === undefined ? undefined : Quarantine.summarise(verdict)
    }
    g.recipients.push(recipient)
    quarantine.set(reason, g)
  }
  for (const { recipient, action, verdict } of resolved) {
    switch (action._tag) {
      case "Deliver": {
        // Recipients with the same changes share one delivery; a lone recipient needs no key.
        const key =
          resolved.length === 1
            ? ""
            : JSON.stringify([action.addHeaders, action.subjectPrefix ?? null, action.changes ?? null])
        const g = deliver.get(key) ?? {
          recipients: [],
          addHeaders: action.addHeaders,
          subjectPrefix: action.subjectPrefix,
          ...(action.changes ? { changes: action.changes } : {})
        }
        g.recipients.push(recipient)
        deliver.set(key, g)
        break
      }
      case "Quarantine":
        toQuarantine(recipient, action.reason, verdict)
        break
      case "Reject":
        toQuarantine(
          recipient,
          `rejected for this recipient, quarantined because other recipients accept the message: ${action.reason}`,
          verdict
        )
        break
      case "Drop":
        drop.push(recipient)
        break
    }
  }
  return { _tag: "Accept", deliver: [...deliver.values()], quarantine: [...quarantine.values()], drop }
}
