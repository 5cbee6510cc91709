/**
 * Timers for many short waits of a few distinct lengths (a message's stage deadlines, its DNS
 * waiters, its list lookups, its sender check) without a `setTimeout` and `clearTimeout` per
 * wait: the waits of one length end in the order they began, so each length keeps a lane (a
 * queue) and one timer armed for its oldest wait still pending. Cancelling drops the wait's
 * callback; the wait leaves the queue when it reaches the front, and a lane with no wait pending
 * clears its timer and goes, so no timer outlives the waits (a process with nothing else to do
 * exits as it did with a timer per wait).
 *
 * A lane's timer is `TurnTimer.ts`'s: a wait whose end passed while the process was busy ends
 * only after the loop has read the answers that arrived meanwhile, and every wait of the lane
 * whose end has passed by then ends in that turn, oldest first.
 *
 * Measured: ~11 deadlines per new sender's message, each a `setTimeout` (and its `Timeout`, a
 * `TurnTimer` and a closure) set and nearly always cleared long before its time
 * (docs/performance.md, "Timers and the new sender's wait, 2026-12-07 evening"); the built-in
 * resolver's questions did the same before it queued its waits this way ("DNS resolver again,
 * 2026-12-05 evening").
 *
 * **Gotchas**
 * - Time is `Date.now()` (the runtime clock's time, which `Clock`'s default reads): a wait added
 *   after the wall clock stepped back ends with the lane's older waits, late by the step.
 * - `shared` is one per process, as the runtime's timers are; `make` gives lanes of one's own.
 * - A lane armed under other timer functions than the current ones (fake timers in a test that
 *   left a wait pending) is armed again at the next wait.
 *
 * @category combinators
 * @since 0.1.0
 */
import { type Timer, turnTimer } from "./TurnTimer.ts"

/** A wait: `cancel` before it ends and its callback is never called. */
export type Wait = Timer

/** What a wait ends: a callback, or an object whose `expire` is called (no closure to make per wait). */
export type Fire = (() => void) | { readonly expire: () => void }

export interface Lanes {
  /** Calls `fire` once `millis` (finite; ≤ 0: at the next turn) have passed, unless cancelled first. */
  readonly add: (millis: number, fire: Fire) => Wait
  /** Lengths with a wait pending (each holds one timer while it does). */
  readonly lengths: () => number
}

/**
 * The waits of one length, oldest first, as two arrays rather than an object per wait: a wait is
 * nearly always cancelled long before its time, and an object queued until then would outlive the
 * young generation (copied by every scavenge, then promoted). The arrays hold numbers, unboxed,
 * and callbacks, dropped when cancelled.
 */
class Lane {
  readonly ends: Array<number> = []
  readonly fires: Array<Fire | undefined> = []
  /** Index of the oldest wait still queued. */
  head = 0
  /** Waits taken off the arrays' front so far: a wait's number minus this is its index. */
  dropped = 0
  /** Waits queued and neither fired nor cancelled. */
  live = 0
  timer: Timer | undefined = undefined
  /** The end the timer was armed for, and the `setTimeout` it was armed with. */
  armedFor = 0
  armedWith: unknown = undefined
  /** Ending its waits now: a cancel to zero waits leaves the lane to `run`. */
  running = false
  constructor(
    readonly owner: LanesImpl,
    readonly millis: number
  ) {}
}

class Queued implements Wait {
  constructor(
    readonly lane: Lane,
    readonly n: number
  ) {}
  cancel(): void {
    const lane = this.lane
    const i = this.n - lane.dropped
    if (i < lane.head || lane.fires[i] === undefined) return
    lane.fires[i] = undefined
    if (--lane.live === 0 && !lane.running) lane.owner.retire(lane)
  }
}

const timers = globalThis as unknown as { readonly setTimeout: unknown }

class LanesImpl implements Lanes {
  private readonly lanes = new Map<number, Lane>()

  readonly add = (millis: number, fire: Fire): Wait => {
    let lane = this.lanes.get(millis)
    if (lane === undefined) {
      lane = new Lane(this, millis)
      this.lanes.set(millis, lane)
    }
    const now = Date.now()
    const wait = new Queued(lane, lane.dropped + lane.ends.length)
    lane.ends.push(now + millis)
    lane.fires.push(fire)
    lane.live++
    if (lane.running) return wait
    if (lane.timer !== undefined && lane.armedWith !== timers.setTimeout) {
      lane.timer.cancel()
      lane.timer = undefined
    }
    if (lane.timer === undefined) this.arm(lane, now)
    return wait
  }

  readonly lengths = (): number => this.lanes.size

  /** The lane has no wait left: its timer is cleared and it goes, so lengths seen once are not kept. */
  retire(lane: Lane): void {
    lane.timer?.cancel()
    lane.timer = undefined
    if (this.lanes.get(lane.millis) === lane) this.lanes.delete(lane.millis)
  }

  /** Arms the lane's timer for its oldest wait still pending (the cancelled ones before it leave). */
  private arm(lane: Lane, now: number): void {
    const { ends, fires } = lane
    while (lane.head < ends.length && fires[lane.head] === undefined) lane.head++
    this.compact(lane)
    if (lane.head >= ends.length) return this.retire(lane)
    const first = ends[lane.head]!
    lane.armedFor = first
    lane.armedWith = timers.setTimeout
    lane.timer = turnTimer(first - now, () => this.run(lane))
  }

  /** Drops what the front has passed: all of it when the lane is empty, else once it is half the arrays. */
  private compact(lane: Lane): void {
    const { ends, fires } = lane
    if (lane.head === ends.length) {
      lane.dropped += lane.head
      lane.head = 0
      ends.length = 0
      fires.length = 0
    } else if (lane.head > 1024 && lane.head * 2 > ends.length) {
      ends.splice(0, lane.head)
      fires.splice(0, lane.head)
      lane.dropped += lane.head
      lane.head = 0
    }
  }

  private run(lane: Lane): void {
    lane.timer = undefined
    lane.running = true
    // Compared with the end the timer was armed for too: a timer may fire a millisecond before
    // the wall clock shows it.
    const now = Math.max(Date.now(), lane.armedFor)
    const { ends, fires } = lane
    try {
      while (lane.head < ends.length && ends[lane.head]! <= now) {
        const fire = fires[lane.head]
        fires[lane.head++] = undefined
        if (fire === undefined) continue
        lane.live--
        if (typeof fire === "function") fire()
        else fire.expire()
      }
    } finally {
      lane.running = false
      if (lane.live === 0) this.retire(lane)
      else if (lane.timer === undefined) this.arm(lane, Date.now())
    }
  }
}

/** Lanes of one's own (a resolver's attempts, tests). */
export const make = (): Lanes => new LanesImpl()

/** The process's lanes: every deadline of a message (`Deadline.timer`). */
export const shared: Lanes = make()
