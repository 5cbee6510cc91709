/**
 * Decides from evidence whether a message came from a mail server.
 *
 * The rule (documented in docs/antispam.md): the sending host is **not a mail server** when at
 * least one of these holds
 * 1. its IP is on the end-user list (local list or an end-user DNS zone), unless the IP comes
 *    from a Received header and an external RBL answered for it (RBL answers take precedence);
 * 2. it has no forward-confirmed reverse DNS (no PTR, or no PTR name whose A/AAAA records
 *    contain the IP); a DNS failure (timeout, SERVFAIL) is *no* evidence either way;
 * 3. its HELO is not a fully qualified domain name (empty, no dot, an address literal
 *    `[192.0.2.1]`, or not a valid host name).
 *
 * @category models
 * @since 0.1.0
 */
import {
  Dns,
  type DnsOutcome,
  type DnsRecordType,
  type DnsShape,
  FiberClock,
  IpAddress,
  Later,
  type StageAnswers
} from "@mailmoat/core"
import { Cause, Effect, Exit, Result } from "effect"

const FQDN = /^(?=.{4,253}$)(?!-)[a-z0-9-]{1,63}(?<!-)(\.(?!-)[a-z0-9-]{1,63}(?<!-))*\.[a-z][a-z0-9-]*[a-z0-9]$/i

/** True when `helo` is a plausible fully qualified host name. */
export const isFqdnHelo = (helo: string | undefined): boolean => {
  const h = (helo ?? "").trim().replace(/\.$/, "")
  return h.length > 0 && !h.startsWith("[") && !IpAddress.isIp(h) && FQDN.test(h)
}

/** `Effect.result`, a finished effect at once when `self` is one (as a failure too). */
const resultEager = <A, E>(self: Effect.Effect<A, E>): Effect.Effect<Result.Result<A, E>> => {
  if (!Exit.isExit(self)) return Effect.result(self)
  const exit = self as Exit.Exit<A, E>
  if (Exit.isSuccess(exit)) return Effect.succeed(Result.succeed(exit.value))
  const error = Cause.findErrorOption(exit.cause)
  return error._tag === "Some" ? Effect.succeed(Result.fail(error.value)) : Effect.result(exit)
}

export type FcrdnsResult =
  | { readonly _tag: "Confirmed"; readonly name: string }
  | { readonly _tag: "NotConfirmed"; readonly why: string }
  | { readonly _tag: "Unknown"; readonly why: string }

/** Forward-confirmed reverse DNS: some PTR name of `ip` resolves back to `ip` (at most 3 names tried). */
// Eager: remembered answers (the DNS cache's, at once inside a fiber) give the result at once.
export const fcrdns: (dns: DnsShape, ip: string, timeoutMillis: number) => Effect.Effect<FcrdnsResult> =
  Effect.fnUntracedEager(function* (dns: DnsShape, ip: string, timeoutMillis: number) {
    const parsed = IpAddress.parse(ip)
    if (!parsed) return { _tag: "NotConfirmed", why: "not an IP" } as const
    // "No such name" is the usual answer for a dial-up or cloud address: a value, not an error.
    const ptr = yield* resultEager(Dns.lookup(dns, "PTR", parsed.text, { timeoutMillis }))
    if (ptr._tag === "Failure") return { _tag: "Unknown", why: `PTR ${ptr.failure.reason}` } as const
    if (ptr.success._tag === "NotFound") return { _tag: "NotConfirmed", why: "no PTR record" } as const
    let unknown: string | undefined
    for (const name of ptr.success.records.slice(0, 3)) {
      const fwd = yield* resultEager(Dns.lookup(dns, parsed.family === 4 ? "A" : "AAAA", name, { timeoutMillis }))
      if (fwd._tag === "Failure") unknown = `${name}: ${fwd.failure.reason}`
      else if (
        fwd.success._tag === "Answer" &&
        fwd.success.records.some((r) => IpAddress.parse(r)?.text === parsed.text)
      )
        return { _tag: "Confirmed", name } as const
    }
    return unknown
      ? ({ _tag: "Unknown", why: unknown } as const)
      : ({ _tag: "NotConfirmed", why: "PTR names do not resolve back to the IP" } as const)
  })

/**
 * `fcrdns` from the answers the DNS cache remembers at `now` (`Dns.peek`), with no effect:
 * undefined when one it needs is not remembered (then ask `fcrdns`, which looks again).
 */
export const fcrdnsKnown = (dns: DnsShape, ip: string, now: number): FcrdnsResult | undefined => {
  const parsed = IpAddress.parse(ip)
  if (!parsed) return { _tag: "NotConfirmed", why: "not an IP" }
  const ptr = Dns.peek(dns, "PTR", parsed.text, now)
  if (ptr === undefined) return undefined
  if (ptr._tag === "Error") return { _tag: "Unknown", why: `PTR ${ptr.error.reason}` }
  if (ptr.outcome._tag === "NotFound") return { _tag: "NotConfirmed", why: "no PTR record" }
  let unknown: string | undefined
  for (const name of ptr.outcome.records.slice(0, 3)) {
    const fwd = Dns.peek(dns, parsed.family === 4 ? "A" : "AAAA", name, now)
    if (fwd === undefined) return undefined
    if (fwd._tag === "Error") unknown = `${name}: ${fwd.error.reason}`
    else if (fwd.outcome._tag === "Answer" && fwd.outcome.records.some((r) => IpAddress.parse(r)?.text === parsed.text))
      return { _tag: "Confirmed", name }
  }
  return unknown
    ? { _tag: "Unknown", why: unknown }
    : { _tag: "NotConfirmed", why: "PTR names do not resolve back to the IP" }
}

type Outcome = Exit.Exit<DnsOutcome, Dns.DnsError>

/** One question by callback (`DnsShape.query`, which `dns` has): its exit as the value, an error being an answer here. */
const asked = (dns: DnsShape, type: DnsRecordType, name: string, timeoutMillis: number): Later.Later<Outcome> =>
  Later.make((done, waiter) =>
    dns.query!(type, name, timeoutMillis, waiter.clock.currentTimeMillisUnsafe(), (exit) => done(Exit.succeed(exit)))
  )

/** A DNS error of the exit, or undefined for anything else (a defect: handed on). */
const dnsErrorOf = (exit: Exit.Failure<DnsOutcome, Dns.DnsError>): Dns.DnsError | undefined => {
  const error = Cause.findErrorOption(exit.cause)
  return error._tag === "Some" ? error.value : undefined
}

/**
 * `fcrdns` by callback, the same steps and results: the PTR question, then each of its first
 * three names' forward question in turn until one confirms. No fiber runs it.
 */
const fcrdnsLater = (dns: DnsShape, parsed: IpAddress.Ip, timeoutMillis: number): Later.Later<FcrdnsResult> =>
  Later.flatMap(asked(dns, "PTR", parsed.text, timeoutMillis), (ptr): Later.Next<FcrdnsResult, never, never> => {
    if (Exit.isFailure(ptr)) {
      const error = dnsErrorOf(ptr)
      return error === undefined
        ? Exit.failCause(ptr.cause as Cause.Cause<never>)
        : { _tag: "Unknown", why: `PTR ${error.reason}` }
    }
    if (ptr.value._tag === "NotFound") return { _tag: "NotConfirmed", why: "no PTR record" }
    const names = ptr.value.records.slice(0, 3)
    const forward = parsed.family === 4 ? "A" : "AAAA"
    const from = (i: number, unknown: string | undefined): Later.Next<FcrdnsResult, never, never> => {
      if (i === names.length)
        return unknown
          ? { _tag: "Unknown", why: unknown }
          : { _tag: "NotConfirmed", why: "PTR names do not resolve back to the IP" }
      const name = names[i]!
      return Later.flatMap(asked(dns, forward, name, timeoutMillis), (fwd): Later.Next<FcrdnsResult, never, never> => {
        if (Exit.isFailure(fwd)) {
          const error = dnsErrorOf(fwd)
          if (error === undefined) return Exit.failCause(fwd.cause as Cause.Cause<never>)
          return from(i + 1, `${name}: ${error.reason}`)
        }
        if (fwd.value._tag === "Answer" && fwd.value.records.some((r) => IpAddress.parse(r)?.text === parsed.text))
          return { _tag: "Confirmed", name }
        return from(i + 1, unknown)
      })
    }
    return from(0, undefined)
  })

/**
 * `fcrdns`: the result itself when the answers it needs are remembered and a clock can be read
 * now; else by callback (a `Later`, no fiber) when `dns` asks by callback and the clock is the
 * runtime's own; else the effect.
 */
export const fcrdnsNow = (dns: DnsShape, ip: string, timeoutMillis: number): StageAnswers.Now<FcrdnsResult> => {
  const clock = FiberClock.current()
  if (clock === undefined) return fcrdns(dns, ip, timeoutMillis)
  const known = fcrdnsKnown(dns, ip, clock.currentTimeMillisUnsafe())
  if (known !== undefined) return known
  const parsed = IpAddress.parse(ip)
  return parsed !== undefined && dns.query !== undefined && FiberClock.isRealTime(clock)
    ? fcrdnsLater(dns, parsed, timeoutMillis)
    : fcrdns(dns, ip, timeoutMillis)
}
