/**
 * The outcome of the data phase: a class, a score, the symbols behind it and a trace of every
 * stage that ran.
 *
 * @category models
 * @since 0.1.0
 */
import type { Phase } from "./Stage.ts"
import type { SymbolHit } from "./SymbolHit.ts"

export type VerdictClass = "ham" | "spam" | "unsure"

export type StageOutcome = "ok" | "timeout" | "skipped" | `failed:${string}`

/** What one stage did: its symbols, how long it took, how it ended, free-form facts. */
export interface StageTrace {
  readonly stage: string
  readonly phase: Phase
  readonly outcome: StageOutcome
  readonly millis: number
  readonly symbols: ReadonlyArray<SymbolHit>
  /** Structured detail for `mailmoat scan --json` (hop tables, per-list answers, ...). */
  readonly facts?: Readonly<Record<string, unknown>> | undefined
}

export interface Verdict {
  readonly class: VerdictClass
  readonly score: number
  /** Classifier probability of spam (0..1), when a classifier ran. */
  readonly probability?: number | undefined
  readonly symbols: ReadonlyArray<SymbolHit>
  readonly trace: ReadonlyArray<StageTrace>
  /** Set when a stage ended the pipeline early (bypass, accept, reject). */
  readonly decidedBy?: { readonly stage: string; readonly decision: string; readonly reason: string } | undefined
}
