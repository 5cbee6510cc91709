/**
 * `defineStage`: a custom check with a phase, declared symbols, a time budget and (optionally)
 * its own options schema. `run` is a plain async function over read-only message facts; it
 * returns the symbols it observed (`ctx.hit`), and optionally a decision.
 *
 * The SDK turns it into the engine's `Stage`:
 * - `run` gets an `AbortSignal` that fires when the budget is over;
 * - a throw or rejection fails with `StageError{reason: "Threw: ..."}`, a budget overrun with
 *   `StageError{reason: "Timeout"}`, a malformed return value (undeclared symbol, wrong types)
 *   with `StageError{reason: "BadResult: ..."}`. The pipeline records these as zero-weight
 *   failures: a broken stage never makes mail spam;
 * - hits score the symbol's declared weight (the policy may override weights in config).
 *
 * @category constructors
 * @since 0.1.0
 */
import type { Decision, HeaderChange, Phase, Stage, StageInput, StageResult, SymbolHit } from "@mailmoat/core"
import { Plugins, StageError } from "@mailmoat/core"
import { Effect, Option, type Schema } from "effect"
import { type EnvelopeView, envelopeView, type HeldFacts, type MessageFacts, messageFacts } from "./MessageFacts.ts"

/** A symbol this stage may emit: default weight (policy may override) and what it means. */
export interface SymbolSpec {
  readonly weight: number
  readonly description: string
  readonly group?: string | undefined
  /** The stage could not tell (a lookup did not answer): the message is `unsure`, never `ham`. */
  readonly undecided?: boolean | undefined
}

/** One observation; build it with `ctx.hit`. */
export interface Hit<S extends string = string> {
  readonly symbol: S
  /** Why, for humans (`"Subject is all capitals"`); cut to 200 characters. */
  readonly detail?: string | undefined
}

/** A decision that ends the phase (use sparingly: most stages only observe). */
export interface StageDecision {
  readonly action: "accept" | "reject" | "tempfail"
  readonly reason: string
}

export type StageReturn<S extends string> =
  | undefined
  // biome-ignore lint/suspicious/noConfusingVoidType: lets `run` be a function that returns nothing
  | void
  | ReadonlyArray<Hit<S>>
  | {
      readonly hits?: ReadonlyArray<Hit<S>> | undefined
      readonly decision?: StageDecision | undefined
      readonly facts?: Readonly<Record<string, unknown>> | undefined
      /**
       * Header changes for the delivered message (data phase): `{ op: "add" | "set", name, value }`
       * or `{ op: "remove", name }`; at most 20, values one line. The gateway's own `X-Mailmoat-*`
       * fields and `Received` cannot be changed.
       */
      readonly headers?: ReadonlyArray<HeaderChange> | undefined
    }

export interface StageContext<P extends Phase, O, S extends string> {
  readonly stage: string
  readonly phase: P
  readonly envelope: EnvelopeView
  /** The message (data phase only). */
  readonly message: P extends "data" ? MessageFacts : undefined
  /** The recipient being checked (rcpt phase only). */
  readonly recipient: P extends "rcpt" ? string : undefined
  /** Recipients this run is for (data phase: those still being scanned). */
  readonly recipients: ReadonlyArray<string>
  readonly options: O
  /** Aborted when the budget is over. */
  readonly signal: AbortSignal
  hit(symbol: S, detail?: string): Hit<S>
}

export interface StageSpec<P extends Phase, O, S extends string> {
  /** Unique stage name, shown in traces (letters, digits, `@._/:-`). */
  readonly name: string
  readonly phase: P
  readonly symbols: { readonly [K in S]: SymbolSpec }
  /** Milliseconds the stage may take (default 1000, at most 60000). */
  readonly budgetMillis?: number | undefined
  /** Stages with a lower order run first; equal orders run concurrently (default 100: after built-ins). */
  readonly order?: number | undefined
  readonly run: (ctx: StageContext<P, O, S>) => StageReturn<S> | Promise<StageReturn<S>>
}

/** A stage with options: `make(options)` gives the engine stage; `options` composes into a plugin schema. */
export interface StageDefinition<O> {
  readonly name: string
  readonly options: Schema.Decoder<O>
  readonly make: (options: O) => Stage
}

const DECISION = { accept: "Accept", reject: "Reject", tempfail: "Tempfail" } as const

const failure = (stage: string, reason: string, temporary = false) =>
  new StageError({ stage, reason: reason.slice(0, 500), temporary })

/** Checks what `run` returned; a string says what is wrong. */
const toResult = (stage: string, symbols: Readonly<Record<string, SymbolSpec>>, raw: unknown): StageResult | string => {
  if (raw === undefined) return { symbols: [] }
  const obj = Array.isArray(raw) ? { hits: raw } : raw
  if (typeof obj !== "object" || obj === null) return "run must return hits, { hits, decision, facts } or nothing"
  const {
    hits = [],
    decision,
    facts,
    headers
  } = obj as { hits?: unknown; decision?: unknown; facts?: unknown; headers?: unknown }
  if (!Array.isArray(hits) || hits.length > Plugins.MAX_HITS)
    return `hits must be a list of at most ${Plugins.MAX_HITS}`
  const out: Array<SymbolHit> = []
  for (const h of hits as ReadonlyArray<{ symbol?: unknown; detail?: unknown } | null>) {
    const name = h?.symbol
    if (typeof name !== "string" || !Object.hasOwn(symbols, name))
      return `undeclared symbol ${String(name).slice(0, 64)}`
    if (h!.detail !== undefined && typeof h!.detail !== "string") return `symbol ${name}: detail must be a string`
    out.push({
      name,
      score: symbols[name]!.weight,
      detail: (h!.detail as string | undefined)?.slice(0, 200),
      source: stage
    })
  }
  let d: Decision | undefined
  if (decision !== undefined) {
    const v = decision as Partial<StageDecision> | null
    const tag = DECISION[v?.action as keyof typeof DECISION]
    if (tag === undefined || typeof v?.reason !== "string")
      return 'decision must be { action: "accept" | "reject" | "tempfail", reason }'
    d = { _tag: tag, reason: v.reason.slice(0, 200) }
  }
  if (facts !== undefined && (typeof facts !== "object" || facts === null || Array.isArray(facts)))
    return "facts must be an object"
  const headerProblem = headers === undefined ? undefined : Plugins.headerChangesProblem(headers)
  if (headerProblem !== undefined) return headerProblem
  const changes =
    headers === undefined
      ? undefined
      : Object.freeze(
          (headers as ReadonlyArray<HeaderChange>).map(
            (c): HeaderChange =>
              Object.freeze(c.op === "remove" ? { op: c.op, name: c.name } : { op: c.op, name: c.name, value: c.value })
          )
        )
  return {
    symbols: out,
    decision: d,
    facts: facts === undefined ? undefined : Object.freeze({ ...(facts as object) }),
    ...(changes ? { headers: changes } : {})
  }
}

const makeStage = <P extends Phase, O, S extends string>(spec: StageSpec<P, O, S>, options: O): Stage => {
  const budgetMillis = spec.budgetMillis ?? 1000
  const symbols: Readonly<Record<string, SymbolSpec>> = Object.freeze(
    Object.fromEntries(Object.entries<SymbolSpec>(spec.symbols).map(([k, v]) => [k, Object.freeze({ ...v })]))
  )
  const base = { name: spec.name, phase: spec.phase, budgetMillis, order: spec.order ?? 100, symbols }
  const problems = Plugins.checkStage({ ...base, run: () => undefined })
  if (problems.length > 0) throw new TypeError(`defineStage(${JSON.stringify(spec.name)}): ${problems.join("; ")}`)

  const context = (input: StageInput, message: HeldFacts | undefined, signal: AbortSignal) => {
    const envelope = input.phase === "data" ? input.message.envelope : input.envelope
    return Object.freeze({
      stage: spec.name,
      phase: input.phase,
      envelope: envelopeView(envelope),
      message: message?.view,
      recipient: input.phase === "rcpt" ? input.recipient : undefined,
      recipients: Object.freeze([
        ...(input.phase === "data" ? input.recipients : input.phase === "rcpt" ? [input.recipient] : envelope.rcptTo)
      ]),
      options,
      signal,
      hit: (symbol: S, detail?: string): Hit<S> => Object.freeze({ symbol, detail })
    }) as unknown as StageContext<P, O, S>
  }

  const run = (input: StageInput): Effect.Effect<StageResult, StageError> => {
    if (input.phase !== spec.phase) return Effect.succeed({ symbols: [] })
    const message = input.phase === "data" ? messageFacts(input.message) : undefined
    // `(signal) =>` must be declared for Effect to create and abort an AbortSignal.
    const ran = Effect.tryPromise({
      try: async (signal) => spec.run(context(input, message, signal)),
      catch: (e) => failure(spec.name, `Threw: ${e instanceof Error ? e.message : String(e)}`.split("\n")[0]!)
    }).pipe(Effect.timeoutOption(budgetMillis))
    // Settled while the data phase still holds the message's parts: done, failed or out of time
    // (a run past its budget goes on, and may read its view after the phase).
    return (message === undefined ? ran : Effect.ensuring(ran, Effect.sync(message.settle))).pipe(
      Effect.flatMap((o) => {
        if (Option.isNone(o)) return Effect.fail(failure(spec.name, "Timeout", true))
        const r = toResult(spec.name, symbols, o.value)
        return typeof r === "string" ? Effect.fail(failure(spec.name, `BadResult: ${r}`)) : Effect.succeed(r)
      })
    )
  }
  return Object.freeze({ ...base, run })
}

/**
 * Defines a stage. Without `options` it returns the engine `Stage`; with an `options` schema it
 * returns a `StageDefinition` whose `make(options)` gives the stage (the plugin decodes the
 * options, usually by embedding `definition.options` in its own schema).
 * Throws a `TypeError` naming the stage when the definition itself is wrong.
 *
 * @example
 * ```ts
 * export const shouting = defineStage({
 *   name: "acme-shouting-subject",
 *   phase: "data",
 *   symbols: { ACME_SUBJECT_SHOUTING: { weight: 1.5, description: "Subject is all capitals" } },
 *   run: ({ message, hit }) => {
 *     const s = message.headers.decoded("subject") ?? ""
 *     return s.length > 12 && s === s.toUpperCase() ? [hit("ACME_SUBJECT_SHOUTING", s.slice(0, 40))] : []
 *   }
 * })
 * ```
 * @category constructors
 * @since 0.1.0
 */
export function defineStage<P extends Phase, S extends string>(
  spec: StageSpec<P, undefined, S> & { readonly options?: undefined }
): Stage
export function defineStage<P extends Phase, O, S extends string>(
  spec: StageSpec<P, O, S> & { readonly options: Schema.Decoder<O> }
): StageDefinition<O>
export function defineStage<P extends Phase, O, S extends string>(
  spec: StageSpec<P, O, S> & { readonly options?: Schema.Decoder<O> | undefined }
): Stage | StageDefinition<O> {
  if (spec.options === undefined) return makeStage(spec as StageSpec<P, O, S>, undefined as O)
  // Build once with no options to check the static shape now, at definition time.
  const check = Plugins.checkStage({
    name: spec.name,
    phase: spec.phase,
    budgetMillis: spec.budgetMillis ?? 1000,
    symbols: spec.symbols,
    run: () => undefined
  })
  if (check.length > 0) throw new TypeError(`defineStage(${JSON.stringify(spec.name)}): ${check.join("; ")}`)
  return Object.freeze({ name: spec.name, options: spec.options, make: (options: O) => makeStage(spec, options) })
}
