/**
 * A verdict step runs after the policy has classified a message and may change what happens to
 * it: DMARC enforcement is one (it needs every stage's findings: the forwarder and ARC
 * exemptions), temporary rejection of unsure mail another (it needs a store of first-seen
 * times, so it is a step over a store service, not a stage). Steps run in order; each sees the
 * verdict the previous one left.
 *
 * @category models
 * @since 0.1.0
 */
import type { Effect } from "effect"
import type { Facts } from "../Facts.ts"
import type { Message } from "../MessageTypes.ts"
import type { SymbolHit, SymbolTable } from "../SymbolHit.ts"
import type { Verdict, VerdictClass } from "../Verdict.ts"

export interface VerdictStepInput {
  readonly message: Message
  /** The recipients the verdict is for (those not decided by a bypass or a refusal). */
  readonly recipients: ReadonlyArray<string>
  readonly verdict: Verdict
  readonly facts: Facts
}

/** What a step changes; an empty object changes nothing. */
export interface VerdictAdjustment {
  /** Added to the verdict's symbols. */
  readonly symbols?: ReadonlyArray<SymbolHit> | undefined
  /** A new class (e.g. a retry of an unsure message judged again). */
  readonly class?: VerdictClass | undefined
  /** Answer temporarily: the sender retries later. Ends the steps. */
  readonly tempfail?: { readonly reason: string; readonly rule: string } | undefined
  /**
   * A policy the sender's domain asked for (DMARC): `Reject` replaces whatever the verdict would
   * do, `Quarantine` replaces a delivery (a spam verdict's own reject or drop stands). Ends the
   * steps.
   */
  readonly enforce?:
    | { readonly action: "Reject" | "Quarantine"; readonly reason: string; readonly rule: string }
    | undefined
  /** Written in front of the policy's rule ("tempReject: retry after 900 s"). */
  readonly rulePrefix?: string | undefined
  /** Written after the policy's rule ("tempReject skipped (store down)"). */
  readonly ruleSuffix?: string | undefined
}

export interface VerdictStep {
  readonly name: string
  readonly symbols: SymbolTable
  /** Never fails: a step whose store is down says so with a symbol and changes nothing else. */
  readonly run: (input: VerdictStepInput) => Effect.Effect<VerdictAdjustment>
}
