/**
 * DNS questions in flight, shared: while a question about a name and type is pending, every other
 * lookup of the same key waits for it instead of asking again, so a burst of messages naming the
 * same new host asks the resolver once, not once per concurrent session.
 *
 * A question is started by a `Start` (a resolver's callback; `fromEffect` runs an Effect-only
 * resolver in a fiber of its own) without a deadline of its own, and its waiters are a list of
 * callbacks: no fiber and no observer per question when the resolver answers by callback. Each
 * waiter waits within its own deadline, counted from the start of its lookup: one timer per
 * waiter (the common case on new mail is one waiter per question), none when the answer is
 * already there. Every waiter gets the same outcome or the same error. A waiter whose deadline
 * passes gets `Timeout` (as the resolver call's own deadline said it) and leaves; an interrupted
 * or cancelled waiter leaves too. When the last waiter has left, the question is cancelled and
 * forgotten, so an answer arriving after every deadline is never seen, and never cached, exactly
 * as when each lookup asked for itself.
 *
 * `join` is the callback form (the deadline on real time, for a caller outside the runtime);
 * `ask` enters the runtime once per lookup (`Effect.callback`), with the deadline on the fiber's
 * `Clock` (`TestClock` in tests decides when it passes).
 *
 * **Gotchas**
 * - A pending question older than a newcomer's deadline is not joined: the newcomer asks anew
 *   (its question takes the key), so a question that hangs is not kept alive by newcomers.
 * - At most `maxPending` questions are shared at once; beyond that a question is asked for its
 *   one waiter (still with its deadline). A finished question leaves the map as it finishes,
 *   before its waiters are told (a cache writes the answer in its `Start`, before that too).
 *
 * @category services
 * @since 0.1.0
 */
import { type Context, Effect, Exit, Option } from "effect"
import {
  type Answered,
  type Cancel,
  type DnsError,
  type DnsOutcome,
  normaliseName,
  type RecordType,
  timeoutError
} from "./Dns.ts"
import * as IpAddress from "./IpAddress.ts"
import type * as Deadline from "../Deadline.ts"
import * as DeadlineLanes from "../DeadlineLanes.ts"
import { MAX_TIMER_MILLIS, timerSleep } from "../RuntimeTimer.ts"

/** Asks a question without a deadline; `answered` once with its exit (never after the `Cancel`). */
export type Start = (answered: Answered) => Cancel

/** One waiter's lookup: what it asks and until when it waits. */
export interface Waiter {
  readonly type: RecordType
  readonly name: string
  /** The lookup's deadline (ms) and when the lookup started (epoch ms, the caller's clock). */
  readonly timeoutMillis: number
  readonly startedAt: number
}

export interface InFlight {
  /**
   * The outcome of the question pending under `key`, or of `start` asked now and shared while it
   * is pending; `Timeout` when `waiter`'s deadline passes first (on the fiber's `Clock`).
   */
  readonly ask: (key: string, start: Start, waiter: Waiter) => Effect.Effect<DnsOutcome, DnsError>
  /**
   * `ask` outside the runtime: `answered` once (at once when the answer is known), the deadline a
   * real-time timer counted from `now`; the `Cancel` leaves the question. With `timed` false the
   * waiter has no timer: the caller keeps the deadline and cancels at it (several lookups under
   * one timer of its own); the deadline still decides whether a question in flight is joined.
   */
  readonly join: (key: string, start: Start, waiter: Waiter, now: number, answered: Answered, timed?: boolean) => Cancel
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

const nothing: Cancel = () => {}

/**
 * A question pending: its first waiter in a field, any more in an array (new mail nearly always
 * has one waiter a question), its answer when it came. `told` is the one callback the resolver
 * gets.
 */
class Question {
  first: Waiting | undefined = undefined
  more: Array<Waiting> | undefined = undefined
  exit: Exit.Exit<DnsOutcome, DnsError> | undefined = undefined
  /** Every waiter left before the answer: the question was cancelled, its answer goes nowhere. */
  abandoned = false
  cancel: Cancel | undefined = undefined
  constructor(
    readonly pending: Map<string, Question>,
    readonly key: string,
    readonly startedAt: number
  ) {}

  readonly told = (exit: Exit.Exit<DnsOutcome, DnsError>): void => {
    if (this.exit !== undefined || this.abandoned) return
    this.exit = exit
    if (this.pending.get(this.key) === this) this.pending.delete(this.key)
    const first = this.first
    const more = this.more
    this.first = undefined
    this.more = undefined
    first?.tell(exit)
    if (more !== undefined) for (const w of more) w.tell(exit)
  }

  add(w: Waiting): void {
    if (this.first === undefined && this.more === undefined) this.first = w
    else (this.more ??= []).push(w)
  }

  /** `w` leaves; the last to leave before the answer cancels the question. */
  leave(w: Waiting): void {
    if (this.first === w) this.first = undefined
    else {
      const i = this.more === undefined ? -1 : this.more.indexOf(w)
      if (i < 0) return
      this.more!.splice(i, 1)
    }
    if (this.first !== undefined || (this.more !== undefined && this.more.length > 0) || this.exit !== undefined) return
    if (this.pending.get(this.key) === this) this.pending.delete(this.key)
    this.abandoned = true
    this.cancel?.()
  }
}

/**
 * One waiter of a question: told the question's outcome, or `Timeout` when its deadline (its
 * place in the deadline lane of its length, the waiter itself the target) passes first. `leave`
 * is the `Cancel` its caller gets.
 */
class Waiting {
  deadline: Deadline.Timer | undefined = undefined
  constructor(
    readonly q: Question,
    readonly waiter: Waiter,
    readonly answered: Answered
  ) {}
  tell(exit: Exit.Exit<DnsOutcome, DnsError>): void {
    this.deadline?.cancel()
    this.deadline = undefined
    this.answered(exit)
  }
  expire(): void {
    this.deadline = undefined
    this.q.leave(this)
    this.answered(Exit.fail(timeoutOf(this.waiter)))
  }
  readonly leave = (): void => {
    this.deadline?.cancel()
    this.deadline = undefined
    this.q.leave(this)
  }
}

/**
 * A `Start` for a resolver that only has the Effect form: the question runs in a fiber of its own
 * (with `context`'s services, its `Clock` among them), detached from every waiter.
 */
export const fromEffect =
  (question: Effect.Effect<DnsOutcome, DnsError>, context: Context.Context<never>): Start =>
  (answered) => {
    const fiber = Effect.runForkWith(context)(question)
    const done = fiber.pollUnsafe()
    if (done !== undefined) {
      answered(done)
      return nothing
    }
    fiber.addObserver(answered)
    return () => fiber.interruptUnsafe()
  }

export const make = (maxPending = 10_000): InFlight => {
  const pending = new Map<string, Question>()

  const begin = (key: string, start: Start, now: number): Question => {
    const q = new Question(pending, key, now)
    q.cancel = start(q.told)
    if (q.exit === undefined && (pending.has(key) || pending.size < maxPending)) pending.set(key, q)
    return q
  }

  /** `answered` once: by the question, or by the waiter's deadline after `left` ms (none beyond a timer's range). */
  const wait = (q: Question, waiter: Waiter, left: number, answered: Answered): Cancel => {
    if (q.exit !== undefined) {
      answered(q.exit)
      return nothing
    }
    const w = new Waiting(q, waiter, answered)
    q.add(w)
    // In the lane of the lookup's whole deadline (a shared cache's read may have taken some of
    // it); the end on the lanes' clock, which is monotonic (the caller's clock may be another).
    if (left <= MAX_TIMER_MILLIS)
      w.deadline = DeadlineLanes.shared.addUntil(waiter.timeoutMillis, DeadlineLanes.now() + left, w)
    return w.leave
  }

  /** Waits for the question under `key` (joined, or begun now) for at most `left` ms. */
  const attach = (key: string, start: Start, waiter: Waiter, now: number, left: number, answered: Answered) => {
    const q = pending.get(key)
    const shared = q !== undefined && now - q.startedAt < waiter.timeoutMillis ? q : begin(key, start, now)
    return wait(shared, waiter, left, answered)
  }

  /**
   * What is left of the lookup's deadline at `now` (a shared cache's read may have taken some of
   * it), never more than the whole: a wall clock stepped back during that read must not lengthen it.
   */
  const leftOf = (waiter: Waiter, now: number) =>
    Math.min(waiter.timeoutMillis, waiter.startedAt + waiter.timeoutMillis - now)

  const join = (key: string, start: Start, waiter: Waiter, now: number, answered: Answered, timed = true): Cancel => {
    const left = leftOf(waiter, now)
    if (left <= 0) {
      answered(Exit.fail(timeoutOf(waiter)))
      return nothing
    }
    return attach(key, start, waiter, now, timed ? left : Number.POSITIVE_INFINITY, answered)
  }

  const ask = (key: string, start: Start, waiter: Waiter): Effect.Effect<DnsOutcome, DnsError> =>
    Effect.clockWith((clock) => {
      const now = clock.currentTimeMillisUnsafe()
      const left = leftOf(waiter, now)
      if (left <= 0) return Effect.fail(timeoutOf(waiter))
      // Under the runtime's clock the waiter's timer is a plain `setTimeout`; under another clock
      // the wait has no timer of its own and the clock's `sleep` decides when it ends.
      const timed = clock.sleep === timerSleep && left <= MAX_TIMER_MILLIS
      const waiting = Effect.callback<DnsOutcome, DnsError>((resume) => {
        const cancel = attach(key, start, waiter, now, timed ? left : Number.POSITIVE_INFINITY, resume)
        return cancel === nothing ? undefined : Effect.sync(cancel)
      })
      return timed
        ? waiting
        : Effect.flatMap(
            Effect.timeoutOption(waiting, left),
            Option.match({ onNone: () => Effect.fail(timeoutOf(waiter)), onSome: Effect.succeed })
          )
    })

  return { ask, join, size: () => pending.size }
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
