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
 * - A stage's `answer` (built-in stages) is called instead of its `run`: a plain result is taken
 *   as it is, with no effect value, fiber or timer; an effect goes the way of `run`'s; a `Later`
 *   (its result by callback) is waited for like an effect, with its deadline, but no fiber.
 * - The stages are called when `runPhase` is called when a clock can be read then (inside a
 *   fiber, or lent: `FiberClock`), else when its effect runs; a phase of one inline stage always
 *   at the call. Run the effect where you get it (its answer, when finished, is the phase's).
 *
 * @category services
 * @since 0.1.0
 */
import { Cause, type Clock, Effect, Exit, Option } from "effect"
import * as Deadline from "../Deadline.ts"
import { EMPTY_LIST, listOfLength } from "../ListKinds.ts"
import { clockWithEager } from "../FiberClock.ts"
import { planOf } from "./PhasePlan.ts"
import type { Decision, RecipientDecision, Stage, StageAnswer, StageInput, StageResult } from "../Stage.ts"
import type { Later } from "../Later.ts"
import { isWaiting, toEffect } from "../StageAnswers.ts"
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

// One elements kind for every empty list of a trace or a run (`ListKinds`): a skipped or failed
// stage's symbols are read by the same loops as a stage's hits.
const EMPTY = EMPTY_LIST

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

/**
 * A stage's trace and run: one literal of one shape (every field, in one order) whether the stage
 * answered, failed, timed out or was skipped. A trace or run of another shape met late threw away
 * the optimised code of every loop that reads them ("wrong map": the policy, the metrics, the
 * engine's logging, auto-learning; docs/performance.md, "The first run's compilations by function").
 */
const runOf = (
  stage: Stage<unknown>,
  millis: number,
  outcome: StageTrace["outcome"],
  symbols: StageTrace["symbols"],
  facts: StageTrace["facts"],
  result: StageResult | undefined
): StageRun => ({
  trace: { stage: stage.name, phase: stage.phase, millis, outcome, symbols, facts },
  result
})

// Once per stage and message, no spreads.
const toTrace = (stage: Stage<unknown>, millis: number, out: Option.Option<Guarded>): StageRun => {
  if (Option.isNone(out)) return runOf(stage, millis, "timeout", EMPTY, undefined, undefined)
  const value = out.value
  if (!value.ok) return runOf(stage, millis, value.outcome, EMPTY, { error: value.detail }, undefined)
  const result = value.result
  return runOf(stage, millis, "ok", result.symbols, result.facts, result)
}

/**
 * The stage's answer started now (`answer` where the stage has one, else `run`); one that throws
 * is a defect, as inside `Effect.suspend`.
 */
const started = <R>(stage: Stage<R>, input: StageInput): StageAnswer<R> => {
  try {
    const answer = stage.answer
    return answer !== undefined ? answer(input) : stage.run(input)
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

/** An answer given at once (a plain result, or a finished success): its result, else undefined. */
const finished = (run: StageAnswer<unknown>): StageResult | undefined =>
  !isWaiting(run)
    ? run
    : Exit.isExit(run) && Exit.isSuccess(run)
      ? (run as Exit.Success<StageResult, StageError>).value
      : undefined

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

/** A stage's answer that waits: an effect, or its result by callback (`Later`). */
type Waiting<R> = Effect.Effect<StageResult, StageError, R> | Later<StageResult, StageError, R>

/**
 * Runs that wait, each within its own limit (0: none). One that has no limit, alone, runs in
 * this fiber (no child fiber, no timer); otherwise each in a fiber of its own (a `Later`: no
 * fiber), waited for in one callback (`Deadline.exitsWithin`), its exit read there.
 */
const waitFor = <R>(
  stages: ReadonlyArray<Stage<unknown>>,
  runs: ReadonlyArray<Waiting<R>>,
  millis: ReadonlyArray<number>,
  start: number,
  clock: Clock.Clock
): Effect.Effect<Array<StageRun>, never, R> => {
  if (runs.length === 1 && millis[0] === 0)
    return Effect.map(guarded(toEffect(runs[0]!), clock), (o) => [traced(stages[0]!, start, clock, Option.some(o))])
  return Effect.map(Deadline.exitsWithin(runs.map((effect, i) => ({ effect, millis: millis[i]! }))), (out) =>
    out.map((settled, i) => settledRun(stages[i]!, start, clock, settled))
  )
}

/**
 * The stages of one order group at once, each within its own limit, with the phase's clock. Their
 * answers are called in order, as their fibers would have started them; those given at once are
 * taken as they are (ended now, not when the others do), the others are waited for together
 * (`waitFor`). All given at once: the runs themselves, no effect.
 */
const runGroup = <R>(
  group: ReadonlyArray<Stage<R>>,
  input: StageInput,
  limit: (s: Stage<R>) => number,
  clock: Clock.Clock
): ReadonlyArray<StageRun> | Effect.Effect<ReadonlyArray<StageRun>, never, R> => {
  const start = clock.currentTimeMillisUnsafe()
  // Without holes: the runs' readers also read a lone stage's `[run]` (`ListKinds`).
  const all: Array<StageRun | undefined> = listOfLength(group.length)
  let stages: Array<Stage<unknown>> | undefined
  let runs: Array<Waiting<R>> | undefined
  let millis: Array<number> | undefined
  let at: Array<number> | undefined
  for (let i = 0; i < group.length; i++) {
    const stage = group[i] as Stage<unknown>
    const run = started(group[i]!, input)
    const done = finished(run)
    if (done !== undefined) {
      all[i] = answered(stage, start, clock, done)
      continue
    }
    ;(stages ??= []).push(stage)
    ;(runs ??= []).push(run as Waiting<R>)
    ;(millis ??= []).push(deadlineOf(stage, limit(group[i]!)))
    ;(at ??= []).push(i)
  }
  if (runs === undefined) return all as ReadonlyArray<StageRun>
  const where = at!
  return Effect.map(waitFor(stages!, runs, millis!, start, clock), (out) => {
    for (let j = 0; j < out.length; j++) all[where[j]!] = out[j]
    return all as ReadonlyArray<StageRun>
  })
}

const skipped = (stage: Stage<unknown>): StageRun => runOf(stage, 0, "skipped", EMPTY, undefined, undefined)

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
  const result = finished(run)
  if (result !== undefined) {
    const s = stage as Stage<unknown>
    return Effect.succeed(inlineRun(s, input, runOf(s, 0, "ok", result.symbols, result.facts, result)))
  }
  return Effect.clockWith((clock) => {
    const start = clock.currentTimeMillisUnsafe()
    return Effect.map(guarded(toEffect(run as Waiting<R>), clock), (out) =>
      inlineRun(stage as Stage<unknown>, input, traced(stage as Stage<unknown>, start, clock, Option.some(out)))
    )
  })
}

/** What the groups run so far gave (one phase's run, filled group after group). */
interface PhaseState<R> {
  readonly byStage: Map<Stage<R>, StageRun>
  decided: PhaseRun["decided"]
  readonly perRecipient: Array<RecipientDecision & { readonly stage: string }>
  /** The input of the next group: in the data phase, the recipients nobody decided for yet. */
  current: StageInput
}

interface PhaseContext<R> {
  readonly phaseStages: ReadonlyArray<Stage<R>>
  readonly deadline: number
  readonly clock: Clock.Clock
}

/** One group's runs into the phase's state: its stages' traces, decisions and recipients' decisions. */
const settle = <R>(state: PhaseState<R>, group: ReadonlyArray<Stage<R>>, runs: ReadonlyArray<StageRun>): void => {
  const { byStage, perRecipient } = state
  const current = state.current
  for (let i = 0; i < group.length; i++) {
    const s = group[i]!
    const run = runs[i] as StageRun
    byStage.set(s, run)
    const decision = run.result?.decision
    if (state.decided === undefined && decision !== undefined && decision._tag !== "Continue")
      state.decided = { stage: s.name, decision }
    const own = run.result?.recipientDecisions
    if (own === undefined) continue
    for (const d of own)
      if (
        current.phase === "data" &&
        current.recipients.includes(d.recipient) &&
        !perRecipient.some((p) => p.recipient === d.recipient)
      )
        perRecipient.push({ ...d, stage: s.name })
  }
  if (current.phase === "data" && perRecipient.length > 0) {
    const done = new Set(perRecipient.map((p) => p.recipient))
    state.current = { ...current, recipients: current.recipients.filter((r) => !done.has(r)) }
  }
}

/**
 * The groups from `from` on, in order, with the phase's clock: each group's stages as they answer
 * (`runGroup`); a group that has to wait goes on from the next group when it is done. Every group
 * answered at once: the phase's run as a finished effect.
 */
const advance = <R>(
  state: PhaseState<R>,
  groups: ReadonlyArray<ReadonlyArray<Stage<R>>>,
  from: number,
  ctx: PhaseContext<R>
): Effect.Effect<PhaseRun, never, R> => {
  const { clock, deadline } = ctx
  for (let g = from; g < groups.length; g++) {
    const group = groups[g]!
    const left = deadline - clock.currentTimeMillisUnsafe()
    const current = state.current
    const nobodyLeft = current.phase === "data" && current.recipients.length === 0 && state.perRecipient.length > 0
    if (state.decided !== undefined || nobodyLeft || left <= 0) {
      for (const s of group)
        state.byStage.set(
          s,
          state.decided !== undefined || nobodyLeft
            ? skipped(s)
            : runOf(s as Stage<unknown>, 0, "timeout", EMPTY, undefined, undefined)
        )
      continue
    }
    const limit = (s: Stage<R>) => Math.min(s.budgetMillis > 0 ? s.budgetMillis : Number.POSITIVE_INFINITY, left)
    const runs = runGroup(group, current, limit, clock)
    if (isWaiting(runs))
      return Effect.flatMap(runs, (r) => {
        settle(state, group, r)
        return advance(state, groups, g + 1, ctx)
      })
    settle(state, group, runs)
  }
  return Effect.succeed({
    runs: ctx.phaseStages.map((s) => state.byStage.get(s) as StageRun),
    decided: state.decided,
    recipientDecisions: state.perRecipient
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
  return clockWithEager((clock) => {
    const now = clock.currentTimeMillisUnsafe()
    const deadline =
      options.deadlineMillis !== undefined && options.deadlineMillis > 0
        ? now + options.deadlineMillis
        : Number.POSITIVE_INFINITY
    return advance({ byStage: new Map(), decided: undefined, perRecipient: [], current: input }, groups, 0, {
      phaseStages,
      deadline,
      clock
    })
  })
}
