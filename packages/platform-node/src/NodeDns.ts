/**
 * The Node implementation of `Dns`, with a TTL cache: Node's `node:dns` `Resolver` (c-ares) by
 * default, or the built-in resolver (`dns/BuiltinDns.ts`, DNS in TypeScript over `node:dgram`)
 * with `resolver: "builtin"`. Both give the same outcomes and details for the same answers.
 * c-ares stays the default: the built-in resolver costs less CPU per question alone on loopback,
 * but not less per message in the engine, where its packets and events are objects on V8's heap
 * (docs/performance.md, "New senders' replay, 2026-12-07 small hours").
 *
 * `servers` takes `host:port` strings: `127.0.0.1:5353`, `[::1]:53`, or a bare address (port 53).
 * Without servers the system resolvers are used. Invalid server strings fail the layer at
 * startup (fail fast, never a silent fallback to the system resolver).
 *
 * **Gotchas**
 * - `NotFound` covers both NXDOMAIN ("ENOTFOUND") and NODATA ("ENODATA"); `lookup` answers it as
 *   a value, `resolve` as the contract's `DnsError`. A REFUSED or SERVFAIL answer is final (not
 *   asked again; for c-ares because Node sets its NOCHECKRESP flag): one packet per question
 *   whatever the answer. Caching it is the cache's job: REFUSED for `cache.refusedTtlSeconds`
 *   (default 60), SERVFAIL for `cache.failureTtlSeconds` (default 5), both at most 300 (RFC 2308
 *   §7.1; `DnsCache.ts`).
 * - The built-in resolver keeps one connected UDP socket per server between questions (a new
 *   one every 500 questions or 30 s, so the source port still changes), builds no Error for
 *   NXDOMAIN or NODATA, gives real TTLs for every type, and stops a question's attempts at its
 *   deadline. Its sockets are unref'd; `close` (the gateway calls it when its layer closes)
 *   closes them. On loopback it now costs less CPU per question than c-ares
 *   (`bench/dns-question.mjs --uncached`); on the engine bench the two are within the noise.
 * - c-ares (`resolver: "system"`) has no per-query cancellation: when our per-call timeout
 *   fires, the query keeps running inside c-ares until its own `attemptTimeoutMillis x tries`
 *   runs out; its answer is dropped. Keep those two small (defaults 2000 ms x 2). Its TXT, PTR
 *   and MX answers carry no TTL in Node, so they are cached for `unknownTtlSeconds` (default
 *   300). It closes its UDP socket whenever no question is pending and opens a new one for the
 *   next.
 * - c-ares's answer is taken at Node's request object (`QueryReqWrap.oncomplete`, which its
 *   `Resolver` methods return), not through the public callback: Node's own completion builds a
 *   `DNSException` (an `Error` with its captured stack) for every NXDOMAIN, NODATA and REFUSED
 *   answer, most of a new sender's answers, and an `{ address, ttl }` object per A record; here
 *   the error code is read as it is. It also skips Node's `dns` performance entry of an answered
 *   question (`perf_hooks`). Where a runtime returns no such object (Bun, Deno) the callback is
 *   used, with the same outcomes.
 * - A question through c-ares costs the gateway ~75 µs of CPU in c-ares, Node's wrapper and the
 *   kernel's loopback UDP path (both ends' packets), and ~105 µs more in the engine around it
 *   (docs/performance.md, "DNS, 2026-12-04 evening"); the built-in resolver's share is in
 *   "DNS resolver, 2026-12-05 midday" there. Only a question not asked is free.
 * - Bun and Deno run both through their `node:` compatibility; Deno's `Resolver` honours
 *   `setServers` since 1.40.
 * - Questions are answered by callback, not `dns.promises`: one callback per question resumes
 *   the waiting fiber directly (no promise, no reaction job), and the per-call timeout is one
 *   `setTimeout` inside that same wait (no child fiber; the built-in resolver shares one timer
 *   per deadline length, `dns/Deadlines.ts`), so it runs on real time even under a
 *   test clock: a real resolver's answers arrive on real time too. `query` is the same question
 *   without the runtime (`DnsShape.query`): the cache shares questions and answers the sender
 *   check's Promise-based resolver through it, with no fiber per question.
 *
 * @category layers
 * @since 0.1.0
 */
import { Resolver } from "node:dns"
import { Effect, Exit, Layer } from "effect"
import {
  type DnsCacheOptions as CacheOptions,
  Dns as CoreDns,
  type DnsAnswer,
  type DnsErrorReason,
  type DnsOutcome,
  type DnsRecordType as RecordType,
  type DnsService,
  type DnsShape
} from "@mailmoat/core"
import { makeShape } from "./dns/Asking.ts"
import * as BuiltinDns from "./dns/BuiltinDns.ts"

const { Dns, dnsError, withCache } = CoreDns

/** Which resolver asks: Node's c-ares `Resolver` (default) or the built-in one. */
export type ResolverKind = "builtin" | "system"

export interface NodeDnsOptions {
  /** Resolvers as `host:port` (`127.0.0.1:5353`, `[::1]:53`) or bare addresses; empty = system. */
  readonly servers?: ReadonlyArray<string> | undefined
  /** `system` (Node's c-ares, default) or `builtin` (`dns/BuiltinDns.ts`). */
  readonly resolver?: ResolverKind | undefined
  /** Timeout applied to calls that give none (ms, default 5000; 0 = none). */
  readonly defaultTimeoutMillis?: number | undefined
  /** Per-attempt timeout (ms, default 2000) and rounds over the servers (default 2). */
  readonly attemptTimeoutMillis?: number | undefined
  readonly tries?: number | undefined
  /** c-ares only: TTL used for TXT / PTR / MX answers, whose TTLs Node does not expose (default 300). */
  readonly unknownTtlSeconds?: number | undefined
  /** Cache options; `false` disables the cache. */
  readonly cache?: CacheOptions | false | undefined
}

/** A resolver that holds sockets: `close` releases them (a no-op for c-ares). */
export interface NodeDnsShape extends DnsShape {
  readonly close: () => void
}

/** Validates one `servers` entry and returns the form `Resolver.setServers` accepts. */
export const parseServer = (input: string): string => {
  const { host, port, family } = BuiltinDns.serverOf(input)
  return family === 4 ? `${host}:${port}` : `[${host}]:${port}`
}
const reasonOf = (code: unknown): DnsErrorReason => {
  switch (code) {
    case "ENOTFOUND":
    case "ENODATA":
      return "NotFound"
    case "ESERVFAIL":
      return "ServerFailure"
    case "EREFUSED":
      return "Refused"
    case "ETIMEOUT":
      return "Timeout"
    case "EBADNAME":
    case "EBADQUERY":
    case "EBADFAMILY":
      return "BadName"
    default:
      return "Other"
  }
}

/** What one question came to, told to the caller. */
type Told = (exit: Exit.Exit<DnsOutcome, CoreDns.DnsError>) => void

/**
 * Node's request object for a question (`QueryReqWrap`, what its `Resolver` methods return):
 * c-ares's answer calls its `oncomplete` with the error code (a string, `0` for none), the
 * result, and the TTLs of A and AAAA records.
 */
interface Request {
  oncomplete: (code: string | 0 | undefined, result: unknown, ttls: ReadonlyArray<number> | undefined) => void
}

// Shared by every question: c-ares's options for A and AAAA, its "not found" outcomes (values
// that are never changed), and the stop of a question it cannot cancel.
const WITH_TTL = { ttl: true } as const
const NOT_FOUND: Exit.Exit<DnsOutcome, CoreDns.DnsError> = Exit.succeed({ _tag: "NotFound", detail: "ENOTFOUND" })
const NO_DATA: Exit.Exit<DnsOutcome, CoreDns.DnsError> = Exit.succeed({ _tag: "NotFound", detail: "ENODATA" })
const EMPTY_ANSWER: Exit.Exit<DnsOutcome, CoreDns.DnsError> = Exit.succeed({ _tag: "NotFound", detail: "empty answer" })
const NO_STOP = (): void => {}

/** Node's c-ares `Resolver`, uncached. */
export const makeSystemUncached = (options: NodeDnsOptions = {}): NodeDnsShape => {
  const resolver = new Resolver({
    timeout: options.attemptTimeoutMillis ?? 2000,
    tries: options.tries ?? 2
  })
  const servers = (options.servers ?? []).map(parseServer)
  if (servers.length > 0) resolver.setServers(servers)
  const unknownTtl = options.unknownTtlSeconds ?? 300
  const defaultTimeout = options.defaultTimeoutMillis ?? 5000

  /** A and AAAA records with their TTLs (c-ares gives the two as parallel arrays). */
  const addresses = (rs: ReadonlyArray<string>, ttls: ReadonlyArray<number>): DnsAnswer => {
    let ttlSeconds = Number.POSITIVE_INFINITY
    for (let i = 0; i < rs.length; i++) if (ttls[i]! < ttlSeconds) ttlSeconds = ttls[i]!
    return { records: rs, ttlSeconds }
  }

  /** What one answer (`a`) or error code of the resolver is to the contract. */
  const outcomeOf = (
    type: RecordType,
    name: string,
    code: unknown,
    a: DnsAnswer | undefined
  ): Exit.Exit<DnsOutcome, CoreDns.DnsError> => {
    if (code === undefined)
      return a === undefined || a.records.length === 0
        ? EMPTY_ANSWER
        : Exit.succeed({ _tag: "Answer", records: a.records, ttlSeconds: a.ttlSeconds })
    // "Not found" is most of a new sender's answers (every name a list does not hold): one
    // shared, immutable exit per code, not two objects per answer.
    if (code === "ENOTFOUND") return NOT_FOUND
    if (code === "ENODATA") return NO_DATA
    const reason = reasonOf(code)
    return reason === "NotFound"
      ? Exit.succeed({ _tag: "NotFound", detail: String(code) })
      : Exit.fail(dnsError({ reason, name, type, detail: String(code) }))
  }

  /** The records of a successful answer of `type` (`ttls`: A and AAAA only). */
  const answerOf = (type: RecordType, result: unknown, ttls: ReadonlyArray<number> | undefined): DnsAnswer => {
    switch (type) {
      case "A":
      case "AAAA":
        return addresses(result as ReadonlyArray<string>, ttls ?? [])
      case "TXT":
        return {
          records: (result as ReadonlyArray<ReadonlyArray<string>>).map((c) => c.join("")),
          ttlSeconds: unknownTtl
        }
      case "PTR":
        return { records: result as ReadonlyArray<string>, ttlSeconds: unknownTtl }
      case "MX":
        return {
          records: (result as ReadonlyArray<{ priority: number; exchange: string }>).map(
            (r) => `${r.priority} ${r.exchange}`
          ),
          ttlSeconds: unknownTtl
        }
    }
  }

  /**
   * Node's own completion of a question, taken over (see the gotchas): c-ares's error code as it
   * is, no `DNSException` and no `{ address, ttl }` objects. `false` where Node's `Resolver`
   * gives no request object (another runtime): the public callback is used there.
   */
  const takeOver = (req: unknown, type: RecordType, name: string, told: Told): boolean => {
    if (typeof req !== "object" || req === null || typeof (req as Request).oncomplete !== "function") return false
    ;(req as Request).oncomplete = (code, result, ttls) =>
      told(
        code ? outcomeOf(type, name, code, undefined) : outcomeOf(type, name, undefined, answerOf(type, result, ttls))
      )
    return true
  }

  /** The outcome of the public callback's error and result (where `takeOver` could not). */
  const calledBack = (type: RecordType, name: string, e: NodeJS.ErrnoException | null, result: unknown) => {
    if (e !== null) return outcomeOf(type, name, typeof e.code === "string" ? e.code : String(e), undefined)
    if (type !== "A" && type !== "AAAA") return outcomeOf(type, name, undefined, answerOf(type, result, undefined))
    // With `{ ttl: true }` Node gives A and AAAA records as `{ address, ttl }`.
    const rs = result as ReadonlyArray<{ address: string; ttl: number }>
    const answer = addresses(
      rs.map((r) => r.address),
      rs.map((r) => r.ttl)
    )
    return outcomeOf(type, name, undefined, answer)
  }
  const viaCallback =
    (type: RecordType, name: string, told: Told) =>
    (e: NodeJS.ErrnoException | null, result: unknown): void =>
      told(calledBack(type, name, e, result))

  /** Asks c-ares; `told` once with the outcome. */
  const query = (type: RecordType, name: string, told: Told): void => {
    const callback = viaCallback(type, name, told)
    const req: unknown =
      type === "A"
        ? resolver.resolve4(name, WITH_TTL, callback)
        : type === "AAAA"
          ? resolver.resolve6(name, WITH_TTL, callback)
          : type === "TXT"
            ? resolver.resolveTxt(name, callback)
            : type === "PTR"
              ? resolver.resolvePtr(name, callback)
              : resolver.resolveMx(name, callback)
    takeOver(req, type, name, told)
  }

  // c-ares cannot cancel a question: a late answer, or one after the stop, is dropped by the
  // caller's wrapper (`makeShape`).
  const shape = makeShape((type, name, told) => {
    query(type, name, told)
    return NO_STOP
  }, defaultTimeout)
  return { ...shape, close: () => {} }
}

/** The uncached resolver `options.resolver` names. Throws on invalid `servers`. */
export const makeUncached = (options: NodeDnsOptions = {}): NodeDnsShape =>
  options.resolver === "builtin" ? BuiltinDns.makeUncached(options) : makeSystemUncached(options)

/** Resolver plus cache (unless `cache: false`). Throws on invalid `servers`. */
export const make = (options: NodeDnsOptions = {}): NodeDnsShape => {
  const inner = makeUncached(options)
  return options.cache === false ? inner : { ...withCache(inner, options.cache ?? {}), close: inner.close }
}

/** A layer providing `Dns`, its sockets closed with the layer; invalid options fail the layer with the reason. */
export const layer = (options: NodeDnsOptions = {}): Layer.Layer<DnsService, Error> =>
  Layer.effect(
    Dns,
    Effect.acquireRelease(
      Effect.try({ try: () => make(options), catch: (e) => (e instanceof Error ? e : new Error(String(e))) }),
      (dns) => Effect.sync(dns.close)
    )
  )
