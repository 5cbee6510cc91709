/**
 * A Stage is a value: a name, a phase, the symbols it may emit, a time budget, and `run`.
 * It returns symbols, or a decision that ends the pipeline (bypass, accept, reject, tempfail).
 * It never returns a score total: weights belong to the policy.
 *
 * @category models
 * @since 0.1.0
 */
import type { Effect } from "effect"
import type { Envelope } from "./Envelope.ts"
import type { Message } from "./MessageTypes.ts"
import type { StageError } from "./StageError.ts"
import type { SymbolHit, SymbolTable } from "./SymbolHit.ts"

export type Phase = "connect" | "rcpt" | "data"

export type Decision =
  | { readonly _tag: "Continue" }
  /** Skip antispam (for the recipient in the rcpt phase, for all recipients otherwise). */
  | { readonly _tag: "Bypass"; readonly rule: string; readonly reason: string }
  | { readonly _tag: "Accept"; readonly reason: string }
  | { readonly _tag: "Reject"; readonly reason: string }
  | { readonly _tag: "Tempfail"; readonly reason: string }

export type StageInput =
  | { readonly phase: "connect"; readonly envelope: Envelope }
  | { readonly phase: "rcpt"; readonly envelope: Envelope; readonly recipient: string }
  | { readonly phase: "data"; readonly message: Message; readonly recipients: ReadonlyArray<string> }

export interface StageResult {
  readonly symbols: ReadonlyArray<SymbolHit>
  readonly decision?: Decision | undefined
  /** Spam probability, for classifier stages. */
  readonly probability?: number | undefined
  /** Structured detail copied into the trace (hop tables, per-list answers...). */
  readonly facts?: Readonly<Record<string, unknown>> | undefined
}

export interface Stage<R = never> {
  readonly name: string
  readonly phase: Phase
  /** Milliseconds this stage may take; the pipeline also applies one overall deadline. */
  readonly budgetMillis: number
  readonly symbols: SymbolTable
  /** Stages in the same phase with equal order run concurrently; lower order runs first. */
  readonly order?: number | undefined
  readonly run: (input: StageInput) => Effect.Effect<StageResult, StageError, R>
}
