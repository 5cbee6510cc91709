/**
 * `defineBlocklistProvider`: a provider answers "is this IP / domain / address listed, with
 * what code, score and reason, and for how long may the answer be cached".
 *
 * Write `check` as a plain async function (no Effect knowledge needed), or `checkEffect` as an
 * Effect. Both become the engine's `BlocklistProvider`, so the engine's `BlocklistRunner` gives
 * them the same guarantees as the built-in lists: a timeout (`timeoutMillis`), cancellation,
 * caching for the answer's `ttlSeconds`, concurrency limits and error isolation.
 *
 * **Gotchas**
 * - On timeout the engine interrupts the lookup and aborts `signal`. Pass it to `fetch`/undici
 *   (or check it in loops): work that ignores it keeps running in the background, although its
 *   answer is no longer used.
 * - A throw, a rejected promise or an Effect failure becomes `Unknown: ProviderError`; a
 *   malformed answer too (see `Answer`). Neither is ever a listing.
 * - The query is frozen: normalise into new strings, do not mutate it.
 * - `timeoutMillis: 0` (no deadline) is accepted here for the built-in lists, but the gateway
 *   refuses it from a plugin: give a plugin provider a deadline.
 *
 * @category constructors
 * @since 0.1.0
 */
import type { BlocklistAnswer, BlocklistProvider, BlocklistQuery, QueryKind } from "@mailmoat/core"
import { Plugins } from "@mailmoat/core"
import { Cause, Effect, Semaphore } from "effect"
import { type Answer, toEngineAnswer } from "./Answer.ts"

/**
 * What a provider is asked: the kind, the normalised value (IP, lower-case domain or address)
 * and where the value was found (`origin`, first place; `origins`, every place): `client` or
 * `received[n]` (the sender IP), `body`, `mail-from`, `from-header`. Both are absent when the
 * asker has no message (`mailmoat check`, a test).
 */
export type Query = BlocklistQuery

/** Handed to `check` with every query. */
export interface CheckContext {
  /** Aborted when the engine stops waiting (timeout, message finished, shutdown). */
  readonly signal: AbortSignal
}

interface ProviderSpecBase<K extends QueryKind> {
  /**
   * Unique provider name, shown in traces and `mailmoat check` (letters, digits, `@._/:-`; at
   * most 253 characters, so a DNS zone with its return code, `zen.example:127.0.0.4`, fits).
   */
  readonly name: string
  /** Which query kinds this provider answers; it is never asked about others. */
  readonly kinds: ReadonlyArray<K>
  /**
   * Milliseconds the engine waits for an answer (default 2000, at most 60000). `0` means no
   * deadline: the engine never cuts the lookup off. That is for lists the operator trusts and
   * configured without one (the built-in lists with `timeoutSeconds: 0`); the gateway refuses
   * it from a plugin, whose providers must always have a deadline.
   */
  readonly timeoutMillis?: number | undefined
  /** Most lookups of this provider in flight at once, across all messages (default unlimited). */
  readonly concurrency?: number | undefined
  /** Cache time for answers that do not say (`null`, or no `ttlSeconds`); the engine default when absent. */
  readonly defaultTtlSeconds?: number | undefined
}

export interface AsyncProviderSpec<K extends QueryKind = QueryKind> extends ProviderSpecBase<K> {
  readonly check: (query: Query & { readonly kind: K }, context: CheckContext) => Answer | Promise<Answer>
  readonly checkEffect?: never
}

export interface EffectProviderSpec<K extends QueryKind = QueryKind> extends ProviderSpecBase<K> {
  /** The Effect form: fail or die for "could not answer"; interruption is the timeout. */
  readonly checkEffect: (query: Query & { readonly kind: K }) => Effect.Effect<Answer, unknown>
  readonly check?: never
}

export type ProviderSpec<K extends QueryKind = QueryKind> = AsyncProviderSpec<K> | EffectProviderSpec<K>

const KINDS = new Set<QueryKind>(["ip", "domain", "address"])

const specProblem = (spec: ProviderSpec<QueryKind>): string | undefined => {
  if (typeof spec !== "object" || spec === null) return "spec must be an object"
  if (typeof spec.check === "function" && typeof spec.checkEffect === "function")
    return "give either check or checkEffect, not both"
  if (typeof spec.check !== "function" && typeof spec.checkEffect !== "function")
    return "check (async) or checkEffect (Effect) is required"
  if (spec.concurrency !== undefined && !(Number.isInteger(spec.concurrency) && spec.concurrency >= 1))
    return "concurrency must be a positive integer"
  if (spec.defaultTtlSeconds !== undefined && !(Number.isFinite(spec.defaultTtlSeconds) && spec.defaultTtlSeconds >= 0))
    return "defaultTtlSeconds must be >= 0"
  if (Array.isArray(spec.kinds) && !spec.kinds.every((k) => KINDS.has(k)))
    return 'kinds must be "ip", "domain" or "address"'
  return undefined
}

const errorDetail = (cause: Cause.Cause<unknown>): string => {
  const e = Cause.squash(cause)
  const text = e instanceof Error ? `${e.name}: ${e.message}` : String(e)
  return text.split("\n")[0]!.slice(0, 200)
}

/**
 * Defines a blocklist provider. Throws a `TypeError` naming the provider when the definition
 * itself is wrong (a programming error, caught when the plugin loads).
 *
 * @example
 * ```ts
 * export const acme = defineBlocklistProvider({
 *   name: "acme-reputation",
 *   kinds: ["ip"],
 *   timeoutMillis: 1500,
 *   async check(query, { signal }) {
 *     const res = await fetch(`https://rep.acme.example/v1/${query.value}`, { signal })
 *     const body = await res.json()
 *     return body.bad ? { listed: true, score: 3, reason: body.why, ttlSeconds: 600 } : { listed: false, ttlSeconds: 600 }
 *   }
 * })
 * ```
 * @category constructors
 * @since 0.1.0
 */
export const defineBlocklistProvider = <K extends QueryKind>(spec: ProviderSpec<K>): BlocklistProvider => {
  const problem = specProblem(spec as unknown as ProviderSpec<QueryKind>)
  const timeoutMillis = spec.timeoutMillis ?? 2000
  const provider = { name: spec.name, kinds: Object.freeze([...(spec.kinds ?? [])]), timeoutMillis }
  // The host's own shape check, so whatever the SDK accepts the gateway's loader accepts too
  // (except a missing deadline, which the loader refuses from plugins on purpose).
  const shape =
    problem === undefined
      ? Plugins.checkProvider({ ...provider, lookup: () => undefined }, { allowNoDeadline: true })
      : [problem]
  if (shape.length > 0)
    throw new TypeError(`defineBlocklistProvider(${JSON.stringify(spec?.name)}): ${shape.join("; ")}`)

  const call = (query: Query): Effect.Effect<unknown, unknown> => {
    if (spec.checkEffect !== undefined) return Effect.suspend(() => spec.checkEffect(query as Query & { kind: K }))
    const check = spec.check
    // `(signal) =>` must be declared for Effect to create and abort an AbortSignal.
    return Effect.tryPromise({
      try: async (signal) => check(query as Query & { kind: K }, Object.freeze({ signal })),
      catch: (e) => e
    })
  }
  const semaphore = spec.concurrency === undefined ? undefined : Semaphore.makeUnsafe(spec.concurrency)

  const lookup = (query: BlocklistQuery): Effect.Effect<BlocklistAnswer> => {
    const frozen: Query = Object.freeze({
      kind: query.kind,
      value: query.value,
      origin: query.origin,
      origins: query.origins === undefined ? undefined : Object.freeze([...query.origins])
    })
    const answered = Effect.suspend(() => call(frozen)).pipe(
      Effect.map((raw) => toEngineAnswer(raw, spec.defaultTtlSeconds)),
      // Failures, throws and defects are "could not answer"; interruption (timeout) passes through.
      Effect.catchCause((cause) =>
        Cause.hasInterruptsOnly(cause)
          ? Effect.failCause(cause as Cause.Cause<never>)
          : Effect.succeed<BlocklistAnswer>({ _tag: "Unknown", reason: "ProviderError", detail: errorDetail(cause) })
      )
    )
    return semaphore === undefined ? answered : Semaphore.withPermit(semaphore, answered)
  }
  return Object.freeze({ ...provider, lookup })
}
