/**
 * The engine: built once per configuration from stage values (built-in and plugin stages are
 * the same kind of value) and verdict steps; per message it builds only the message's facts.
 *
 * A transaction goes through the phases in SMTP order: `connect`, `mail` (MAIL FROM), `rcpt`
 * (once per recipient), `data`. Every phase's decision is honoured:
 * - a refusal (`Reject`, `Tempfail`) at connect or mail refuses every recipient, at rcpt that
 *   recipient; refusals win over bypasses;
 * - `Bypass` / `Accept` at connect or mail spares every recipient the data phase, at rcpt that
 *   recipient; in the data phase a stage may decide for single recipients (`recipientDecisions`)
 *   or for all that are left (`decision`);
 * - the recipients nobody decided for get the policy's verdict over every trace, then the
 *   verdict steps (DMARC enforcement, temporary rejection), then the action.
 *
 * The gateway runs `connect`, `mail` and `rcpt` while the SMTP session goes on (to refuse early)
 * and hands what they gave to `data` (`Earlier`); `evaluate` runs every phase at once from the
 * message's envelope (the CLI and the IMAP/POP3 proxies), so both give the same outcome.
 *
 * **Gotchas**
 * - Nothing here fails: a failing stage is a trace entry (fail open), a failing engine (a bug)
 *   answers `Tempfail` for every recipient, logged.
 * - Time comes from `Clock` (stage timings, deadlines); logs go through Effect's logger.
 *
 * @category constructors
 * @since 0.1.0
 */
import { Cause, Effect, Exit, Schema } from "effect"
import type { Envelope } from "../Envelope.ts"
import { EMPTY_LIST } from "../ListKinds.ts"
import type { RecipientOutcome } from "../Evaluation.ts"
import * as Facts from "../Facts.ts"
import type { Message } from "../MessageTypes.ts"
import * as Pipeline from "../pipeline/Pipeline.ts"
import * as Policy from "../policy/Policy.ts"
import type { HeaderChange, Phase, Stage, StageInput } from "../Stage.ts"
import type { StageTrace, Verdict } from "../Verdict.ts"
import * as Outcomes from "./Outcomes.ts"
import * as RecipientPolicy from "./RecipientPolicy.ts"
import * as SymbolRegistry from "./SymbolRegistry.ts"
import type { VerdictAdjustment, VerdictStep, VerdictStepInput } from "./VerdictStep.ts"
import { type Now, andThen, toEffect } from "../StageAnswers.ts"

/** @category errors */
export class EngineError extends Schema.TaggedError<EngineError>()("EngineError", {
  reason: Schema.Literals(["UnknownSymbol", "BadStage"]),
  detail: Schema.String
}) {
  override get message(): string {
    return this.detail
  }
}

export interface EngineOptions {
  readonly stages: ReadonlyArray<Stage>
  /** Spam score, classifier cut-offs, `onSpam`, subject prefix. */
  readonly policy?: Policy.PolicyOptions | undefined
  /** Weight overrides by symbol name (`antispam.scores`); a name no stage declares is an error. */
  readonly scores?: Readonly<Record<string, number>> | undefined
  /** Run after the policy, in order (temporary rejection). */
  readonly verdictSteps?: ReadonlyArray<VerdictStep> | undefined
  /** False: `data` delivers every recipient unscanned (`antispam.enabled: false`). Default true. */
  readonly scanning?: boolean | undefined
  /** Deadline of each connect / mail / rcpt phase (default 10000 ms); stage budgets apply inside. */
  readonly phaseDeadlineMillis?: number | undefined
  /** Per-recipient cut-off and action (the recipient directory); none: `policy` for everyone. */
  readonly recipientPolicies?: RecipientPolicy.RecipientPolicies | undefined
}

/** What one of the connect, mail and rcpt phases gave. */
export interface PhaseOutcome {
  readonly phase: Phase
  readonly traces: ReadonlyArray<StageTrace>
  readonly decided?: Outcomes.Decided | undefined
  readonly headers: ReadonlyArray<HeaderChange>
}

/** Phases the caller already ran during the session, and the facts they were given. */
export interface Earlier {
  readonly connect?: PhaseOutcome | undefined
  readonly mail?: PhaseOutcome | undefined
  /** By recipient address as given in RCPT TO. */
  readonly rcpt?: ReadonlyMap<string, PhaseOutcome> | undefined
  readonly facts?: Facts.Facts | undefined
}

export interface Engine {
  readonly stages: ReadonlyArray<Stage>
  readonly symbols: SymbolRegistry.SymbolRegistry
  readonly connect: (envelope: Envelope, facts?: Facts.Facts) => Effect.Effect<PhaseOutcome>
  readonly mail: (envelope: Envelope, facts?: Facts.Facts) => Effect.Effect<PhaseOutcome>
  readonly rcpt: (envelope: Envelope, recipient: string, facts?: Facts.Facts) => Effect.Effect<PhaseOutcome>
  /** One outcome per recipient of `message.envelope.rcptTo`, in that order. Never fails. */
  readonly data: (message: Message, earlier?: Earlier) => Effect.Effect<ReadonlyArray<RecipientOutcome>>
  /** `data` with every earlier phase run from the message's envelope. */
  readonly evaluate: (message: Message) => Effect.Effect<ReadonlyArray<RecipientOutcome>>
  /**
   * One outcome for a message that has no recipients of ours (a message a mail client
   * downloads): the connect, mail and data phases, the policy and the verdict steps; no rcpt phase.
   */
  readonly judge: (message: Message) => Effect.Effect<MessageOutcome>
}

/** The outcome of a message judged as a whole. */
export type MessageOutcome = Omit<RecipientOutcome, "recipient">

/** Stands for "the message as a whole" where recipients are keyed; never a real address. */
const WHOLE = ""

// One elements kind for every empty list the phases hand on (`ListKinds`).
const EMPTY = EMPTY_LIST

const hasOwnFindings = (traces: ReadonlyArray<StageTrace>) =>
  traces.some((t) => t.symbols.length > 0 || (t.outcome !== "ok" && t.outcome !== "skipped"))

/** What the verdict steps left: the verdict, the rule's marks, and the step that ended them. */
interface StepsDone {
  readonly verdict: Verdict
  readonly prefix: string | undefined
  readonly suffix: string | undefined
  readonly tempfail: VerdictAdjustment["tempfail"]
  readonly enforce: VerdictAdjustment["enforce"]
}

/** `a` then `b`, read-only: one of them as is when the other is empty (phases without stages). */
const joined = <A>(a: ReadonlyArray<A>, b: ReadonlyArray<A>): ReadonlyArray<A> =>
  b.length === 0 ? a : a.length === 0 ? b : [...a, ...b]

/** The first refusal of the three phases' decisions, else the first decision, else undefined. */
const firstDecided = (
  a: Outcomes.Decided | undefined,
  b: Outcomes.Decided | undefined,
  c: Outcomes.Decided | undefined
): Outcomes.Decided | undefined =>
  Outcomes.isRefusal(a) ? a : Outcomes.isRefusal(b) ? b : Outcomes.isRefusal(c) ? c : (a ?? b ?? c)

const adjust = (verdict: Verdict, adjustment: VerdictAdjustment): Verdict => {
  const added = adjustment.symbols ?? EMPTY
  if (added.length === 0 && adjustment.class === undefined) return verdict
  const score =
    Math.round((verdict.score + added.reduce((s, h) => s + (Number.isFinite(h.score) ? h.score : 0), 0)) * 100) / 100
  return { ...verdict, class: adjustment.class ?? verdict.class, score, symbols: [...verdict.symbols, ...added] }
}

/** The stages' header changes in order, by a loop (`flatMap` was a dear line of every message). */
const stageHeaders = (runs: ReadonlyArray<Pipeline.StageRun>): ReadonlyArray<HeaderChange> => {
  let out: Array<HeaderChange> | undefined
  for (const r of runs) {
    const headers = r.result?.headers
    if (headers === undefined || headers.length === 0) continue
    out ??= []
    for (const h of headers) out.push(h)
  }
  return out ?? EMPTY
}

const logFailures = (traces: ReadonlyArray<StageTrace>) => {
  const failed = traces.filter((t) => t.outcome !== "ok" && t.outcome !== "skipped")
  return failed.length === 0
    ? Effect.void
    : Effect.forEach(failed, (t) => Effect.logWarning(`stage ${t.stage} (${t.phase}) ${t.outcome}; failing open`), {
        discard: true
      })
}

/** `value`, after logging the failed stages of `traces` (none failed: `value` at once). */
const logged = <A>(traces: ReadonlyArray<StageTrace>, value: A): Effect.Effect<A> =>
  traces.every((t) => t.outcome === "ok" || t.outcome === "skipped")
    ? Effect.succeed(value)
    : Effect.as(logFailures(traces), value)

/** Builds the engine; fails when `scores` names a symbol no stage or step declares. */
export const make = (options: EngineOptions): Effect.Effect<Engine, EngineError> =>
  Effect.gen(function* () {
    const steps = options.verdictSteps ?? EMPTY
    const { registry, unknown } = SymbolRegistry.make(
      [...options.stages.map((s) => s.symbols), ...steps.map((s) => s.symbols)],
      options.scores
    )
    if (unknown.length > 0)
      return yield* new EngineError({
        reason: "UnknownSymbol",
        detail: `scores: no stage declares ${unknown.join(", ")}`
      })
    const policy: Policy.PolicyOptions = { ...options.policy, undecided: registry.undecided }
    const scanning = options.scanning ?? true
    const recipientPolicies = options.recipientPolicies
    const deadlineMillis = options.phaseDeadlineMillis ?? 10_000
    const byPhase = (p: Phase) => options.stages.filter((s) => s.phase === p)
    const stages = { connect: byPhase("connect"), mail: byPhase("mail"), rcpt: byPhase("rcpt"), data: byPhase("data") }

    const outcomeOf = (phase: Phase, run: Pipeline.PhaseRun): Effect.Effect<PhaseOutcome> => {
      const outcome: PhaseOutcome = {
        phase,
        traces: run.runs.map((r) => registry.rescore(r.trace)),
        decided: run.decided,
        headers: run.runs.length === 1 ? (run.runs[0]!.result?.headers ?? EMPTY) : stageHeaders(run.runs)
      }
      return logged(outcome.traces, outcome)
    }
    // A phase run that is already finished (a lone inline stage that only looked at memory) gives
    // a finished outcome: the gateway's runner then answers without a fiber.
    const runEarly = (phase: Phase, input: StageInput): Effect.Effect<PhaseOutcome> => {
      const list = stages[phase]
      // All four fields, in `outcomeOf`'s order: one hidden class for every phase's outcome.
      if (list.length === 0) return Effect.succeed({ phase, traces: EMPTY, decided: undefined, headers: EMPTY })
      const run = Pipeline.runPhase(list, input, { deadlineMillis })
      return Exit.isExit(run) && Exit.isSuccess(run)
        ? outcomeOf(phase, (run as Exit.Success<Pipeline.PhaseRun>).value)
        : Effect.flatMap(run, (r) => outcomeOf(phase, r))
    }
    const connect = (envelope: Envelope, facts = Facts.make()) =>
      runEarly("connect", { phase: "connect", envelope, facts })
    const mail = (envelope: Envelope, facts = Facts.make()) => runEarly("mail", { phase: "mail", envelope, facts })
    const rcpt = (envelope: Envelope, recipient: string, facts = Facts.make()) =>
      runEarly("rcpt", { phase: "rcpt", envelope, recipient, facts })

    // The data phase without a generator: each step goes on at once from what the one before gave
    // at once (`andThen`), and through the fiber only where a phase or a step has to wait.
    const scanNow = (
      message: Message,
      earlier: Earlier,
      whole: boolean
    ): Now<ReadonlyArray<RecipientOutcome>, never, never> => {
      const envelope = message.envelope
      const recipients = whole ? [WHOLE] : envelope.rcptTo
      if (!scanning) return Outcomes.unscanned(recipients, "antispam disabled")
      const facts = earlier.facts ?? Facts.make()
      return andThen(earlier.connect ?? connect(envelope, facts), (c) =>
        andThen(earlier.mail ?? mail(envelope, facts), (m) =>
          andThen(ownPhases(envelope, recipients, earlier, facts, whole), (own) =>
            afterEarly(message, recipients, facts, whole, c, m, own)
          )
        )
      )
    }

    const NONE: PhaseOutcome = { phase: "rcpt", traces: EMPTY, headers: EMPTY }
    /** Each recipient's rcpt phase (given, else run), in order, by recipient. */
    const ownPhases = (
      envelope: Envelope,
      recipients: ReadonlyArray<string>,
      earlier: Earlier,
      facts: Facts.Facts,
      whole: boolean
    ): Now<Map<string, PhaseOutcome>, never, never> => {
      const own = new Map<string, PhaseOutcome>()
      const from = (i: number): Now<Map<string, PhaseOutcome>, never, never> => {
        for (let j = i; j < recipients.length; j++) {
          const r = recipients[j]!
          const known = whole ? NONE : earlier.rcpt?.get(r)
          if (known !== undefined) {
            own.set(r, known)
            continue
          }
          return andThen(rcpt(envelope, r, facts), (o) => {
            own.set(r, o)
            return from(j + 1)
          })
        }
        return own
      }
      return from(0)
    }

    const afterEarly = (
      message: Message,
      recipients: ReadonlyArray<string>,
      facts: Facts.Facts,
      whole: boolean,
      c: PhaseOutcome,
      m: PhaseOutcome,
      own: ReadonlyMap<string, PhaseOutcome>
    ): Now<ReadonlyArray<RecipientOutcome>, never, never> => {
      const common = joined(c.traces, m.traces)
      const commonHeaders = joined(c.headers, m.headers)
      const out = new Map<string, RecipientOutcome>()
      const toScan: Array<string> = []
      for (const r of recipients) {
        const o = own.get(r)!
        const d = firstDecided(c.decided, m.decided, o.decided)
        if (d === undefined) toScan.push(r)
        else out.set(r, Outcomes.decided(r, d, [...common, ...o.traces], policy, [...commonHeaders, ...o.headers]))
      }
      const ordered = () => recipients.map((r) => out.get(r)!)
      if (toScan.length === 0) return ordered()

      const scanFor = whole ? EMPTY : toScan
      const phase = Pipeline.runPhase(stages.data, { phase: "data", message, recipients: scanFor, facts })
      return andThen(phase, (run) => {
        const dataTraces = run.runs.map((r) => registry.rescore(r.trace))
        return andThen(logged(dataTraces, dataTraces), () => {
          const dataHeaders = stageHeaders(run.runs)
          const tracesOf = (r: string) => [...common, ...own.get(r)!.traces, ...dataTraces]
          const headersOf = (r: string) => [...commonHeaders, ...own.get(r)!.headers, ...dataHeaders]
          for (const rd of run.recipientDecisions) {
            const d = { ...rd, symbols: rd.symbols === undefined ? undefined : registry.rescoreHits(rd.symbols) }
            out.set(
              rd.recipient,
              Outcomes.decided(rd.recipient, d, tracesOf(rd.recipient), policy, headersOf(rd.recipient))
            )
          }
          const remaining = toScan.filter((r) => !out.has(r))
          if (remaining.length === 0) return ordered()
          if (run.decided !== undefined) {
            for (const r of remaining) out.set(r, Outcomes.decided(r, run.decided, tracesOf(r), policy, headersOf(r)))
            return ordered()
          }
          const probability = run.runs.find((x) => x.result?.probability !== undefined)?.result?.probability
          // A classifier stage bands its probability itself (its symbol says which band): the
          // probability is recorded, not banded a second time with the policy's defaults.
          const verdictOf = (traces: ReadonlyArray<StageTrace>, options = policy): Verdict => ({
            ...Policy.verdictOf(traces, EMPTY, options),
            probability
          })
          const base = verdictOf([...common, ...dataTraces])
          const input = { message, recipients: whole ? EMPTY : remaining, facts }
          return andThen(stepsFrom(0, base, input, { prefix: undefined, suffix: undefined }), (after) => {
            const { verdict, prefix, suffix, tempfail, enforce } = after
            const added = verdict.symbols.slice(base.symbols.length)
            const classChanged = verdict.class !== base.class ? verdict.class : undefined
            for (const r of remaining) {
              const ownTraces = own.get(r)!.traces
              const mine = whole || recipientPolicies === undefined ? undefined : recipientPolicies(r)
              const p = mine === undefined ? policy : RecipientPolicy.optionsFor(policy, mine)
              // A recipient's own rcpt findings count for that recipient only; its own cut-off too.
              const v =
                hasOwnFindings(ownTraces) || mine?.spamScore !== undefined
                  ? adjust(verdictOf(tracesOf(r), p), { symbols: added, class: classChanged })
                  : ownTraces.length > 0
                    ? { ...verdict, trace: tracesOf(r) }
                    : verdict
              if (tempfail !== undefined) {
                out.set(r, {
                  recipient: r,
                  verdict: v,
                  action: { _tag: "Tempfail", reason: tempfail.reason },
                  rule: tempfail.rule
                })
                continue
              }
              const rule = [prefix, Outcomes.policyRule(v, p, mine?.source), suffix]
                .filter((x) => x !== undefined)
                .join("; ")
              const outcome = Outcomes.scanned(r, v, rule, p, headersOf(r))
              out.set(r, enforce === undefined ? outcome : Outcomes.enforced(outcome, enforce))
            }
            return ordered()
          })
        })
      })
    }

    /** The verdict steps from `i` on, in order, each seeing the verdict the one before left. */
    const stepsFrom = (
      i: number,
      verdict: Verdict,
      input: Omit<VerdictStepInput, "verdict">,
      marks: { readonly prefix: string | undefined; readonly suffix: string | undefined }
    ): Now<StepsDone, never, never> => {
      if (i >= steps.length) return { verdict, ...marks, tempfail: undefined, enforce: undefined }
      // Literals, not spreads: on Node 20 a spread that adds a key (`{ ...input, verdict }`) gives
      // every copy a hidden class of its own, and each step's reads of its input go megamorphic.
      const stepInput = { message: input.message, recipients: input.recipients, verdict, facts: input.facts }
      return andThen(steps[i]!.run(stepInput), (a) => {
        const next = adjust(verdict, {
          symbols: a.symbols === undefined ? undefined : registry.rescoreHits(a.symbols),
          class: a.class
        })
        const prefix = a.rulePrefix ?? marks.prefix
        const suffix = a.ruleSuffix ?? marks.suffix
        if (a.tempfail !== undefined || a.enforce !== undefined)
          return { verdict: next, prefix, suffix, tempfail: a.tempfail, enforce: a.enforce }
        return stepsFrom(i + 1, next, input, { prefix, suffix })
      })
    }

    // The phase's effect runs the scan when it runs (not when it is built), in the caller's fiber.
    const scan = (message: Message, earlier: Earlier, whole: boolean) =>
      Effect.suspend(() => toEffect(scanNow(message, earlier, whole)))

    const guarded = (
      message: Message,
      earlier: Earlier,
      whole: boolean
    ): Effect.Effect<ReadonlyArray<RecipientOutcome>> =>
      scan(message, earlier, whole).pipe(
        Effect.catchCause((cause) =>
          Cause.hasInterruptsOnly(cause)
            ? Effect.failCause(cause as Cause.Cause<never>)
            : Effect.logError(
                `engine: evaluation failed, answering tempfail: ${Cause.pretty(cause).slice(0, 500)}`
              ).pipe(Effect.as(Outcomes.failed(whole ? [WHOLE] : message.envelope.rcptTo)))
        )
      )
    const data = (message: Message, earlier: Earlier = {}) => guarded(message, earlier, false)
    const judge = (message: Message): Effect.Effect<MessageOutcome> =>
      Effect.map(guarded(message, {}, true), (outs) => {
        const { recipient: _, ...outcome } = outs[0]!
        return outcome
      })

    return {
      stages: options.stages,
      symbols: registry,
      connect,
      mail,
      rcpt,
      data,
      evaluate: (message) => data(message),
      judge
    }
  })
