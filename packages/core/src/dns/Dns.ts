/**
 * The Dns service: A / AAAA / TXT / PTR / MX lookups that return TTLs and typed outcomes.
 *
 * Every lookup either succeeds with at least one record and a TTL, or fails with a `DnsError`
 * whose `reason` says exactly what happened. Blocklists need that distinction: `NotFound`
 * (NXDOMAIN or NODATA) means "not listed", every other reason means "unknown".
 *
 * **Gotchas**
 * - `effect/net/Dns` has no TTLs and folds NXDOMAIN and NODATA together with nothing to tell a
 *   timeout from a refusal at the type level, so we keep our own small contract.
 * - `timeoutMillis` is per call. A lookup that times out is reported as `Timeout`; an answer
 *   arriving later is dropped (never cached, never counted).
 *
 * @category services
 * @since 0.1.0
 */
import { Context, Effect, type Exit, Option, Schema } from "effect"
import { within } from "../Deadline.ts"

export type RecordType = "A" | "AAAA" | "TXT" | "PTR" | "MX"

/** `NotFound` = NXDOMAIN or NODATA; everything else means the answer is unknown. */
export const DnsErrorReasons = ["NotFound", "ServerFailure", "Refused", "Timeout", "BadName", "Other"] as const
export type DnsErrorReason = (typeof DnsErrorReasons)[number]

/** @category errors */
export class DnsError extends Schema.TaggedError<DnsError>()("DnsError", {
  reason: Schema.Literals(DnsErrorReasons),
  name: Schema.String,
  type: Schema.Literals(["A", "AAAA", "TXT", "PTR", "MX"]),
  detail: Schema.optional(Schema.String)
}) {
  /** True for every reason but `NotFound` and `BadName`: asking again later may give an answer. */
  get isTemporary(): boolean {
    return this.reason !== "NotFound" && this.reason !== "BadName"
  }
  override get message(): string {
    return `DNS ${this.type} ${this.name}: ${this.reason}${this.detail ? ` (${this.detail})` : ""}`
  }
}

/**
 * A `DnsError` without a stack trace. A refused, failed or timed-out lookup is an answer the
 * engine expects (several per message from some resolvers), not a bug to trace back, and
 * capturing the stack costs more than the rest of the error.
 */
export const dnsError = (fields: ConstructorParameters<typeof DnsError>[0]): DnsError => {
  // V8's and JavaScriptCore's knob; elsewhere setting it does nothing.
  const errors = Error as unknown as { stackTraceLimit?: number }
  const limit = errors.stackTraceLimit
  errors.stackTraceLimit = 0
  try {
    return new DnsError(fields)
  } finally {
    errors.stackTraceLimit = limit
  }
}

/**
 * A positive answer: the records (addresses, TXT strings joined per record, PTR names, MX as
 * `"preference exchange"` such as `"10 mx.example.org"`) and the smallest TTL.
 */
export interface DnsAnswer {
  readonly records: ReadonlyArray<string>
  readonly ttlSeconds: number
}

export interface LookupOptions {
  /** Give up after this many milliseconds (absent = the service default; 0 = no deadline). */
  readonly timeoutMillis?: number | undefined
  /** Skip cached answers and ask the resolver (health probes); the answer still refreshes the cache. */
  readonly fresh?: boolean | undefined
}

/**
 * A lookup's outcome with "no such name / no such record" as a value: `NotFound` (NXDOMAIN or
 * NODATA) is the normal "not listed" answer of a blocklist, asked for most lookups of a message,
 * so it is not worth an error (and a failure through the runtime) each time.
 */
export type DnsOutcome =
  | { readonly _tag: "Answer"; readonly records: ReadonlyArray<string>; readonly ttlSeconds: number }
  | { readonly _tag: "NotFound"; readonly detail?: string | undefined }

/**
 * A lookup answered from memory (`DnsShape.peek`): the outcome, or the error a cached server
 * failure gives.
 */
export type Immediate =
  | { readonly _tag: "Outcome"; readonly outcome: DnsOutcome }
  | { readonly _tag: "Error"; readonly error: DnsError }

/** What a question asked outside the runtime (`DnsShape.query`) is told, once: its outcome or its error. */
export type Answered = (exit: Exit.Exit<DnsOutcome, DnsError>) => void

/** Stops waiting for a question asked with `DnsShape.query`: `answered` is not called after it. */
export type Cancel = () => void

export interface DnsShape {
  /** Looks `name` up. `PTR` takes a reverse name (`4.3.2.1.in-addr.arpa`) or an IP address. */
  readonly resolve: (type: RecordType, name: string, options?: LookupOptions) => Effect.Effect<DnsAnswer, DnsError>
  /**
   * The same lookup with `NotFound` as a value; the error channel carries only "unknown"
   * outcomes. Optional for implementations: `lookup` below derives it from `resolve`.
   */
  readonly lookup?:
    | ((type: RecordType, name: string, options?: LookupOptions) => Effect.Effect<DnsOutcome, DnsError>)
    | undefined
  /**
   * What `lookup` would answer from this process's memory at `now` (epoch ms), without asking
   * anything; undefined when nothing fresh is kept (then ask `lookup`). Optional: only caches
   * have it. Lets a caller outside the runtime (a Promise-based library's resolver) take a cached
   * answer at once.
   */
  readonly peek?: ((type: RecordType, name: string, now: number) => Immediate | undefined) | undefined
  /**
   * `lookup` without the runtime: the same outcome or error, told to `answered` (at once when it
   * is known at once). `timeoutMillis` as in `LookupOptions` (0 = no deadline; its timer runs on
   * real time), `now` the caller's epoch ms (the start of the lookup's deadline, and what a
   * cache's TTLs are counted from). Optional: a resolver answered by a callback (`NodeDns`) and a
   * cache in front of one have it; lets the cache share a question without a fiber per question,
   * and a Promise-based library ask without running an Effect.
   *
   * `timer: false` says the caller keeps the deadline itself and cancels at it (a batch of list
   * lookups under one timer): a cache then arms no timer of its own for the waiter, and still
   * uses `timeoutMillis` to decide whether a question in flight may be joined. An implementation
   * may ignore it and time the question as usual (the outcome is the same).
   *
   * `keep: false` says the caller keeps the answer itself (a blocklist runner's answer cache,
   * which answers every later lookup of the name before it reaches the DNS layer): a cache then
   * does not store an answer it asks for (it still answers from what it holds, and shares the
   * question in flight). Absent or true: kept as usual.
   */
  readonly query?:
    | ((
        type: RecordType,
        name: string,
        timeoutMillis: number,
        now: number,
        answered: Answered,
        timer?: boolean,
        keep?: boolean
      ) => Cancel)
    | undefined
}

/** `dns.peek` when the implementation has it (a cache), else undefined: ask `lookup`. */
export const peek = (dns: DnsShape, type: RecordType, name: string, now: number): Immediate | undefined =>
  dns.peek?.(type, name, now)

/** `dns.lookup` when the implementation has it, else `resolve` with `NotFound` caught. */
export const lookup = (
  dns: DnsShape,
  type: RecordType,
  name: string,
  options?: LookupOptions
): Effect.Effect<DnsOutcome, DnsError> =>
  dns.lookup !== undefined
    ? dns.lookup(type, name, options)
    : dns.resolve(type, name, options).pipe(
        Effect.map((a): DnsOutcome => ({ _tag: "Answer", records: a.records, ttlSeconds: a.ttlSeconds })),
        Effect.catchIf(
          (e) => e.reason === "NotFound",
          (e) => Effect.succeed<DnsOutcome>({ _tag: "NotFound", detail: e.detail })
        )
      )

/** `resolve` from a `lookup`: `NotFound` becomes the `DnsError` the contract promises. */
export const resolveFromLookup =
  (lookupFn: NonNullable<DnsShape["lookup"]>): DnsShape["resolve"] =>
  (type, name, options) =>
    Effect.flatMap(lookupFn(type, name, options), (o) =>
      o._tag === "Answer"
        ? Effect.succeed({ records: o.records, ttlSeconds: o.ttlSeconds })
        : Effect.fail(dnsError({ reason: "NotFound", name: normaliseName(name), type, detail: o.detail }))
    )

/** @category services */
export class Dns extends Context.Service<Dns, DnsShape>()("@mailmoat/core/Dns") {}

/** Lower-cases a name and strips one trailing dot; the cache and static zones key on this form. */
export const normaliseName = (name: string): string => {
  const lower = name.trim().toLowerCase()
  return lower.endsWith(".") ? lower.slice(0, -1) : lower
}

/** The error of a question not answered within `timeoutMillis` (every deadline on a DNS question gives this one). */
export const timeoutError = (type: RecordType, name: string, timeoutMillis: number): DnsError =>
  dnsError({ reason: "Timeout", name, type, detail: `no answer within ${timeoutMillis} ms` })

/**
 * Applies a per-call timeout: `timeoutMillis` absent or 0 leaves `self` unbounded. The lookup is
 * interrupted at the deadline, so a late answer is never seen by the caller.
 */
export const withTimeout = <A>(
  self: Effect.Effect<A, DnsError>,
  type: RecordType,
  name: string,
  timeoutMillis: number | undefined
): Effect.Effect<A, DnsError> =>
  timeoutMillis === undefined || timeoutMillis <= 0
    ? self
    : self.pipe(
        (lookup) => within(lookup, timeoutMillis),
        Effect.flatMap(
          Option.match({
            onNone: () => Effect.fail(timeoutError(type, name, timeoutMillis)),
            onSome: Effect.succeed
          })
        )
      )
