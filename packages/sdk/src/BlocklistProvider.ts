/**
 * `defineBlocklistProvider`: a provider answers "is this IP / domain / address listed, with
 * what code, score and reason, and for how long may the answer be cached".
 *
 * Write `check` as a plain async function (no Effect knowledge needed), `checkEffect` as an
 * Effect, or `checkCallback` as a function that tells its answer to a callback (the built-in DNS
 * lists use it over the resolver's own callback: the engine then asks a message's lookups
 * together, without a fiber each). All three become the engine's `BlocklistProvider`, so the
 * engine's `BlocklistRunner` gives them the same guarantees as the built-in lists: a timeout
 * (`timeoutMillis`), cancellation, caching for the answer's `ttlSeconds`, concurrency limits and
 * error isolation.
 *
 * **Gotchas**
 * - On timeout the engine interrupts the lookup and aborts `signal`. Pass it to `fetch`/undici
 *   (or check it in loops): work that ignores it keeps running in the background, although its
 *   answer is no longer used.
 * - A throw, a rejected promise or an Effect failure becomes `Unknown: ProviderError`; a
 *   malformed answer too (see `Answer`). Neither is ever a listing.
 * - `checkCallback`: tell the answer once; later calls, and calls after the engine cancelled the
 *   lookup (the function it returned), are ignored. Give no `concurrency` to use it as a callback
 *   (with one, the engine runs it as an Effect under the limit).
 * - The query is frozen: normalise into new strings, do not mutate it.
 * - `timeoutMillis: 0` (no deadline) is accepted here for the built-in lists, but the gateway
 *   refuses it from a plugin: give a plugin provider a deadline.
 *
 * @category constructors
 * @since 0.1.0
 */
import type {
  BlocklistAnswer,
  BlocklistAnswered,
  BlocklistCancel,
  BlocklistProvider,
  BlocklistQuery,
  QueryKind
} from "@mailmoat/core"
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
  readonly checkCallback?: never
}

export interface EffectProviderSpec<K extends QueryKind = QueryKind> extends ProviderSpecBase<K> {
  /** The Effect form: fail or die for "could not answer"; interruption is the timeout. */
  readonly checkEffect: (query: Query & { readonly kind: K }) => Effect.Effect<Answer, unknown>
  readonly check?: never
  readonly checkCallback?: never
}

/** Handed to `checkCallback` with every query. */
export interface CallbackContext {
  /** When the lookup started (epoch ms, the engine's clock): what a cache counts TTLs from. */
  readonly now: number
  /** "Could not answer" (as a throw is): `Unknown: ProviderError` with the error's text. */
  readonly fail: (error: unknown) => void
}

export interface CallbackProviderSpec<K extends QueryKind = QueryKind> extends ProviderSpecBase<K> {
  /**
   * The callback form: call `answer` once with the answer (at once when it is known at once) and
   * return a function that stops the work (or nothing). The engine calls that function when it
   * stops waiting (timeout, message finished); it keeps the deadline itself, so the provider
   * need not time itself out. A throw, or `context.fail`, is "could not answer".
   */
  readonly checkCallback: (
    query: Query & { readonly kind: K },
    context: CallbackContext,
    answer: (answer: Answer) => void
    // biome-ignore lint/suspicious/noConfusingVoidType: a body that returns nothing, or `answer(...)`, is allowed
  ) => (() => void) | undefined | void
  readonly check?: never
  readonly checkEffect?: never
}

export type ProviderSpec<K extends QueryKind = QueryKind> =
  | AsyncProviderSpec<K>
  | EffectProviderSpec<K>
  | CallbackProviderSpec<K>

const KINDS = new Set<QueryKind>(["ip", "domain", "address"])

const specProblem = (spec: ProviderSpec<QueryKind>): string | undefined => {
  if (typeof spec !== "object" || spec === null) return "spec must be an object"
  const forms = [spec.check, spec.checkEffect, spec.checkCallback].filter((f) => typeof f === "function").length
  if (forms > 1) return "give either check, checkEffect or checkCallback, not more than one"
  if (forms === 0) return "check (async), checkEffect (Effect) or checkCallback (callback) is required"
  if (spec.concurrency !== undefined && !(Number.isInteger(spec.concurrency) && spec.concurrency >= 1))
    return "concurrency must be a positive integer"
  if (spec.defaultTtlSeconds !== undefined && !(Number.isFinite(spec.defaultTtlSeconds) && spec.defaultTtlSeconds >= 0))
    return "defaultTtlSeconds must be >= 0"
  if (Array.isArray(spec.kinds) && !spec.kinds.every((k) => KINDS.has(k)))
    return 'kinds must be "ip", "domain" or "address"'
  return undefined
}

const thrownDetail = (e: unknown): string => {
  const text = e instanceof Error ? `${e.name}: ${e.message}` : String(e)
  return text.split("\n")[0]!.slice(0, 200)
}
const errorDetail = (cause: Cause.Cause<unknown>): string => thrownDetail(Cause.squash(cause))

const freeze = (query: BlocklistQuery): Query =>
  Object.freeze({
    kind: query.kind,
    value: query.value,
    origin: query.origin,
    origins: query.origins === undefined ? undefined : Object.freeze([...query.origins])
  })

const nothing: BlocklistCancel = () => {}

/** The engine's callback form of a `checkCallback` spec: answers converted, throws as `ProviderError`, told once. */
const askOf =
  <K extends QueryKind>(spec: CallbackProviderSpec<K>) =>
  (query: BlocklistQuery, now: number, answered: BlocklistAnswered): BlocklistCancel => {
    let told = false
    const tell = (answer: BlocklistAnswer) => {
      if (told) return
      told = true
      answered(answer)
    }
    const fail = (e: unknown) => tell({ _tag: "Unknown", reason: "ProviderError", detail: thrownDetail(e) })
    try {
      const stop = spec.checkCallback(freeze(query) as Query & { kind: K }, Object.freeze({ now, fail }), (raw) =>
        tell(toEngineAnswer(raw, spec.defaultTtlSeconds))
      )
      if (typeof stop !== "function") return () => void (told = true)
      return () => {
        if (told) return
        told = true
        stop()
      }
    } catch (e) {
      fail(e)
      return nothing
    }
  }

/** The Effect form of a callback lookup: interruption (the engine's deadline) cancels it. */
const callbackEffect = (
  ask: (query: BlocklistQuery, now: number, answered: BlocklistAnswered) => BlocklistCancel,
  query: BlocklistQuery
): Effect.Effect<BlocklistAnswer> =>
  Effect.clockWith((clock) =>
    Effect.callback<BlocklistAnswer>((resume) => {
      const cancel = ask(query, clock.currentTimeMillisUnsafe(), (a) => resume(Effect.succeed(a)))
      return Effect.sync(cancel)
    })
  )

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

  const semaphore = spec.concurrency === undefined ? undefined : Semaphore.makeUnsafe(spec.concurrency)
  if (spec.checkCallback !== undefined) {
    const ask = askOf(spec)
    const lookup = (query: BlocklistQuery) => callbackEffect(ask, query)
    // Under a concurrency limit the engine runs the Effect form, which takes a permit.
    return semaphore === undefined
      ? Object.freeze({ ...provider, lookup, ask })
      : Object.freeze({ ...provider, lookup: (q: BlocklistQuery) => Semaphore.withPermit(semaphore, lookup(q)) })
  }

  const call = (query: Query): Effect.Effect<unknown, unknown> => {
    if (spec.checkEffect !== undefined) return Effect.suspend(() => spec.checkEffect(query as Query & { kind: K }))
    const check = spec.check
    // `(signal) =>` must be declared for Effect to create and abort an AbortSignal.
    return Effect.tryPromise({
      try: async (signal) => check(query as Query & { kind: K }, Object.freeze({ signal })),
      catch: (e) => e
    })
  }

  const lookup = (query: BlocklistQuery): Effect.Effect<BlocklistAnswer> => {
    const frozen = freeze(query)
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
