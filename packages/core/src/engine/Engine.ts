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
import { Cause, Effect, Schema } from "effect"
import type { Envelope } from "../Envelope.ts"
import type { RecipientOutcome } from "../Evaluation.ts"
import * as Facts from "../Facts.ts"
import type { Message } from "../MessageTypes.ts"
import * as Pipeline from "../pipeline/Pipeline.ts"
import * as Policy from "../policy/Policy.ts"
import type { HeaderChange, Phase, Stage, StageInput } from "../Stage.ts"
import type { StageTrace, Verdict } from "../Verdict.ts"
import * as Outcomes from "./Outcomes.ts"
import * as SymbolRegistry from "./SymbolRegistry.ts"
import type { VerdictAdjustment, VerdictStep } from "./VerdictStep.ts"

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

const EMPTY: ReadonlyArray<never> = []

const hasOwnFindings = (traces: ReadonlyArray<StageTrace>) =>
  traces.some((t) => t.symbols.length > 0 || (t.outcome !== "ok" && t.outcome !== "skipped"))

const adjust = (verdict: Verdict, adjustment: VerdictAdjustment): Verdict => {
  const added = adjustment.symbols ?? EMPTY
  if (added.length === 0 && adjustment.class === undefined) return verdict
  const score =
    Math.round((verdict.score + added.reduce((s, h) => s + (Number.isFinite(h.score) ? h.score : 0), 0)) * 100) / 100
  return { ...verdict, class: adjustment.class ?? verdict.class, score, symbols: [...verdict.symbols, ...added] }
}

const logFailures = (traces: ReadonlyArray<StageTrace>) => {
  const failed = traces.filter((t) => t.outcome !== "ok" && t.outcome !== "skipped")
  return failed.length === 0
    ? Effect.void
    : Effect.forEach(failed, (t) => Effect.logWarning(`stage ${t.stage} (${t.phase}) ${t.outcome}; failing open`), {
        discard: true
      })
}

const allOk = (traces: ReadonlyArray<StageTrace>) => traces.every((t) => t.outcome === "ok" || t.outcome === "skipped")

/** `value`, after logging the failed stages of `traces` (none failed: `value` at once). */
const logged = <A>(traces: ReadonlyArray<StageTrace>, value: A): Effect.Effect<A> =>
  allOk(traces) ? Effect.succeed(value) : Effect.as(logFailures(traces), value)

/** What the connect, mail and rcpt phases gave for one message. */
interface Early {
  readonly c: PhaseOutcome
  readonly m: PhaseOutcome
  readonly own: ReadonlyMap<string, PhaseOutcome>
}

/** No rcpt phase: a message judged as a whole. */
const NO_RCPT: PhaseOutcome = { phase: "rcpt", traces: EMPTY, headers: EMPTY }

/** The verdict so far and what the verdict steps added to the rule. */
interface Stepped {
  readonly verdict: Verdict
  readonly prefix: string | undefined
  readonly suffix: string | undefined
  readonly tempfail: VerdictAdjustment["tempfail"]
  readonly enforce: VerdictAdjustment["enforce"]
}

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
    const deadlineMillis = options.phaseDeadlineMillis ?? 10_000
    const byPhase = (p: Phase) => options.stages.filter((s) => s.phase === p)
    const stages = { connect: byPhase("connect"), mail: byPhase("mail"), rcpt: byPhase("rcpt"), data: byPhase("data") }

    const runEarly = (phase: Phase, input: StageInput): Effect.Effect<PhaseOutcome> => {
      const list = stages[phase]
      if (list.length === 0) return Effect.succeed({ phase, traces: EMPTY, headers: EMPTY })
      return Effect.flatMap(Pipeline.runPhase(list, input, { deadlineMillis }), (run) => {
        const outcome: PhaseOutcome = {
          phase,
          traces: run.runs.map((r) => registry.rescore(r.trace)),
          decided: run.decided,
          headers:
            run.runs.length === 1
              ? (run.runs[0]!.result?.headers ?? EMPTY)
              : run.runs.flatMap((r) => r.result?.headers ?? EMPTY)
        }
        return logged(outcome.traces, outcome)
      })
    }
    const connect = (envelope: Envelope, facts = Facts.make()) =>
      runEarly("connect", { phase: "connect", envelope, facts })
    const mail = (envelope: Envelope, facts = Facts.make()) => runEarly("mail", { phase: "mail", envelope, facts })
    const rcpt = (envelope: Envelope, recipient: string, facts = Facts.make()) =>
      runEarly("rcpt", { phase: "rcpt", envelope, recipient, facts })

    /** The connect, mail and rcpt outcomes: the earlier ones given, the others run now (in SMTP order). */
    const earlyPhases = (
      envelope: Envelope,
      recipients: ReadonlyArray<string>,
      earlier: Earlier,
      facts: Facts.Facts,
      whole: boolean
    ): Effect.Effect<Early> => {
      const own = new Map<string, PhaseOutcome>()
      const rcptFrom = (i: number, c: PhaseOutcome, m: PhaseOutcome): Effect.Effect<Early> => {
        for (; i < recipients.length; i++) {
          const r = recipients[i]!
          const known = whole ? NO_RCPT : earlier.rcpt?.get(r)
          if (known !== undefined) {
            own.set(r, known)
            continue
          }
          const next = i + 1
          return Effect.flatMap(rcpt(envelope, r, facts), (o) => {
            own.set(r, o)
            return rcptFrom(next, c, m)
          })
        }
        return Effect.succeed({ c, m, own })
      }
      const withMail = (c: PhaseOutcome) =>
        earlier.mail !== undefined
          ? rcptFrom(0, c, earlier.mail)
          : Effect.flatMap(mail(envelope, facts), (m) => rcptFrom(0, c, m))
      return earlier.connect !== undefined
        ? withMail(earlier.connect)
        : Effect.flatMap(connect(envelope, facts), withMail)
    }

    // By continuations, not a generator: the data phase's only waits are the stages and the
    // verdict steps; everything between them runs in the continuation that follows.
    const scan = (message: Message, earlier: Earlier, whole: boolean): Effect.Effect<ReadonlyArray<RecipientOutcome>> =>
      Effect.suspend(() => {
        const envelope = message.envelope
        const recipients = whole ? [WHOLE] : envelope.rcptTo
        if (!scanning) return Effect.succeed(Outcomes.unscanned(recipients, "antispam disabled"))
        const facts = earlier.facts ?? Facts.make()
        return Effect.flatMap(earlyPhases(envelope, recipients, earlier, facts, whole), (early) =>
          scanData(message, recipients, early, facts, whole)
        )
      })

    const scanData = (
      message: Message,
      recipients: ReadonlyArray<string>,
      { c, m, own }: Early,
      facts: Facts.Facts,
      whole: boolean
    ): Effect.Effect<ReadonlyArray<RecipientOutcome>> => {
      const common = [...c.traces, ...m.traces]
      const commonHeaders = [...c.headers, ...m.headers]
      const out = new Map<string, RecipientOutcome>()
      const toScan: Array<string> = []
      for (const r of recipients) {
        const o = own.get(r)!
        const candidates = [c.decided, m.decided, o.decided].filter((d): d is Outcomes.Decided => d !== undefined)
        const d = candidates.find(Outcomes.isRefusal) ?? candidates[0]
        if (d === undefined) toScan.push(r)
        else out.set(r, Outcomes.decided(r, d, [...common, ...o.traces], policy, [...commonHeaders, ...o.headers]))
      }
      const ordered = () => recipients.map((r) => out.get(r)!)
      if (toScan.length === 0) return Effect.succeed(ordered())

      const scanFor = whole ? EMPTY : toScan
      return Effect.flatMap(
        Pipeline.runPhase(stages.data, { phase: "data", message, recipients: scanFor, facts }),
        (run) => {
          const dataTraces = run.runs.map((r) => registry.rescore(r.trace))
          const judged = (): Effect.Effect<ReadonlyArray<RecipientOutcome>> => {
            const dataHeaders = run.runs.flatMap((r) => r.result?.headers ?? EMPTY)
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
            if (remaining.length === 0) return Effect.succeed(ordered())
            if (run.decided !== undefined) {
              for (const r of remaining) out.set(r, Outcomes.decided(r, run.decided, tracesOf(r), policy, headersOf(r)))
              return Effect.succeed(ordered())
            }

            const probability = run.runs.find((x) => x.result?.probability !== undefined)?.result?.probability
            // A classifier stage bands its probability itself (its symbol says which band): the
            // probability is recorded, not banded a second time with the policy's defaults.
            const verdictOf = (traces: ReadonlyArray<StageTrace>): Verdict => ({
              ...Policy.verdictOf(traces, EMPTY, policy),
              probability
            })
            const base = verdictOf([...common, ...dataTraces])
            const stepInput = { message, recipients: whole ? EMPTY : remaining, facts }

            const conclude = (stepped: Stepped): ReadonlyArray<RecipientOutcome> => {
              const { verdict, prefix, suffix, tempfail, enforce } = stepped
              const added = verdict.symbols.slice(base.symbols.length)
              const classChanged = verdict.class !== base.class ? verdict.class : undefined
              for (const r of remaining) {
                const ownTraces = own.get(r)!.traces
                // A recipient's own rcpt findings count for that recipient only.
                const v = hasOwnFindings(ownTraces)
                  ? adjust(verdictOf(tracesOf(r)), { symbols: added, class: classChanged })
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
                const rule = [prefix, Outcomes.policyRule(v, policy), suffix].filter((x) => x !== undefined).join("; ")
                const outcome = Outcomes.scanned(r, v, rule, policy, headersOf(r))
                out.set(r, enforce === undefined ? outcome : Outcomes.enforced(outcome, enforce))
              }
              return ordered()
            }

            // The verdict steps in order; one that tempfails or enforces ends them.
            const stepFrom = (i: number, stepped: Stepped): Effect.Effect<ReadonlyArray<RecipientOutcome>> => {
              const step = steps[i]
              if (step === undefined) return Effect.succeed(conclude(stepped))
              return Effect.flatMap(step.run({ ...stepInput, verdict: stepped.verdict }), (a) => {
                const next: Stepped = {
                  verdict: adjust(stepped.verdict, {
                    ...a,
                    symbols: a.symbols === undefined ? undefined : registry.rescoreHits(a.symbols)
                  }),
                  prefix: a.rulePrefix ?? stepped.prefix,
                  suffix: a.ruleSuffix ?? stepped.suffix,
                  tempfail: a.tempfail,
                  enforce: a.enforce
                }
                return a.tempfail !== undefined || a.enforce !== undefined
                  ? Effect.succeed(conclude(next))
                  : stepFrom(i + 1, next)
              })
            }
            return stepFrom(0, {
              verdict: base,
              prefix: undefined,
              suffix: undefined,
              tempfail: undefined,
              enforce: undefined
            })
          }
          return allOk(dataTraces) ? judged() : Effect.flatMap(logFailures(dataTraces), judged)
        }
      )
    }

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
