/**
 * `Deadline.exitsWithin` under the runtime's own clock: the register of the one callback in which
 * a pipeline group's caller waits for its effects, each within its own deadline.
 *
 * What a group holds while it waits is two objects per item and one for the group: an item's
 * state, its one callback (the fiber's observer or the `Later`'s `done`) and its deadline's place
 * in the lane of its length (`DeadlineLanes`, the item itself the target, no closure); no array
 * per field and no closure per step. A new sender's message waits ~2 groups of ~2 items across
 * its DNS questions, and what a wait holds is what the scavenges copy (docs/performance.md,
 * "Timers and the new sender's wait, 2026-12-07 evening").
 *
 * @internal
 */
import { Cause, type Clock, type Context, Effect, Exit, Fiber } from "effect"
import * as DeadlineLanes from "./DeadlineLanes.ts"
import * as Later from "./Later.ts"
import { listOfLength } from "./ListKinds.ts"
import type { Timer } from "./TurnTimer.ts"

/** How one effect of `exitsWithin` ended, and when (the caller's clock); `undefined`: its deadline passed first. */
export type Settled<A, E> = { readonly exit: Exit.Exit<A, E>; readonly at: number } | undefined

/**
 * One effect of `exitsWithin` and its deadline (not finite or not positive: none). The effect may
 * be a `Later` (a built-in stage's answer by callback): waited for with no fiber of its own.
 */
export interface TimedExit<A, E, R> {
  readonly effect: Effect.Effect<A, E, R> | Later.Later<A, E, R>
  readonly millis: number
}

export const bounded = (millis: number) => millis > 0 && Number.isFinite(millis)

export const interruptedOnly = <A, E>(exit: Exit.Exit<A, E>): exit is Exit.Failure<A, E> =>
  Exit.isFailure(exit) && Cause.hasInterruptsOnly(exit.cause)

/** One item while it runs: its fiber (an effect's), how to stop watching it, its deadline. */
class Member<A, E> {
  fiber: Fiber.Fiber<A, E> | undefined = undefined
  /** The fiber's observer removed, or the `Later`'s cancel. */
  stop: (() => void) | undefined = undefined
  deadline: Timer | undefined = undefined
  live = true
  constructor(
    readonly group: Group<A, E>,
    readonly index: number
  ) {}
  /** The item ended by itself (its fiber's observer, or the `Later`'s `done`). */
  readonly ended = (exit: Exit.Exit<A, E>): void => this.group.ended(this, exit)
  /** Its deadline passed: settled first (the interruption's own exit must not count as the caller's), then stopped. */
  expire(): void {
    const fiber = this.fiber
    this.deadline = undefined
    this.group.settle(this, undefined)
    fiber?.interruptUnsafe()
  }
}

class Group<A, E> {
  readonly out: Array<Settled<A, E>>
  readonly members: Array<Member<A, E>> = []
  left: number
  over = false
  constructor(
    n: number,
    readonly clock: Clock.Clock,
    readonly resume: (effect: Effect.Effect<Array<Settled<A, E>>>) => void
  ) {
    // Without holes (`ListKinds`): the settled list is read by the pipeline's loops.
    this.out = listOfLength<Settled<A, E>>(n) as Array<Settled<A, E>>
    this.left = n
  }

  settle(m: Member<A, E>, settled: Settled<A, E>): void {
    if (this.over || !m.live) return
    m.live = false
    m.fiber = undefined
    m.deadline?.cancel()
    m.stop?.()
    this.out[m.index] = settled
    if (--this.left === 0) {
      this.over = true
      this.resume(Effect.succeed(this.out))
    }
  }

  ended(m: Member<A, E>, exit: Exit.Exit<A, E>): void {
    if (this.over || !m.live) return
    if (!interruptedOnly(exit)) {
      this.settle(m, { exit, at: this.clock.currentTimeMillisUnsafe() })
      return
    }
    // Interrupted from elsewhere (not by its deadline): hand it on, and stop the others.
    m.live = false
    m.fiber = undefined
    const still = this.running()
    this.stop()
    for (const f of still) f.interruptUnsafe()
    this.resume(Effect.failCause(exit.cause as Cause.Cause<never>))
  }

  running(): Array<Fiber.Fiber<A, E>> {
    const out: Array<Fiber.Fiber<A, E>> = []
    for (const m of this.members) if (m.fiber !== undefined) out.push(m.fiber)
    return out
  }

  stop(): void {
    this.over = true
    for (const m of this.members) {
      m.deadline?.cancel()
      m.deadline = undefined
      m.stop?.()
    }
  }
}

/**
 * The register of `exitsWithin`'s callback (see `Deadline.exitsWithin`): runs in the caller's
 * fiber, whose services are the items' `R`; returns what interrupting the caller does.
 */
export const register = <A, E, R>(
  items: ReadonlyArray<TimedExit<A, E, R>>,
  clock: Clock.Clock,
  resume: (effect: Effect.Effect<Array<Settled<A, E>>>) => void
): Effect.Effect<void> => {
  const caller = Fiber.getCurrent()!
  const n = items.length
  const group = new Group<A, E>(n, clock, resume)
  let fork: ((effect: Effect.Effect<A, E, R>) => Fiber.Fiber<A, E>) | undefined
  let waiter: Later.Waiter | undefined
  for (let i = 0; i < n && !group.over; i++) {
    const item = items[i]!
    // On the lanes' clock, not the wall clock (a step of it must not move the deadline).
    const startedAt = DeadlineLanes.now()
    const m = new Member(group, i)
    group.members.push(m)
    const effect = item.effect
    if (Later.isLater(effect)) {
      // Told at once (inside `wait`) or later; its cancel is the member's stop.
      waiter ??= Later.waiterOf(caller)
      const cancel = effect.wait(m.ended, waiter)
      if (!m.live) continue
      m.stop = cancel
    } else {
      fork ??= Effect.runForkWith(caller.context as Context.Context<R>)
      const fiber = fork(effect)
      m.fiber = fiber
      const done = fiber.pollUnsafe()
      if (done !== undefined) {
        group.ended(m, done)
        continue
      }
      m.stop = fiber.addObserver(m.ended)
    }
    // In the lane of the stage's whole deadline, though its synchronous start took some of it.
    if (bounded(item.millis)) m.deadline = DeadlineLanes.shared.addUntil(item.millis, startedAt + item.millis, m)
  }
  if (n === 0) resume(Effect.succeed(group.out))
  return Effect.suspend(() => {
    const still = group.running()
    group.stop()
    return Fiber.interruptAll(still)
  })
}
