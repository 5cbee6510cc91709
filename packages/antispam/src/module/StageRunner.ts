/**
 * Runs the data-phase stages of the server antispam module and records a trace.
 *
 * Stages with the same `order` run concurrently; lower orders first (the end-user stage reads
 * the RBL stage's answers). Each stage gets its `budgetMillis`; a stage that times out, fails
 * with `StageError`, or dies with a defect yields a trace entry (`timeout`, `failed:<reason>`)
 * and no symbols: a failure is never spam (P7). Interruption of the caller is not swallowed.
 *
 * This is the module's own small runner: when the core `Pipeline` is available the module can
 * hand the same stage list to it; the trace shape is the core `StageTrace`.
 *
 * @category services
 * @since 0.1.0
 */
import type { Stage, StageInput, StageResult, StageTrace } from "@mailmoat/core"
import { Cause, Clock, Effect, Option } from "effect"

const runOne = (stage: Stage, input: StageInput): Effect.Effect<{ trace: StageTrace; result?: StageResult | undefined }> =>
  Effect.gen(function* () {
    const start = yield* Clock.currentTimeMillis
    const guarded = Effect.suspend(() => stage.run(input)).pipe(
      Effect.map((r) => ({ ok: true as const, r })),
      Effect.catchCause((cause) =>
        Cause.hasInterruptsOnly(cause)
          ? Effect.failCause(cause as Cause.Cause<never>)
          : Effect.succeed({
              ok: false as const,
              outcome: `failed:${(Cause.squash(cause) as { reason?: string })?.reason ?? "Defect"}` as const,
              detail: String(Cause.squash(cause)).slice(0, 200)
            })
      )
    )
    const out = stage.budgetMillis > 0 ? yield* Effect.timeoutOption(guarded, stage.budgetMillis) : Option.some(yield* guarded)
    const millis = (yield* Clock.currentTimeMillis) - start
    const base = { stage: stage.name, phase: stage.phase, millis }
    if (Option.isNone(out)) return { trace: { ...base, outcome: "timeout", symbols: [] } }
    const v = out.value
    if (!v.ok) return { trace: { ...base, outcome: v.outcome, symbols: [], facts: { error: v.detail } } }
    return { trace: { ...base, outcome: "ok", symbols: v.r.symbols, facts: v.r.facts }, result: v.r }
  })

/** Runs `stages` (sorted by order, same order concurrently); returns traces in stage order. */
export const runStages = (stages: ReadonlyArray<Stage>, input: StageInput) =>
  Effect.gen(function* () {
    const orders = [...new Set(stages.map((s) => s.order ?? 0))].sort((a, b) => a - b)
    const out: Array<{ trace: StageTrace; result?: StageResult | undefined }> = []
    for (const order of orders) {
      const group = stages.filter((s) => (s.order ?? 0) === order)
      out.push(...(yield* Effect.forEach(group, (s) => runOne(s, input), { concurrency: "unbounded" })))
    }
    return out
  })
