/**
 * The Node implementation of `Dns`, on `node:dns` `Resolver` (c-ares), with a TTL cache.
 *
 * `servers` takes `host:port` strings: `127.0.0.1:5353`, `[::1]:53`, or a bare address (port 53).
 * Without servers the system resolvers are used. Invalid server strings fail the layer at
 * startup (fail fast, never a silent fallback to the system resolver).
 *
 * **Gotchas**
 * - c-ares has no per-query cancellation: when our per-call timeout fires, the query keeps
 *   running inside c-ares until its own `attemptTimeoutMillis x tries` runs out; its answer is
 *   dropped. Keep those two small (defaults 2000 ms x 2).
 * - A / AAAA carry real TTLs (`{ ttl: true }`); TXT, PTR and MX answers do not expose TTLs in
 *   Node, so they are cached for `unknownTtlSeconds` (default 300).
 * - `NotFound` covers both ENOTFOUND (NXDOMAIN) and ENODATA (NODATA); `lookup` answers it as a
 *   value, `resolve` as the contract's `DnsError`.
 * - Bun and Deno run this through their `node:dns` compatibility; Deno's `Resolver` honours
 *   `setServers` since 1.40.
 * - A REFUSED or SERVFAIL answer is not asked again by c-ares (Node sets c-ares's NOCHECKRESP
 *   flag, so such an answer is final, not a cue to try again): one packet per question whatever
 *   the answer, seen on the wire with `tries: 2` (docs/performance.md). Caching it is the
 *   cache's job: REFUSED for `cache.refusedTtlSeconds` (default 60), SERVFAIL for
 *   `cache.failureTtlSeconds` (default 5), both at most 300 (RFC 2308 §7.1; `DnsCache.ts`).
 * - A question costs the gateway ~75 µs of CPU in c-ares, Node's wrapper and the kernel's
 *   loopback UDP path (both ends' packets), and ~105 µs more in the engine around it
 *   (docs/performance.md, "DNS, 2026-12-04 evening"; the DNS module's own part of that is
 *   ~10-20 µs, "DNS callbacks, 2026-12-04 night"): only a question not asked is free. c-ares
 *   closes its UDP socket whenever no question is pending and opens a new one for the next.
 * - Questions go through the callback `Resolver`, not `dns.promises`: one callback per question
 *   resumes the waiting fiber directly (no promise, no reaction job), and the per-call timeout is
 *   one `setTimeout` inside that same wait (no child fiber), so it runs on real time even under a
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
  type DnsLookupOptions as LookupOptions,
  type DnsRecordType as RecordType,
  type DnsService,
  type DnsShape,
  IpAddress
} from "@mailmoat/core"

const { Dns, DnsError, dnsError, normaliseName, resolveFromLookup, timeoutError, withCache } = CoreDns
type Told = CoreDns.Answered
type Cancel = CoreDns.Cancel

/** `setTimeout` fires at once beyond this many milliseconds. */
const MAX_TIMER_MILLIS = 2_147_483_647

export interface NodeDnsOptions {
  /** Resolvers as `host:port` (`127.0.0.1:5353`, `[::1]:53`) or bare addresses; empty = system. */
  readonly servers?: ReadonlyArray<string> | undefined
  /** Timeout applied to calls that give none (ms, default 5000; 0 = none). */
  readonly defaultTimeoutMillis?: number | undefined
  /** c-ares per-attempt timeout (ms, default 2000) and attempts (default 2). */
  readonly attemptTimeoutMillis?: number | undefined
  readonly tries?: number | undefined
  /** TTL used for TXT / PTR / MX answers, whose TTLs Node does not expose (default 300). */
  readonly unknownTtlSeconds?: number | undefined
  /** Cache options; `false` disables the cache. */
  readonly cache?: CacheOptions | false | undefined
}

/** Validates one `servers` entry and returns the form `Resolver.setServers` accepts. */
export const parseServer = (input: string): string => {
  const s = input.trim()
  const bracketed = /^\[([^\]]+)\](?::(\d{1,5}))?$/.exec(s)
  const v4port = /^([\d.]+):(\d{1,5})$/.exec(s)
  const [host, port] = bracketed ? [bracketed[1]!, bracketed[2]] : v4port ? [v4port[1]!, v4port[2]] : [s, undefined]
  const ip = IpAddress.parse(host)
  if (!ip) throw new Error(`dns.servers: "${input}" is not an IP address (use 127.0.0.1:5353 or [::1]:53)`)
  const p = port === undefined ? 53 : Number(port)
  if (!Number.isInteger(p) || p < 1 || p > 65535) throw new Error(`dns.servers: bad port in "${input}"`)
  return ip.family === 4 ? `${ip.text}:${p}` : `[${ip.text}]:${p}`
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

/** One answer as the contract's records and TTL, or the resolver's error. */
type Answered = (error: NodeJS.ErrnoException | null, answer?: DnsAnswer) => void

/** Builds the uncached resolver-backed implementation. */
export const makeUncached = (options: NodeDnsOptions = {}): DnsShape => {
  const resolver = new Resolver({
    timeout: options.attemptTimeoutMillis ?? 2000,
    tries: options.tries ?? 2
  })
  const servers = (options.servers ?? []).map(parseServer)
  if (servers.length > 0) resolver.setServers(servers)
  const unknownTtl = options.unknownTtlSeconds ?? 300
  const defaultTimeout = options.defaultTimeoutMillis ?? 5000

  const addresses = (rs: ReadonlyArray<{ address: string; ttl: number }>): DnsAnswer => {
    const records: Array<string> = []
    let ttlSeconds = Number.POSITIVE_INFINITY
    for (const r of rs) {
      records.push(r.address)
      if (r.ttl < ttlSeconds) ttlSeconds = r.ttl
    }
    return { records, ttlSeconds }
  }

  const query = (type: RecordType, name: string, done: Answered): void => {
    switch (type) {
      case "A":
        resolver.resolve4(name, { ttl: true }, (e, rs) => (e ? done(e) : done(null, addresses(rs))))
        return
      case "AAAA":
        resolver.resolve6(name, { ttl: true }, (e, rs) => (e ? done(e) : done(null, addresses(rs))))
        return
      case "TXT":
        resolver.resolveTxt(name, (e, rs) =>
          e ? done(e) : done(null, { records: rs.map((chunks) => chunks.join("")), ttlSeconds: unknownTtl })
        )
        return
      case "PTR":
        resolver.resolvePtr(name, (e, rs) => (e ? done(e) : done(null, { records: rs, ttlSeconds: unknownTtl })))
        return
      case "MX":
        resolver.resolveMx(name, (e, rs) =>
          e ? done(e) : done(null, { records: rs.map((r) => `${r.priority} ${r.exchange}`), ttlSeconds: unknownTtl })
        )
        return
    }
  }

  /** What one answer or error of the resolver is to the contract. */
  const outcomeOf = (
    type: RecordType,
    name: string,
    e: NodeJS.ErrnoException | null,
    a: DnsAnswer | undefined
  ): Exit.Exit<DnsOutcome, InstanceType<typeof DnsError>> => {
    if (e === null)
      return Exit.succeed(
        a === undefined || a.records.length === 0
          ? { _tag: "NotFound", detail: "empty answer" }
          : { _tag: "Answer", records: a.records, ttlSeconds: a.ttlSeconds }
      )
    const code: unknown = e.code
    const reason = reasonOf(code)
    return reason === "NotFound"
      ? Exit.succeed({ _tag: "NotFound", detail: String(code) })
      : Exit.fail(dnsError({ reason, name, type, detail: typeof code === "string" ? code : String(e) }))
  }

  // NXDOMAIN / NODATA (most blocklist lookups) resolve to a value: no DnsError, no failure
  // through the runtime. The deadline is a timer beside the question: c-ares cannot cancel the
  // question, so a late answer, or one after `Cancel`, is dropped (`over`).
  const ask = (type: RecordType, rawName: string, millis: number, answered: Told): Cancel => {
    const ip = type === "PTR" ? IpAddress.parse(rawName) : undefined
    const name = ip ? IpAddress.ptrName(ip) : normaliseName(rawName)
    let over = false
    const timer =
      millis > 0 && Number.isFinite(millis)
        ? setTimeout(
            () => {
              over = true
              answered(Exit.fail(timeoutError(type, name, millis)))
            },
            Math.min(millis, MAX_TIMER_MILLIS)
          )
        : undefined
    query(type, name, (e, a) => {
      if (over) return
      over = true
      if (timer !== undefined) clearTimeout(timer)
      answered(outcomeOf(type, name, e, a))
    })
    return () => {
      over = true
      if (timer !== undefined) clearTimeout(timer)
    }
  }

  const lookup = (
    type: RecordType,
    rawName: string,
    options?: LookupOptions
  ): Effect.Effect<DnsOutcome, InstanceType<typeof DnsError>> =>
    Effect.callback<DnsOutcome, InstanceType<typeof DnsError>>((resume) => {
      const cancel = ask(type, rawName, options?.timeoutMillis ?? defaultTimeout, resume)
      return Effect.sync(cancel)
    })
  // `query` takes its deadline as given (0 = none): the cache asks its shared questions so.
  return {
    lookup,
    resolve: resolveFromLookup(lookup),
    query: (type, name, millis, _now, answered) => ask(type, name, millis, answered)
  }
}

/** Resolver plus cache (unless `cache: false`). Throws on invalid `servers`. */
export const make = (options: NodeDnsOptions = {}): DnsShape => {
  const inner = makeUncached(options)
  return options.cache === false ? inner : withCache(inner, options.cache ?? {})
}

/** A layer providing `Dns`; invalid options fail the layer with the reason. */
export const layer = (options: NodeDnsOptions = {}): Layer.Layer<DnsService, Error> =>
  Layer.effect(
    Dns,
    Effect.try({ try: () => make(options), catch: (e) => (e instanceof Error ? e : new Error(String(e))) })
  )
