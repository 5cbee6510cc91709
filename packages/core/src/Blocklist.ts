/**
 * The blocklist provider contract. Built-in RBL/DNSBL/end-user lists and third-party providers
 * (through `@mailmoat/sdk`) all implement it; the engine's runner gives every provider the same
 * timeouts, cancellation, TTL caching, concurrency limits and error isolation.
 *
 * An answer has exactly three shapes. Only `Listed` may add spam weight; `Unknown` (resolver
 * blocked, broken answer, timeout, provider error) is a zero-weight observation, never a listing.
 *
 * @category models
 * @since 0.1.0
 */
import type { Effect } from "effect"

export type QueryKind = "ip" | "domain" | "address"

/**
 * Where a queried value was found: the connecting client or a Received hop (`received[0]` is the
 * top-most header), the message body, the envelope sender (MAIL FROM) or the From header.
 */
export type QueryOrigin = "client" | `received[${number}]` | "body" | "mail-from" | "from-header"

export interface BlocklistQuery {
  readonly kind: QueryKind
  /** Normalised value: IPs without `::ffff:`, domains lower-case without trailing dot, addresses lower-case. */
  readonly value: string
  /**
   * Where the value was first found; absent when the asker has no message (a CLI check, a test).
   * Plugin providers get a `QueryOrigin`; built-in stages may label their own queries otherwise.
   */
  readonly origin?: QueryOrigin | (string & {}) | undefined
  /** Every place the value was found, `origin` first (a domain can be both the From and the MAIL FROM domain). */
  readonly origins?: ReadonlyArray<QueryOrigin | (string & {})> | undefined
}

/**
 * The frozen copy of a query a provider is given (it cannot change the runner's). Built as one
 * literal, its four fields always present: `Object.freeze({ ...query })` gives every copy a
 * hidden class of its own on Node 20, so each provider's reads of its queries go megamorphic.
 */
export const frozenQuery = (query: BlocklistQuery): BlocklistQuery =>
  Object.freeze({ kind: query.kind, value: query.value, origin: query.origin, origins: query.origins })

export type UnknownReason = "Timeout" | "Unavailable" | "ResolverBlocked" | "Broken" | "ProviderError"

export type BlocklistAnswer =
  | { readonly _tag: "NotListed"; readonly ttlSeconds?: number | undefined }
  | {
      readonly _tag: "Listed"
      /** Return codes (e.g. "127.0.0.2") or provider-specific codes. */
      readonly codes: ReadonlyArray<string>
      /** Suggested score; the policy may override it. */
      readonly score?: number | undefined
      readonly reason?: string | undefined
      readonly ttlSeconds?: number | undefined
    }
  | { readonly _tag: "Unknown"; readonly reason: UnknownReason; readonly detail?: string | undefined }

export interface BlocklistProvider<R = never> {
  readonly name: string
  readonly kinds: ReadonlyArray<QueryKind>
  /** Milliseconds the runner waits for an answer; 0 = no timeout. */
  readonly timeoutMillis: number
  /**
   * Looks one value up. Failures are expressed as `Unknown`, never as an Effect failure; the
   * runner still guards against defects, hangs and malformed answers.
   */
  readonly lookup: (query: BlocklistQuery) => Effect.Effect<BlocklistAnswer, never, R>
  /**
   * The same lookup without the runtime (optional): the answer told to `answered` once (at once
   * when it is known at once), `now` the caller's epoch ms (the start of the lookup, what a DNS
   * cache counts TTLs from). The runner cancels it at `timeoutMillis` and answers `Unknown:
   * Timeout`, as it interrupts `lookup`; with `timeoutMillis` 0 a deadline of the provider's own
   * is told as its answer, as `lookup` gives it. After `Cancel` nothing is told. A throw is
   * `Unknown: ProviderError`, as a defect in `lookup` is. Lets the runner ask a message's
   * uncached lookups together, under one timer, without a fiber each (see `BlocklistRunner`).
   */
  readonly ask?: ((query: BlocklistQuery, now: number, answered: Answered) => Cancel) | undefined
}

/** What a lookup asked with `BlocklistProvider.ask` is told, once. */
export type Answered = (answer: BlocklistAnswer) => void

/** Stops waiting for a lookup asked with `BlocklistProvider.ask`: its `Answered` is not called after it. */
export type Cancel = () => void
