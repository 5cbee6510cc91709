/**
 * A `dns.resolve`-compatible resolver over our `Dns`, in the shapes mailauth expects (TXT as
 * arrays of chunks, MX as `{ exchange, priority }`), with errors carrying Node's codes so
 * mailauth tells NXDOMAIN (a void lookup) from a temporary failure (temperror).
 *
 * Every lookup goes through the service, so it shares the configured servers and the TTL
 * cache, and gets the smaller of the per-lookup timeout and what is left of the message's
 * deadline. Names that failed temporarily are remembered: ARC reports every failure as
 * permanent, and we need to tell a seal whose key could not be fetched from a broken seal.
 *
 * An answer the cache keeps in memory is taken at once (`Dns.peek`), without a trip through the
 * runtime; a question it has to ask is asked by callback (`DnsShape.query`) where the resolver
 * has one: a promise per question, no fiber. `recording` keeps what each question of one check was told and `seenNow` says what it
 * would be told now, so that a check whose every answer is unchanged need not run again
 * (`CheckMemo.ts`); `replay` counts such a check's questions as asked.
 *
 * @category services
 * @since 0.1.0
 */
import { Dns, type DnsShape } from "@mailmoat/core"
import { Cause, Effect, Exit } from "effect"

/** One question a check asked and what it was told, as a comparable text (see `Recording`). */
export interface Asked {
  readonly name: string
  readonly type: string
  /** The answer as mailauth got it: `v:` and the records, or `e:` and the error code and message. */
  readonly seen: string
  readonly temporary: boolean
}

/** The questions one check asked through `recording`, in order; `replayable` false when time decided an answer. */
export interface Recording {
  readonly resolve: (name: string, type?: string) => Promise<unknown>
  readonly asked: () => ReadonlyArray<Asked>
  readonly replayable: () => boolean
}

export interface MailauthResolver {
  readonly resolve: (name: string, type?: string) => Promise<unknown>
  /** Lookups asked so far. */
  readonly lookups: () => number
  /** Lower-cased names whose lookup timed out, was refused or got SERVFAIL. */
  readonly temporaryFailures: () => ReadonlySet<string>
  /** `resolve`, keeping what each question was told (for `CheckMemo`). */
  readonly recording: () => Recording
  /**
   * What `resolve` would tell about `name` now, from the resolver's memory only (`Dns.peek`):
   * undefined when it would have to ask, or when the deadline has passed.
   */
  readonly seenNow: (name: string, type: string) => string | undefined
  /** Counts answers given from a remembered check as if asked again (lookups, temporary failures). */
  readonly replay: (asked: ReadonlyArray<Asked>) => void
}

const CODES = {
  NotFound: "ENOTFOUND",
  Timeout: "ETIMEOUT",
  ServerFailure: "ESERVFAIL",
  Refused: "EREFUSED",
  BadName: "EBADNAME",
  Other: "EOTHER"
} as const

const SUPPORTED: ReadonlySet<string> = new Set(["A", "AAAA", "TXT", "PTR", "MX"])

/**
 * mailauth reads only `code` and `message`. NXDOMAIN is the usual answer to SPF, DMARC and PTR
 * questions, so the error is built without a stack trace (its capture costs more than the lookup
 * when the answer is cached).
 */
const failure = (message: string, code: string): Error => {
  const limit = Error.stackTraceLimit
  Error.stackTraceLimit = 0
  const error = Object.assign(new Error(message), { code })
  Error.stackTraceLimit = limit
  return error
}

/** What one question is told: records in mailauth's shapes, or an error code and message. */
type Told =
  | { readonly ok: true; readonly value: unknown }
  | { readonly ok: false; readonly code: string; readonly message: string; readonly temporary: boolean }

const shaped = (t: string, records: ReadonlyArray<string>): unknown => {
  switch (t) {
    case "TXT":
      return records.map((r) => [r])
    case "MX":
      return records.map((r) => {
        const [priority = "0", exchange = ""] = r.split(" ")
        return { priority: Number(priority), exchange }
      })
    default:
      return [...records]
  }
}

const toldOf = (t: string, name: string, looked: Dns.Immediate): Told => {
  if (looked._tag === "Error") {
    const e = looked.error
    return { ok: false, code: CODES[e.reason], message: `${t} ${name}: ${e.reason}`, temporary: e.isTemporary }
  }
  const o = looked.outcome
  return o._tag === "NotFound"
    ? { ok: false, code: CODES.NotFound, message: `${t} ${name}: NotFound`, temporary: false }
    : { ok: true, value: shaped(t, o.records) }
}

const seenOf = (told: Told): string => (told.ok ? `v:${JSON.stringify(told.value)}` : `e:${told.code}:${told.message}`)

const unsupported = (t: string): Told => ({
  ok: false,
  code: "ENOTFOUND",
  message: `${t} not supported`,
  temporary: false
})

/** A lookup's exit as what it told; a defect or an interruption throws (the question's promise rejects). */
const immediate = (exit: Exit.Exit<Dns.DnsOutcome, Dns.DnsError>): Dns.Immediate => {
  if (Exit.isSuccess(exit)) return { _tag: "Outcome", outcome: exit.value }
  const error = Cause.findErrorOption(exit.cause)
  if (error._tag === "Some") return { _tag: "Error", error: error.value }
  throw Cause.squash(exit.cause)
}

/** Settles a question's promise with its exit. */
const settle =
  (resolve: (i: Dns.Immediate) => void, reject: (defect: unknown) => void): Dns.Answered =>
  (exit) => {
    try {
      resolve(immediate(exit))
    } catch (defect) {
      reject(defect)
    }
  }

/**
 * What one uncached question came to. A resolver answered by callback (`DnsShape.query`) is asked
 * directly: the answer settles the question's promise, with no fiber and no observer. Otherwise
 * the lookup runs in a fiber of its own (`Effect.runFork` and an observer, no promise around
 * the runtime's `runPromise`).
 */
const looked = (
  dns: DnsShape,
  t: Dns.RecordType,
  name: string,
  timeoutMillis: number,
  at: number
): Dns.Immediate | Promise<Dns.Immediate> => {
  const query = dns.query
  if (query !== undefined)
    return new Promise((resolve, reject) => {
      query(t, name, timeoutMillis, at, settle(resolve, reject))
    })
  const fiber = Effect.runFork(Dns.lookup(dns, t, name, { timeoutMillis }))
  const done = fiber.pollUnsafe()
  if (done !== undefined) return immediate(done)
  return new Promise((resolve, reject) => fiber.addObserver(settle(resolve, reject)))
}

/**
 * What `f` gives, as a promise: its value or its promise as it is, a throw as a rejection (what
 * an `async` function would give, without its frame). A refused or missing name is a throw
 * (`deliver`), and from a cached answer it comes at once: the rejection is then made one
 * microtask later, once the caller has attached its handlers (a promise rejected before that
 * goes through Node's unhandled-rejection bookkeeping, which cost more than the frames saved).
 */
const promised = <A>(f: () => A | Promise<A>): Promise<A> => {
  try {
    const out = f()
    return out instanceof Promise ? out : Promise.resolve(out)
  } catch (error) {
    return Promise.resolve().then(() => {
      throw error
    })
  }
}

/**
 * What a resolver over `dns` would tell about `name` at `at` from memory only (`Dns.peek`), as
 * `seenNow` gives it before its deadline: undefined when it would have to ask.
 */
export const seenAt = (dns: DnsShape, name: string, type: string, at: number): string | undefined => {
  const t = type.toUpperCase()
  if (!SUPPORTED.has(t)) return seenOf(unsupported(t))
  const cached = Dns.peek(dns, t as Dns.RecordType, name, at)
  return cached === undefined ? undefined : seenOf(toldOf(t, name, cached))
}

/**
 * `deadline` is an instant on `timing`'s clock after which every lookup fails with ETIMEOUT;
 * `now` reads the caller's clock (the fiber's `Clock`: the time a cache's answers are fresh at),
 * and `timing` the one the deadline is counted on: `now` unless given (a `TestClock` decides
 * both), the monotonic clock outside the runtime (`Deadline.now`), so that a step of the wall
 * clock neither ends the check's remaining questions at once nor stretches them.
 */
export const make = (
  dns: DnsShape,
  timeoutMillis: number,
  deadline: number,
  now: () => number,
  timing: () => number = now
): MailauthResolver => {
  let count = 0
  const temporary = new Set<string>()
  /**
   * `then` with what one question is told, counted (`late` when the deadline had passed or the
   * question timed out): at once when the answer is known, else when it comes (one promise).
   */
  const ask = <A>(name: string, type: string, then: (told: Told, late: boolean) => A): A | Promise<A> => {
    const t = type.toUpperCase()
    if (!SUPPORTED.has(t)) return then(unsupported(t), false)
    count++
    const at = now()
    const left = deadline - timing()
    if (left <= 0)
      return then({ ok: false, code: CODES.Timeout, message: `${t} ${name}: deadline passed`, temporary: true }, true)
    // A cached answer is taken at once; otherwise "no such name" comes as a value
    // (`Dns.lookup`), not as an error through the runtime.
    const cached = Dns.peek(dns, t as Dns.RecordType, name, at)
    if (cached !== undefined) return then(toldOf(t, name, cached), false)
    const tell = (answer: Dns.Immediate) => {
      const told = toldOf(t, name, answer)
      // A timeout depends on when the question was asked, not only on the answer.
      return then(told, !told.ok && told.code === CODES.Timeout)
    }
    // In whole milliseconds, as the wall clock's differences were: a question's deadline names
    // its lane (`DeadlineLanes`) and its timeout's text ("within N ms").
    const answer = looked(dns, t as Dns.RecordType, name, Math.min(timeoutMillis, Math.ceil(left)), at)
    return answer instanceof Promise ? answer.then(tell) : tell(answer)
  }
  const deliver = (name: string, told: Told): unknown => {
    if (told.ok) return told.value
    if (told.temporary) temporary.add(name.toLowerCase())
    throw failure(told.message, told.code)
  }
  const resolve = (name: string, type = "A"): Promise<unknown> =>
    promised(() => ask(name, type, (told) => deliver(name, told)))
  return {
    resolve,
    lookups: () => count,
    temporaryFailures: () => temporary,
    recording: () => {
      const asked: Array<Asked> = []
      let replayable = true
      return {
        resolve: (name, type = "A") =>
          promised(() =>
            ask(name, type, (told, late) => {
              if (late) replayable = false
              asked.push({ name, type, seen: seenOf(told), temporary: !told.ok && told.temporary })
              return deliver(name, told)
            })
          ),
        asked: () => asked,
        replayable: () => replayable
      }
    },
    seenNow: (name, type) => {
      return deadline - timing() <= 0 ? undefined : seenAt(dns, name, type, now())
    },
    replay: (asked) => {
      for (const a of asked) {
        if (SUPPORTED.has(a.type.toUpperCase())) count++
        if (a.temporary) temporary.add(a.name.toLowerCase())
      }
    }
  }
}
