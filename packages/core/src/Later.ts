/**
 * A value that comes later by callback, waited for without a fiber: what a built-in stage gives
 * when it waits only for callbacks (its uncached list lookups, its sender check's promise). The
 * pipeline waits for it in the callback it already waits in (`Deadline.exitsWithin`) instead of
 * forking a fiber to run an effect that would only wait for the same callback and then call a
 * few functions (docs/performance.md, "The new sender's wait, 2026-12-07 late morning").
 *
 * A `Later` is lazy like an effect: nothing starts before `wait`, and each `wait` is one wait
 * (call it once). Its continuations (`flatMap`) run when the value comes, with the waiter's
 * clock lent (`FiberClock.lend`), so what they build reads the clock it will run with; one that
 * gives an effect still to run has it run by the waiter (`Waiter.fork`: a fiber in the waiter's
 * services), one that gives a `Later` has it waited for in turn.
 *
 * **Gotchas**
 * - `done` is called once, perhaps inside `wait` (an answer known at once), never after the
 *   cancel `wait` returned has been called.
 * - A continuation that throws ends the wait with that defect (`Exit.die`), as in `Effect.map`.
 * - Built-in stages only, as `Stage.answer` is: a plugin's stage is an effect.
 *
 * @category models
 * @since 0.1.0
 */
import { Clock, type Context, Effect, Exit, Fiber } from "effect"
import { lendCall } from "./FiberClock.ts"

const TypeId: unique symbol = Symbol.for("@mailmoat/core/Later") as never

/** Stops a wait: its `done` is not called after it. */
export type Cancel = () => void

/** What the one who waits lends a `Later`'s continuations. */
export interface Waiter {
  /** The waiter's clock: lent while a continuation runs. */
  readonly clock: Clock.Clock
  /** Runs `effect` in the waiter's services: `done` once with its exit, unless the returned cancel came first. */
  readonly fork: <A, E>(effect: Effect.Effect<A, E, any>, done: (exit: Exit.Exit<A, E>) => void) => Cancel
}

export interface Later<A, E = never, R = never> {
  readonly [TypeId]: typeof TypeId
  /** Starts the wait (see the module comment). `R`: the services an effect of a continuation needs. */
  readonly wait: (done: (exit: Exit.Exit<A, E>) => void, waiter: Waiter) => Cancel
  /** Phantom: the services of the effects its continuations may give. */
  readonly _R?: (_: never) => R
}

type Start = (done: (exit: Exit.Exit<any, any>) => void, waiter: Waiter) => Cancel
type Step = (a: any) => Next<any, any, any>

/**
 * A source's wait (`start`), or the `Later` before it and one continuation after it (`before`,
 * `f`): `flatMap` makes one object, and one wait of the chain is one `Chain` with the
 * continuations in order, however deep it is.
 */
class LaterImpl<A, E, R> implements Later<A, E, R> {
  readonly [TypeId]: typeof TypeId = TypeId
  constructor(
    readonly start: Start | undefined,
    readonly before: LaterImpl<unknown, unknown, unknown> | undefined,
    readonly f: Step | undefined,
    readonly depth: number
  ) {}
  wait(done: (exit: Exit.Exit<A, E>) => void, waiter: Waiter): Cancel {
    const steps: Array<Step> = new Array(this.depth)
    let source: LaterImpl<unknown, unknown, unknown> = this as LaterImpl<unknown, unknown, unknown>
    for (let i = this.depth - 1; i >= 0; i--) {
      steps[i] = source.f!
      source = source.before!
    }
    const start = source.start!
    const chain = new Chain(steps, done, waiter)
    chain.waitFor((next) => start(next, waiter))
    return chain.stop
  }
}

/** One wait of a chain: the step it is at, and the stop of what it waits for now. */
class Chain {
  private at = 0
  private over = false
  private cancel: Cancel = NO_CANCEL
  // Counts the waits started, so a wait that ended inside its own start keeps a later one's stop.
  private waits = 0
  constructor(
    private readonly steps: ReadonlyArray<Step>,
    private readonly done: (exit: Exit.Exit<any, any>) => void,
    private readonly waiter: Waiter
  ) {}

  /** Starts a wait that tells `next`; keeps its stop unless it ended (and another began) meanwhile. */
  waitFor(start: (next: (exit: Exit.Exit<any, any>) => void) => Cancel): void {
    const w = ++this.waits
    const cancel = start(this.next)
    if (!this.over && this.waits === w) this.cancel = cancel
  }

  readonly stop = (): void => {
    if (this.over) return
    this.over = true
    this.cancel()
  }

  private finish(exit: Exit.Exit<any, any> | undefined): void {
    if (exit === undefined || this.over) return
    this.over = true
    this.done(exit)
  }

  /** What was waited for came: the next steps at once, up to one that waits. */
  readonly next = (exit: Exit.Exit<any, any>): void => {
    if (this.over) return
    this.finish(Exit.isFailure(exit) ? exit : this.from(exit.value))
  }

  /**
   * The steps from the current one on with `value`: the chain's end (an exit), or `undefined`
   * when a step gave something to wait for (started here).
   */
  private from(value: unknown): Exit.Exit<any, any> | undefined {
    const steps = this.steps
    while (this.at < steps.length) {
      const f = steps[this.at++]!
      let out: Next<unknown, unknown, unknown>
      try {
        out = lendCall(this.waiter.clock, f, value)
      } catch (defect) {
        return Exit.die(defect)
      }
      if (isLater(out)) {
        this.waitFor((next) => (out as Later<unknown, unknown>).wait(next, this.waiter))
        return undefined
      }
      if (Effect.isEffect(out)) {
        if (!Exit.isExit(out)) {
          this.waitFor((next) => this.waiter.fork(out as Effect.Effect<unknown>, next))
          return undefined
        }
        if (Exit.isFailure(out)) return out
        value = out.value
        continue
      }
      value = out
    }
    return Exit.succeed(value)
  }
}

/** A `Later` from its wait (see `Later.wait`). */
export const make = <A, E = never, R = never>(
  wait: (done: (exit: Exit.Exit<A, E>) => void, waiter: Waiter) => Cancel
): Later<A, E, R> => new LaterImpl<A, E, R>(wait, undefined, undefined, 0)

export const isLater = (value: unknown): value is Later<unknown, unknown, unknown> =>
  typeof value === "object" && value !== null && TypeId in value

const NO_CANCEL: Cancel = () => {}

/** A promise's value later (a rejection is a defect, as `Effect.promise` has it). */
export const fromPromise = <A>(promise: Promise<A>): Later<A> =>
  make((done) => {
    let over = false
    promise.then(
      (value) => {
        if (!over) done(Exit.succeed(value))
      },
      (defect) => {
        if (!over) done(Exit.die(defect))
      }
    )
    return () => {
      over = true
    }
  })

/** What a continuation may give: a value now, an effect still to run, or another `Later`. */
export type Next<B, E, R> = B | Effect.Effect<B, E, R> | Later<B, E, R>

/**
 * `f` of the value when it comes, with the waiter's clock lent; what `f` gives is the result
 * (an effect is run by the waiter, a `Later` waited for). A failure skips `f`.
 */
export const flatMap = <A, E, R, B, E2, R2>(
  self: Later<A, E, R>,
  f: (a: A) => Next<B, E2, R2>
): Later<B, E | E2, R | R2> => {
  const before = self as unknown as LaterImpl<unknown, unknown, unknown>
  return new LaterImpl<B, E | E2, R | R2>(undefined, before, f as Step, before.depth + 1)
}

/**
 * The value as an effect: waited for in one `Effect.callback`, continuations' effects forked in
 * the running fiber's services, its clock lent to them.
 */
export const toEffect = <A, E, R>(self: Later<A, E, R>): Effect.Effect<A, E, R> =>
  Effect.callback<A, E, R>((resume) => {
    const cancel = self.wait((exit) => resume(exit), waiterOf(Fiber.getCurrent()!))
    return Effect.sync(cancel)
  })

/** The running fiber as a waiter: its clock, and forks in its services. */
export const waiterOf = (fiber: Fiber.Fiber<unknown, unknown>): Waiter => ({
  clock: fiber.getRef(Clock.Clock),
  fork: (effect, done) => {
    const child = Effect.runForkWith(fiber.context as Context.Context<any>)(effect)
    let over = false
    const stop = child.addObserver((exit) => {
      if (!over) done(exit)
    })
    return () => {
      over = true
      stop()
      child.interruptUnsafe()
    }
  }
})
