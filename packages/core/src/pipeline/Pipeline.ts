/**
 * Runs the stages of one phase and records a trace per stage.
 *
 * - Only stages of the input's phase run. Stages with the same `order` run concurrently, lower
 *   orders first (a later group may read what an earlier one found, e.g. the end-user stage
 *   reads the RBL answers).
 * - Each stage gets its own `budgetMillis`, cut to what is left of the phase deadline, so one
 *   slow stage can never hold a message longer than the deadline.
 * - A stage that times out, fails with `StageError`, or dies with a defect yields a trace entry
 *   (`timeout`, `failed:<reason>`) and no symbols: a failure is never spam. The policy decides
 *   what an unknown means (fail-open by default).
 * - A stage that returns a decision other than `Continue` ends the phase: stages of later groups
 *   are traced as `skipped`. Stages of the same group finish (they were already running).
 * - In the data phase a stage may decide for single recipients (`recipientDecisions`): later
 *   groups see only the recipients still undecided; when none is left, they are skipped.
 * - Interruption of the caller is not swallowed.
 * - A phase of one inline stage calls the stage's `run` when `runPhase` is called, not when its
 *   effect runs: run the effect where you get it (its answer, when finished, is the phase's).
 *
 * @category services
 * @since 0.1.0
 */
import { Cause, Clock, Effect, Exit, Option } from "effect"
import * as Deadline from "../Deadline.ts"
import { planOf } from "./PhasePlan.ts"
import type { Decision, RecipientDecision, Stage, StageInput, StageResult } from "../Stage.ts"
import type { StageError } from "../StageError.ts"
import type { StageTrace } from "../Verdict.ts"

export interface StageRun {
  readonly trace: StageTrace
  /** The stage's result when it finished in time without failing. */
  readonly result?: StageResult | undefined
}

export interface PhaseRun {
  /** One entry per stage of the phase, in the order the stages were given. */
  readonly runs: ReadonlyArray<StageRun>
  /** The first decision other than `Continue`, and the stage that made it. */
  readonly decided?: { readonly stage: string; readonly decision: Exclude<Decision, { _tag: "Continue" }> } | undefined
  /** Data phase: decisions for single recipients, first one per recipient, with the deciding stage. */
  readonly recipientDecisions: ReadonlyArray<RecipientDecision & { readonly stage: string }>
}

const EMPTY: ReadonlyArray<never> = []

export interface PipelineOptions {
  /** Overall deadline for the phase in milliseconds (0 or absent: only the stage budgets). */
  readonly deadlineMillis?: number | undefined
}

const failureReason = (cause: Cause.Cause<unknown>): { outcome: `failed:${string}`; detail: string } => {
  const error = Cause.squash(cause) as { readonly reason?: unknown; readonly message?: unknown } | undefined
  const reason = typeof error?.reason === "string" && error.reason.length > 0 ? error.reason : "Defect"
  return { outcome: `failed:${reason.slice(0, 60)}`, detail: String(error?.message ?? error).slice(0, 200) }
}

type Guarded =
  | { readonly ok: true; readonly result: StageResult; readonly at: number }
  | { readonly ok: false; readonly outcome: `failed:${string}`; readonly detail: string; readonly at: number }

// Once per stage and message: object literals of one shape each, no spreads.
const toTrace = (stage: Stage<unknown>, millis: number, out: Option.Option<Guarded>): StageRun => {
  const { name, phase } = stage
  if (Option.isNone(out)) return { trace: { stage: name, phase, millis, outcome: "timeout", symbols: [] } }
  const value = out.value
  if (!value.ok)
    return {
      trace: { stage: name, phase, millis, outcome: value.outcome, symbols: [], facts: { error: value.detail } }
    }
  const result = value.result
  return { trace: { stage: name, phase, millis, outcome: "ok", symbols: result.symbols, facts: result.facts }, result }
}

/** The stage's run started now; a `run` that throws is a defect, as inside `Effect.suspend`. */
const started = <R>(stage: Stage<R>, input: StageInput): Effect.Effect<StageResult, StageError, R> => {
  try {
    return stage.run(input)
  } catch (defect) {
    return Effect.die(defect)
  }
}

/** The stage's run with failures as values, stamped with the time it ended (`Clock`). */
const guarded = <R>(
  run: Effect.Effect<StageResult, StageError, R>,
  clock: Clock.Clock
): Effect.Effect<Guarded, never, R> =>
  run.pipe(
    Effect.map((result): Guarded => ({ ok: true, result, at: clock.currentTimeMillisUnsafe() })),
    Effect.catchCause((cause) =>
      Cause.hasInterruptsOnly(cause)
        ? Effect.failCause(cause as Cause.Cause<never>)
        : Effect.sync((): Guarded => ({ ok: false, ...failureReason(cause), at: clock.currentTimeMillisUnsafe() }))
    )
  )

/** The stage's own deadline: none for an inline stage (setting a timer would cost more than it). */
const deadlineOf = (stage: Stage<unknown>, limitMillis: number) =>
  stage.inline !== true && limitMillis > 0 && Number.isFinite(limitMillis) ? limitMillis : 0

const traced = (stage: Stage<unknown>, start: number, clock: Clock.Clock, out: Option.Option<Guarded>) =>
  toTrace(stage, (Option.isSome(out) ? out.value.at : clock.currentTimeMillisUnsafe()) - start, out)

/** A run that answered with a finished success (it had nothing to wait for): its result, else undefined. */
const finished = (run: Effect.Effect<StageResult, StageError, unknown>): StageResult | undefined =>
  Exit.isExit(run) && Exit.isSuccess(run) ? (run as Exit.Success<StageResult, StageError>).value : undefined

/** The trace of a stage whose run answered at once: ended when it started. */
const answered = (stage: Stage<unknown>, start: number, clock: Clock.Clock, result: StageResult): StageRun =>
  traced(stage, start, clock, Option.some({ ok: true, result, at: clock.currentTimeMillisUnsafe() }))

/** A waiting stage's end as its trace: its result, its failure, or (`undefined`) its timeout. */
const settledRun = (
  stage: Stage<unknown>,
  start: number,
  clock: Clock.Clock,
  settled: Deadline.Settled<StageResult, StageError>
): StageRun => {
  if (settled === undefined) return traced(stage, start, clock, Option.none())
  const { exit, at } = settled
  // An interruption never gets here (`exitsWithin` hands it on).
  const out: Guarded = Exit.isSuccess(exit)
    ? { ok: true, result: exit.value, at }
    : { ok: false, ...failureReason(exit.cause), at }
  return traced(stage, start, clock, Option.some(out))
}

/**
 * Runs that wait, each within its own limit (0: none). One that has no limit, alone, runs in
 * this fiber (no child fiber, no timer); otherwise each in a fiber of its own, waited for in one
 * callback (`Deadline.exitsWithin`), its exit read there.
 */
const waitFor = <R>(
  stages: ReadonlyArray<Stage<unknown>>,
  runs: ReadonlyArray<Effect.Effect<StageResult, StageError, R>>,
  millis: ReadonlyArray<number>,
  start: number,
  clock: Clock.Clock
): Effect.Effect<Array<StageRun>, never, R> => {
  if (runs.length === 1 && millis[0] === 0)
    return Effect.map(guarded(runs[0]!, clock), (o) => [traced(stages[0]!, start, clock, Option.some(o))])
  return Effect.map(Deadline.exitsWithin(runs.map((effect, i) => ({ effect, millis: millis[i]! }))), (out) =>
    out.map((settled, i) => settledRun(stages[i]!, start, clock, settled))
  )
}

// Hot path: no generator, the clock read directly. The stage's run is called here, where its
// fiber would have started it; one that answers at once is taken as it is (no fiber, no timer).
const runStage = <R>(stage: Stage<R>, input: StageInput, limitMillis: number): Effect.Effect<StageRun, never, R> =>
  Effect.clockWith((clock) => {
    const start = clock.currentTimeMillisUnsafe()
    const run = started(stage, input)
    const done = finished(run)
    const s = stage as Stage<unknown>
    if (done !== undefined) return Effect.succeed(answered(s, start, clock, done))
    return Effect.map(waitFor([s], [run], [deadlineOf(s, limitMillis)], start, clock), (out) => out[0]!)
  })

/**
 * The stages of one order group at once, each within its own limit. Their runs are called in
 * order, as their fibers would have started them; those that answered at once are taken as they
 * are, the others are waited for together (`waitFor`).
 */
const runGroup = <R>(
  group: ReadonlyArray<Stage<R>>,
  input: StageInput,
  limit: (s: Stage<R>) => number
): Effect.Effect<ReadonlyArray<StageRun>, never, R> =>
  Effect.clockWith((clock) => {
    const start = clock.currentTimeMillisUnsafe()
    const all: Array<StageRun | undefined> = []
    const stages: Array<Stage<unknown>> = []
    const runs: Array<Effect.Effect<StageResult, StageError, R>> = []
    const millis: Array<number> = []
    const at: Array<number> = []
    for (let i = 0; i < group.length; i++) {
      const stage = group[i] as Stage<unknown>
      const run = started(group[i]!, input)
      const done = finished(run)
      // Those that answered at once ended now, not when the others do.
      all.push(done === undefined ? undefined : answered(stage, start, clock, done))
      if (done !== undefined) continue
      stages.push(stage)
      runs.push(run)
      millis.push(deadlineOf(stage, limit(group[i]!)))
      at.push(i)
    }
    if (runs.length === 0) return Effect.succeed(all as ReadonlyArray<StageRun>)
    return Effect.map(waitFor(stages, runs, millis, start, clock), (out) => {
      for (let j = 0; j < out.length; j++) all[at[j]!] = out[j]
      return all as ReadonlyArray<StageRun>
    })
  })

const skipped = (stage: Stage<unknown>): StageRun => ({
  trace: { stage: stage.name, phase: stage.phase, outcome: "skipped", millis: 0, symbols: [] }
})

const inlineRun = (stage: Stage<unknown>, input: StageInput, run: StageRun): PhaseRun => {
  const result = run.result
  const decision = result?.decision
  const decided = decision !== undefined && decision._tag !== "Continue" ? { stage: stage.name, decision } : undefined
  const own = result?.recipientDecisions
  if (own === undefined || own.length === 0) return { runs: [run], decided, recipientDecisions: EMPTY }
  const recipients = input.phase === "data" ? input.recipients : EMPTY
  return {
    runs: [run],
    decided,
    recipientDecisions: own.filter((d) => recipients.includes(d.recipient)).map((d) => ({ ...d, stage: stage.name }))
  }
}

/**
 * A lone inline stage, its `run` called when the phase is asked for (every caller runs the
 * phase's effect at once, so this is when a fiber would have started it). When it answers with a
 * finished success (`Effect.succeed`: it only looked at memory), the phase's run is that answer,
 * itself finished, timed 0 ms: a caller outside a fiber (the gateway's runner) needs none for it.
 * Anything else goes the general way when the effect runs (failures traced, time from the `Clock`).
 */
const runInline = <R>(stage: Stage<R>, input: StageInput): Effect.Effect<PhaseRun, never, R> => {
  const run = started(stage, input)
  if (Exit.isExit(run) && Exit.isSuccess(run)) {
    const result = (run as Exit.Success<StageResult, StageError>).value
    const { name, phase } = stage
    const trace: StageTrace = {
      stage: name,
      phase,
      millis: 0,
      outcome: "ok",
      symbols: result.symbols,
      facts: result.facts
    }
    return Effect.succeed(inlineRun(stage as Stage<unknown>, input, { trace, result }))
  }
  return Effect.clockWith((clock) => {
    const start = clock.currentTimeMillisUnsafe()
    return Effect.map(guarded(run, clock), (out) =>
      inlineRun(stage as Stage<unknown>, input, traced(stage as Stage<unknown>, start, clock, Option.some(out)))
    )
  })
}

/** Runs the stages of `input.phase` (see the module comment for the rules). */
export const runPhase = <R>(
  stages: ReadonlyArray<Stage<R>>,
  input: StageInput,
  options: PipelineOptions = {}
): Effect.Effect<PhaseRun, never, R> => {
  const { phaseStages, groups } = planOf(stages, input.phase)
  // One inline stage (the bypass checks of connect, mail and rcpt): no deadline to keep, no group.
  const only = phaseStages.length === 1 ? phaseStages[0] : undefined
  if (only?.inline === true) return runInline(only, input)
  return Effect.gen(function* () {
    const started = yield* Clock.currentTimeMillis
    const deadline =
      options.deadlineMillis !== undefined && options.deadlineMillis > 0
        ? started + options.deadlineMillis
        : Number.POSITIVE_INFINITY
    const byStage = new Map<Stage<R>, StageRun>()
    let decided: PhaseRun["decided"]
    const perRecipient: Array<RecipientDecision & { readonly stage: string }> = []
    let current = input
    for (const group of groups) {
      const now = yield* Clock.currentTimeMillis
      const left = deadline - now
      const nobodyLeft = current.phase === "data" && current.recipients.length === 0 && perRecipient.length > 0
      if (decided !== undefined || nobodyLeft || left <= 0) {
        for (const s of group)
          byStage.set(
            s,
            decided !== undefined || nobodyLeft ? skipped(s) : { trace: { ...skipped(s).trace, outcome: "timeout" } }
          )
        continue
      }
      const limit = (s: Stage<R>) => Math.min(s.budgetMillis > 0 ? s.budgetMillis : Number.POSITIVE_INFINITY, left)
      const input = current
      // A group of one runs in this fiber: no fork for the common case.
      const runs =
        group.length === 1
          ? [yield* runStage(group[0] as Stage<R>, input, limit(group[0] as Stage<R>))]
          : yield* runGroup(group, input, limit)
      group.forEach((s, i) => {
        const run = runs[i] as StageRun
        byStage.set(s, run)
        const decision = run.result?.decision
        if (decided === undefined && decision !== undefined && decision._tag !== "Continue")
          decided = { stage: s.name, decision }
        for (const d of run.result?.recipientDecisions ?? [])
          if (
            current.phase === "data" &&
            current.recipients.includes(d.recipient) &&
            !perRecipient.some((p) => p.recipient === d.recipient)
          )
            perRecipient.push({ ...d, stage: s.name })
      })
      if (current.phase === "data" && perRecipient.length > 0) {
        const done = new Set(perRecipient.map((p) => p.recipient))
        current = { ...current, recipients: current.recipients.filter((r) => !done.has(r)) }
      }
    }
    return { runs: phaseStages.map((s) => byStage.get(s) as StageRun), decided, recipientDecisions: perRecipient }
  })
}
