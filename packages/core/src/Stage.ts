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
import type { Facts } from "./Facts.ts"
import type { Later } from "./Later.ts"
import type { Message } from "./MessageTypes.ts"
import type { StageError } from "./StageError.ts"
import type { SymbolHit, SymbolTable } from "./SymbolHit.ts"

/** SMTP order: connect, MAIL FROM (`mail`), each RCPT TO (`rcpt`), then the message (`data`). */
export type Phase = "connect" | "mail" | "rcpt" | "data"

/** Phases in the order a transaction goes through them. */
export const phases: ReadonlyArray<Phase> = ["connect", "mail", "rcpt", "data"]

/**
 * A stage's say at one phase (not yet what happens to the mail): go on (`Continue`), stop
 * scanning and let the mail through (`Bypass`, `Accept`), or refuse (`Reject`, `Tempfail`). The
 * engine turns decisions and the policy's verdict into one `Action` per recipient.
 */
export type Decision =
  | { readonly _tag: "Continue" }
  /** Skip antispam (for the recipient in the rcpt phase, for all recipients otherwise). */
  | { readonly _tag: "Bypass"; readonly rule: string; readonly reason: string }
  | { readonly _tag: "Accept"; readonly reason: string }
  | { readonly _tag: "Reject"; readonly reason: string }
  | { readonly _tag: "Tempfail"; readonly reason: string }

/**
 * What a stage is given. `facts` is the message's fact cache (for `rcpt`, the message's; use
 * `facts.recipient(recipient)` for the recipient's own); the engine always passes it, a stage
 * run on its own reads it through `Facts.of(input)`.
 */
export type StageInput =
  | { readonly phase: "connect"; readonly envelope: Envelope; readonly facts?: Facts | undefined }
  | { readonly phase: "mail"; readonly envelope: Envelope; readonly facts?: Facts | undefined }
  | {
      readonly phase: "rcpt"
      readonly envelope: Envelope
      readonly recipient: string
      readonly facts?: Facts | undefined
    }
  | {
      readonly phase: "data"
      readonly message: Message
      readonly recipients: ReadonlyArray<string>
      readonly facts?: Facts | undefined
    }

/**
 * A header change a stage asks for; applied at delivery, after the verdict headers. `add`
 * prepends a field, `set` replaces every field of that name (or adds it), `remove` deletes them.
 */
export type HeaderChange =
  | { readonly op: "add"; readonly name: string; readonly value: string }
  | { readonly op: "set"; readonly name: string; readonly value: string }
  | { readonly op: "remove"; readonly name: string }

/** A decision for some recipients only (data phase): the others go on being scanned. */
export interface RecipientDecision {
  readonly recipient: string
  readonly decision: Exclude<Decision, { _tag: "Continue" }>
  /** Observations about this recipient only (they join its verdict, not the others'). */
  readonly symbols?: ReadonlyArray<SymbolHit> | undefined
}

export interface StageResult {
  readonly symbols: ReadonlyArray<SymbolHit>
  readonly decision?: Decision | undefined
  /** Spam probability, for classifier stages. */
  readonly probability?: number | undefined
  /** Structured detail copied into the trace (hop tables, per-list answers...). */
  readonly facts?: Readonly<Record<string, unknown>> | undefined
  /** Header changes for delivered copies of the message (data phase). */
  readonly headers?: ReadonlyArray<HeaderChange> | undefined
  /** Data phase: decisions for single recipients (a recipient's safe sender). */
  readonly recipientDecisions?: ReadonlyArray<RecipientDecision> | undefined
}

export interface Stage<R = never> {
  readonly name: string
  readonly phase: Phase
  /** Milliseconds this stage may take; the pipeline also applies one overall deadline. */
  readonly budgetMillis: number
  readonly symbols: SymbolTable
  /** Stages in the same phase with equal order run concurrently; lower order runs first. */
  readonly order?: number | undefined
  /**
   * The stage only looks at memory and returns at once (a set lookup): the pipeline sets no
   * timer for it. Built-in stages only; the plugin guard does not carry it over.
   */
  readonly inline?: boolean | undefined
  readonly run: (input: StageInput) => Effect.Effect<StageResult, StageError, R>
  /**
   * The same answer as `run`, as a plain result when the stage has nothing to wait for (every
   * list answer and check remembered), else the effect to wait for. The pipeline calls it instead
   * of `run`, so an answer at once costs no effect value, generator or fiber. Built-in stages
   * only (the plugin guard does not carry it over); make `run` from it with `runOf`.
   */
  readonly answer?: ((input: StageInput) => StageAnswer<R>) | undefined
}

/**
 * A stage's answer: its result now, or the effect that gives it once it has waited, or the
 * result by callback (`Later`: waited for without a fiber).
 */
export type StageAnswer<R = never> =
  | StageResult
  | Effect.Effect<StageResult, StageError, R>
  | Later<StageResult, StageError, R>
