/**
 * Host-side checks on what a plugin contributes. The host trusts no plugin value, whoever built
 * it: the SDK validates at its boundary, and the host validates again here, because a plugin may
 * hand-build the branded object or carry a buggy copy of the SDK.
 *
 * - `checkProvider` / `checkStage`: the static shape at load time (names, kinds, phases,
 *   budgets, symbol tables). A bad shape is a load problem, not a runtime surprise.
 * - `guardProvider`: answers with over-long strings become `Unknown: ProviderError`; thrown
 *   errors and defects are caught by the `BlocklistRunner`, which also applies the timeout.
 * - `guardStage`: a result that emits undeclared symbols, non-finite scores, over-long details or
 *   an unknown decision fails with `StageError{reason: "BadResult"}`; a throw inside `run` fails
 *   with `StageError{reason: "Threw"}`. The pipeline turns both into a trace entry with no
 *   symbols: a broken plugin never makes mail spam.
 *
 * @category guards
 * @since 0.1.0
 */
import { Effect } from "effect"
import type { BlocklistAnswer, BlocklistProvider, BlocklistQuery, QueryKind } from "../Blocklist.ts"
import { validateAnswer } from "../blocklist/BlocklistRunner.ts"
import { phases, type Stage, type StageInput, type StageResult } from "../Stage.ts"
import { StageError } from "../StageError.ts"
import type { SymbolHit } from "../SymbolHit.ts"

/** Longest free-text field (reason, detail) a plugin may return. */
export const MAX_TEXT = 500
/** Most symbols one stage run may emit. */
export const MAX_HITS = 100
/** Longest timeout or budget a plugin may ask for. */
export const MAX_MILLIS = 60_000

const KINDS: ReadonlySet<QueryKind> = new Set(["ip", "domain", "address"])
const PHASES = new Set<string>(phases)
const DECISIONS = new Set(["Continue", "Bypass", "Accept", "Reject", "Tempfail"])
export const NAME = /^[A-Za-z0-9@][A-Za-z0-9@._/:-]{0,99}$/
/** Provider names may be whole DNS zones with a return code (`_x.bl.example:127.0.0.4`): up to 253 characters. */
export const PROVIDER_NAME = /^[A-Za-z0-9@_][A-Za-z0-9@._/:-]{0,252}$/
const SYMBOL = /^[A-Z][A-Z0-9_]{0,63}$/

const isMillis = (n: unknown, min: number) => typeof n === "number" && Number.isFinite(n) && n >= min && n <= MAX_MILLIS
const isText = (s: unknown) => s === undefined || (typeof s === "string" && s.length <= MAX_TEXT)
/** Most header changes one stage run may ask for. */
export const MAX_HEADER_CHANGES = 20
/** A header field name (RFC 5322 section 3.6.8: printable ASCII except colon), at most 76 characters. */
const FIELD_NAME = /^[!-9;-~]{1,76}$/
const HEADER_OPS = new Set(["add", "set", "remove"])

const decisionProblem = (d: unknown): string | undefined => {
  const v = d as Record<string, unknown> | null
  if (typeof v !== "object" || v === null || !DECISIONS.has(v._tag as string)) return "unknown decision"
  if (v._tag !== "Continue" && !(typeof v.reason === "string" && isText(v.reason))) return "decision without a reason"
  return undefined
}

const symbolsProblem = (stage: Stage<unknown>, symbols: unknown): string | undefined => {
  if (!Array.isArray(symbols)) return "symbols is not a list"
  if (symbols.length > MAX_HITS) return `more than ${MAX_HITS} symbols`
  for (const h of symbols as ReadonlyArray<Partial<SymbolHit> | null>) {
    if (typeof h !== "object" || h === null || typeof h.name !== "string")
      return "a symbol is not an object with a name"
    if (!Object.hasOwn(stage.symbols, h.name)) return `undeclared symbol ${h.name.slice(0, 64)}`
    if (typeof h.score !== "number" || !Number.isFinite(h.score))
      return `symbol ${h.name}: score is not a finite number`
    if (!isText(h.detail)) return `symbol ${h.name}: detail is not a string of at most ${MAX_TEXT} characters`
  }
  return undefined
}

/** Why a stage's header changes are unusable: a bounded list of `{ op, name, value }` with a field name and a short value. */
export const headerChangesProblem = (headers: unknown): string | undefined => {
  if (!Array.isArray(headers) || headers.length > MAX_HEADER_CHANGES)
    return `headers must be a list of at most ${MAX_HEADER_CHANGES} changes`
  for (const c of headers as ReadonlyArray<Record<string, unknown> | null>) {
    if (typeof c !== "object" || c === null || !HEADER_OPS.has(c.op as string))
      return 'a header change needs op "add", "set" or "remove"'
    if (typeof c.name !== "string" || !FIELD_NAME.test(c.name))
      return `header name ${JSON.stringify(String(c.name).slice(0, 80))} is not a field name`
    if (c.op !== "remove" && !(typeof c.value === "string" && isText(c.value)))
      return `header ${c.name}: value is not a string of at most ${MAX_TEXT} characters`
  }
  return undefined
}

const recipientDecisionsProblem = (stage: Stage<unknown>, list: unknown): string | undefined => {
  if (!Array.isArray(list)) return "recipientDecisions is not a list"
  for (const d of list as ReadonlyArray<Record<string, unknown> | null>) {
    if (typeof d !== "object" || d === null || typeof d.recipient !== "string")
      return "a recipient decision needs a recipient"
    const decision = d.decision as Record<string, unknown> | undefined
    const problem =
      decisionProblem(decision) ??
      (decision?._tag === "Continue" ? "a recipient decision cannot be Continue" : undefined)
    if (problem !== undefined) return `recipient ${d.recipient.slice(0, 64)}: ${problem}`
    if (d.symbols !== undefined) {
      const p = symbolsProblem(stage, d.symbols)
      if (p !== undefined) return `recipient ${d.recipient.slice(0, 64)}: ${p}`
    }
  }
  return undefined
}

export interface ProviderCheckOptions {
  /**
   * Accept `timeoutMillis: 0` (no deadline). Only for providers the host trusts (the built-in
   * lists, whose operator configured no deadline); the plugin loader never sets it, so a plugin
   * provider always has a deadline.
   */
  readonly allowNoDeadline?: boolean | undefined
}

/** Problems with a provider's shape; empty when it is usable. */
export const checkProvider = (p: unknown, options: ProviderCheckOptions = {}): ReadonlyArray<string> => {
  if (typeof p !== "object" || p === null) return ["provider is not an object"]
  const v = p as Record<string, unknown>
  const out: Array<string> = []
  if (typeof v.name !== "string" || !PROVIDER_NAME.test(v.name))
    out.push(`provider name ${JSON.stringify(v.name)} is not a name (letters, digits, @ . _ / : -; at most 253)`)
  if (!Array.isArray(v.kinds) || v.kinds.length === 0 || !v.kinds.every((k) => KINDS.has(k)))
    out.push(`provider ${String(v.name)}: kinds must be a non-empty list of "ip", "domain", "address"`)
  if (!(isMillis(v.timeoutMillis, 1) || (options.allowNoDeadline === true && v.timeoutMillis === 0)))
    out.push(
      `provider ${String(v.name)}: timeoutMillis must be between 1 and ${MAX_MILLIS}${v.timeoutMillis === 0 ? " (0, no deadline, is for built-in lists only)" : ""}`
    )
  if (typeof v.lookup !== "function") out.push(`provider ${String(v.name)}: lookup is not a function`)
  return out
}

/** Problems with a stage's shape; empty when it is usable. */
export const checkStage = (s: unknown): ReadonlyArray<string> => {
  if (typeof s !== "object" || s === null) return ["stage is not an object"]
  const v = s as Record<string, unknown>
  const out: Array<string> = []
  if (typeof v.name !== "string" || !NAME.test(v.name)) out.push(`stage name ${JSON.stringify(v.name)} is not a name`)
  if (!PHASES.has(v.phase as string))
    out.push(`stage ${String(v.name)}: phase must be "connect", "mail", "rcpt" or "data"`)
  if (!isMillis(v.budgetMillis, 1))
    out.push(`stage ${String(v.name)}: budgetMillis must be between 1 and ${MAX_MILLIS}`)
  if (v.order !== undefined && (typeof v.order !== "number" || !Number.isFinite(v.order)))
    out.push(`stage ${String(v.name)}: order must be a number`)
  if (typeof v.run !== "function") out.push(`stage ${String(v.name)}: run is not a function`)
  if (typeof v.symbols !== "object" || v.symbols === null) out.push(`stage ${String(v.name)}: symbols must be a table`)
  else
    for (const [name, def] of Object.entries(v.symbols)) {
      const d = def as Record<string, unknown> | null
      if (!SYMBOL.test(name)) out.push(`stage ${String(v.name)}: symbol ${name} must be UPPER_SNAKE`)
      else if (
        typeof d !== "object" ||
        d === null ||
        typeof d.weight !== "number" ||
        !Number.isFinite(d.weight) ||
        typeof d.description !== "string"
      )
        out.push(`stage ${String(v.name)}: symbol ${name} needs a finite weight and a description`)
    }
  return out
}

// A plugin function that returns something other than an Effect would crash the fiber's run
// loop (not a catchable defect), so the host checks before handing it to the runtime.
const asEffect = <A, E, R>(what: string, make: () => Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
  Effect.suspend(() => {
    const e: unknown = make()
    return Effect.isEffect(e)
      ? (e as Effect.Effect<A, E, R>)
      : Effect.die(new TypeError(`${what} did not return an Effect`))
  })

const providerError = (detail: string): BlocklistAnswer => ({ _tag: "Unknown", reason: "ProviderError", detail })

/** Re-checks an answer with the host's limits (shape, then text lengths). */
export const checkAnswer = (raw: unknown): BlocklistAnswer => {
  const a = validateAnswer(raw)
  if (a._tag === "Listed" && !isText(a.reason)) return providerError(`reason longer than ${MAX_TEXT} characters`)
  if (a._tag === "Unknown" && a.detail !== undefined && a.detail.length > MAX_TEXT)
    return { ...a, detail: a.detail.slice(0, MAX_TEXT) }
  return a
}

export const guardProvider = <R>(p: BlocklistProvider<R>): BlocklistProvider<R> =>
  Object.freeze({
    name: p.name,
    kinds: Object.freeze([...p.kinds]),
    timeoutMillis: p.timeoutMillis,
    lookup: (query: BlocklistQuery) =>
      asEffect(`provider ${p.name}: lookup`, () => p.lookup(query)).pipe(Effect.map(checkAnswer))
  })

/** Why a stage result is unusable, or undefined when it is fine. */
export const resultProblem = (stage: Stage<unknown>, r: unknown): string | undefined => {
  if (typeof r !== "object" || r === null) return "result is not an object"
  const v = r as Record<string, unknown>
  const symbols = symbolsProblem(stage, v.symbols)
  if (symbols !== undefined) return symbols
  if (v.decision !== undefined) {
    const d = decisionProblem(v.decision)
    if (d !== undefined) return d
  }
  if (v.headers !== undefined) {
    const h = headerChangesProblem(v.headers)
    if (h !== undefined) return h
  }
  if (v.recipientDecisions !== undefined) {
    const rd = recipientDecisionsProblem(stage, v.recipientDecisions)
    if (rd !== undefined) return rd
  }
  if (v.probability !== undefined && !(typeof v.probability === "number" && v.probability >= 0 && v.probability <= 1))
    return "probability outside 0..1"
  if (v.facts !== undefined && (typeof v.facts !== "object" || v.facts === null)) return "facts is not an object"
  return undefined
}

const fail = (stage: string, reason: string, detail: string) =>
  Effect.fail(new StageError({ stage, reason: `${reason}: ${detail.slice(0, MAX_TEXT)}`, temporary: false }))

export const guardStage = <R>(stage: Stage<R>): Stage<R> =>
  Object.freeze({
    name: stage.name,
    phase: stage.phase,
    budgetMillis: stage.budgetMillis,
    order: stage.order,
    symbols: stage.symbols,
    run: (input: StageInput) =>
      asEffect(`stage ${stage.name}: run`, () => stage.run(input)).pipe(
        // A plain throw (outside the SDK) is a defect; name it here so the trace says which stage.
        Effect.catchDefect((defect) => fail(stage.name, "Threw", String(defect))),
        Effect.flatMap((r): Effect.Effect<StageResult, StageError> => {
          const problem = resultProblem(stage as Stage<unknown>, r)
          if (problem !== undefined) return fail(stage.name, "BadResult", problem)
          // Copy so the plugin cannot change what the trace shows later; the source is the stage.
          return Effect.succeed({
            ...r,
            symbols: r.symbols.map((h) => ({ name: h.name, score: h.score, detail: h.detail, source: stage.name }))
          })
        })
      )
  })
