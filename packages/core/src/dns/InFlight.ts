/**
 * DNS questions in flight, shared: while a question about a name and type is pending, every other
 * lookup of the same key waits for it instead of asking again, so a burst of messages naming the
 * same new host asks the resolver once, not once per concurrent session.
 *
 * A question runs in a fiber of its own (detached: no waiter owns it) without a deadline of its
 * own. Each waiter waits for it within its own deadline, counted from the start of its lookup:
 * one timer per waiter, none when the answer is already there. Every waiter gets the same outcome
 * or the same error. A waiter whose deadline passes gets `Timeout` (as the resolver call's own
 * deadline said it) and leaves; an interrupted waiter leaves too. When the last waiter has left,
 * the question is interrupted and forgotten, so an answer arriving after every deadline is never
 * seen, and never cached, exactly as when each lookup asked for itself.
 *
 * **Gotchas**
 * - A pending question older than a newcomer's deadline is not joined: the newcomer asks anew
 *   (its question takes the key), so a question that hangs is not kept alive by newcomers.
 * - At most `maxPending` questions are shared at once; beyond that a question is asked for its
 *   one waiter (still with its deadline). A finished question leaves the map as it finishes.
 *
 * @category services
 * @since 0.1.0
 */
import { Effect, type Fiber, Option } from "effect"
import { awaitWithin } from "../Deadline.ts"
import { type DnsError, type DnsOutcome, normaliseName, type RecordType, timeoutError } from "./Dns.ts"
import * as IpAddress from "./IpAddress.ts"

interface Question {
  readonly fiber: Fiber.Fiber<DnsOutcome, DnsError>
  readonly startedAt: number
  waiters: number
}

/** One waiter's lookup: what it asks and until when it waits. */
export interface Waiter {
  readonly type: RecordType
  readonly name: string
  /** The lookup's deadline (ms) and when the lookup started (epoch ms, the fiber's clock). */
  readonly timeoutMillis: number
  readonly startedAt: number
}

export interface InFlight {
  /**
   * The outcome of the question pending under `key`, or of `question()` asked now and shared
   * while it is pending; `Timeout` when `waiter`'s deadline passes first.
   */
  readonly ask: (
    key: string,
    question: () => Effect.Effect<DnsOutcome, DnsError>,
    waiter: Waiter
  ) => Effect.Effect<DnsOutcome, DnsError>
  /** Questions pending now. */
  readonly size: () => number
}

/** The name a resolver reports in its errors: a PTR question about an address asks the reverse name. */
const reportedName = (type: RecordType, name: string): string => {
  const ip = type === "PTR" ? IpAddress.parse(name) : undefined
  return ip ? IpAddress.ptrName(ip) : normaliseName(name)
}

const timeoutOf = (waiter: Waiter): DnsError =>
  timeoutError(waiter.type, reportedName(waiter.type, waiter.name), waiter.timeoutMillis)

export const make = (maxPending = 10_000): InFlight => {
  const pending = new Map<string, Question>()

  const leave = (key: string, q: Question) => () => {
    q.waiters--
    if (q.waiters > 0 || q.fiber.pollUnsafe() !== undefined) return
    if (pending.get(key) === q) pending.delete(key)
    q.fiber.interruptUnsafe()
  }

  const wait = (key: string, q: Question, waiter: Waiter, left: number): Effect.Effect<DnsOutcome, DnsError> => {
    const done = q.fiber.pollUnsafe()
    if (done !== undefined) return done
    q.waiters++
    return Effect.flatMap(
      awaitWithin(q.fiber, left, leave(key, q)),
      Option.match({ onNone: () => Effect.fail(timeoutOf(waiter)), onSome: Effect.succeed })
    )
  }

  const start = (
    key: string,
    question: () => Effect.Effect<DnsOutcome, DnsError>,
    waiter: Waiter,
    now: number,
    left: number
  ): Effect.Effect<DnsOutcome, DnsError> =>
    Effect.flatMap(Effect.forkDetach(question(), { startImmediately: true }), (fiber) => {
      const q: Question = { fiber, startedAt: now, waiters: 0 }
      if (fiber.pollUnsafe() === undefined && (pending.has(key) || pending.size < maxPending)) {
        pending.set(key, q)
        fiber.addObserver(() => {
          if (pending.get(key) === q) pending.delete(key)
        })
      }
      return wait(key, q, waiter, left)
    })

  const ask = (
    key: string,
    question: () => Effect.Effect<DnsOutcome, DnsError>,
    waiter: Waiter
  ): Effect.Effect<DnsOutcome, DnsError> =>
    Effect.clockWith((clock) => {
      const now = clock.currentTimeMillisUnsafe()
      // What is left of the lookup's deadline (a shared cache's read may have taken some of it).
      const left = waiter.startedAt + waiter.timeoutMillis - now
      if (left <= 0) return Effect.fail(timeoutOf(waiter))
      const q = pending.get(key)
      return q !== undefined && now - q.startedAt < waiter.timeoutMillis
        ? wait(key, q, waiter, left)
        : start(key, question, waiter, now, left)
    })

  return { ask, size: () => pending.size }
}

/** Whether a lookup with these options waits for a shared question: a bounded, non-fresh one. */
export const shareable = (
  options: { readonly timeoutMillis?: number | undefined; readonly fresh?: boolean | undefined } | undefined
): options is { readonly timeoutMillis: number } =>
  options !== undefined &&
  options.fresh !== true &&
  options.timeoutMillis !== undefined &&
  options.timeoutMillis > 0 &&
  Number.isFinite(options.timeoutMillis)
