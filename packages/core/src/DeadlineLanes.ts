/**
 * Timers for many short waits of a few distinct lengths (a message's stage deadlines, its DNS
 * waiters, its list lookups, its sender check) without a `setTimeout` and `clearTimeout` per
 * wait: the waits of one length end in the order they began, so each length keeps a lane (a
 * queue) and one timer armed for its oldest wait still pending. Cancelling drops the wait's
 * callback; the wait leaves the queue when it reaches the front, and a lane with no wait pending
 * is kept idle for its length's next wait (a few dozen at most) with its timer parked: armed but
 * unreferenced, so no referenced timer outlives the waits (a process with nothing else to do
 * exits as it did with a timer per wait), and the next wait of its length, nearly always the next
 * message's, refreshes that timer instead of setting a new one (`TurnTimer.ts`).
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
 * - Time is `Monotonic.now()` (`performance.now()`), not the wall clock: a step of the wall clock
 *   (forward: every wait would end at the lane's next timer; back: held late by the step) moves
 *   no wait. An `end` given to `addUntil` is on that clock (`now()` below), never a date.
 * - `shared` is one per process, as the runtime's timers are; `make` gives lanes of one's own.
 * - A lane armed under other timer functions than the current ones (fake timers in a test that
 *   left a wait pending) is armed again at the next wait.
 *
 * @category combinators
 * @since 0.1.0
 */
import { now as monotonicNow } from "./Monotonic.ts"
import { type Timer, TurnTimer } from "./TurnTimer.ts"

/** A wait: `cancel` before it ends and its callback is never called. */
export type Wait = Timer

/** What a wait ends: a callback, or an object whose `expire` is called (no closure to make per wait). */
export type Fire = (() => void) | { readonly expire: () => void }

export interface Lanes {
  /** Calls `fire` once `millis` (finite; ≤ 0: at the next turn) have passed, unless cancelled first. */
  readonly add: (millis: number, fire: Fire) => Wait
  /**
   * Calls `fire` at `end` (ms on the lanes' clock, `now()`), queued in the lane of `length` (the
   * wait's whole length, of which some may have passed: a stage's or a lookup's configured
   * deadline; an `end` beyond `length` from now is taken as `length`), so that waits whose
   * remaining time varies share their length's lane. A wait that would end a millisecond or more
   * before the last one queued in that lane goes to the lane of what is left of it (in whole
   * milliseconds); one less than a millisecond before it ends with it.
   */
  readonly addUntil: (length: number, end: number, fire: Fire) => Wait
  /** Lengths with a wait pending (each holds one referenced timer while it does). */
  readonly lengths: () => number
}

/**
 * The waits of one length, oldest first, in a ring of two arrays rather than an object per wait:
 * a wait is nearly always cancelled long before its time, and an object queued until then would
 * outlive the young generation (copied by every scavenge, then promoted). The ends are unboxed
 * numbers, the callbacks dropped when cancelled; the ring grows (doubling) only when full, so
 * under a steady load it settles at the waits one length spans and is not allocated again (an
 * array pushed to and trimmed at its front grew a new backing store again and again, each copied
 * by the scavenges: ~0.4 KB per message on the engine bench).
 */
class Lane {
  ends = new Float64Array(16)
  fires: Array<Fire | undefined> = new Array(16)
  /** The slot of the oldest wait still queued (the head). */
  start = 0
  /** Waits queued from the head on. */
  count = 0
  /** Waits taken off the front so far: a wait's number minus this is its place from the head. */
  dropped = 0
  /** Waits queued and neither fired nor cancelled. */
  live = 0
  /** The lane's one timer, armed again for each oldest wait (`TurnTimer`: refreshed when it can be). */
  readonly timer: TurnTimer
  /** The timer is armed for a wait (not parked). */
  armed = false
  /** The end the timer was armed for, and the `setTimeout` it was armed with. */
  armedFor = 0
  armedWith: unknown = undefined
  /** Ending its waits now: a cancel to zero waits leaves the lane to `run`. */
  running = false
  constructor(
    readonly owner: LanesImpl,
    readonly millis: number
  ) {
    this.timer = new TurnTimer(() => owner.run(this))
  }

  /** The slot of the wait `i` places from the head. */
  slot(i: number): number {
    const s = this.start + i
    return s < this.fires.length ? s : s - this.fires.length
  }

  /** The end of the last wait queued, or -Infinity. */
  lastEnd(): number {
    return this.count === 0 ? Number.NEGATIVE_INFINITY : this.ends[this.slot(this.count - 1)]!
  }

  /** Queues a wait; its number. */
  push(end: number, fire: Fire): number {
    if (this.count === this.fires.length) this.grow()
    const s = this.slot(this.count)
    this.ends[s] = end
    this.fires[s] = fire
    this.live++
    return this.dropped + this.count++
  }

  /** Forgets the waits queued (all of them cancelled or ended): their handles no longer reach it. */
  clear(): void {
    this.dropped += this.count
    this.start = 0
    this.count = 0
  }

  /** Takes the head off; its callback, unless it was cancelled. */
  shift(): Fire | undefined {
    const s = this.start
    const fire = this.fires[s]
    this.fires[s] = undefined
    this.start = s + 1 === this.fires.length ? 0 : s + 1
    this.count--
    this.dropped++
    if (fire !== undefined) this.live--
    return fire
  }

  private grow(): void {
    const size = this.fires.length * 2
    const ends = new Float64Array(size)
    const fires: Array<Fire | undefined> = new Array(size)
    for (let i = 0; i < this.count; i++) {
      const s = this.slot(i)
      ends[i] = this.ends[s]!
      fires[i] = this.fires[s]
    }
    this.ends = ends
    this.fires = fires
    this.start = 0
  }
}

class Queued implements Wait {
  constructor(
    readonly lane: Lane,
    readonly n: number
  ) {}
  cancel(): void {
    const lane = this.lane
    const i = this.n - lane.dropped
    if (i < 0 || i >= lane.count) return
    const s = lane.slot(i)
    if (lane.fires[s] === undefined) return
    lane.fires[s] = undefined
    if (--lane.live === 0 && !lane.running) lane.owner.retire(lane)
  }
}

const timers = globalThis as unknown as { readonly setTimeout: unknown }

/**
 * Lanes with no wait kept for the next wait of their length, at most this many: lengths vary
 * (what is left of a message's deadline, a list batch's next deadline), and a lane made and
 * dropped for each of them cost more than the timer it saves. An idle lane's timer is parked
 * (unreferenced); one dropped beyond these is cleared.
 */
const MAX_IDLE_LANES = 32

class LanesImpl implements Lanes {
  private readonly lanes = new Map<number, Lane>()
  private idle = 0

  readonly add = (millis: number, fire: Fire): Wait => {
    const now = monotonicNow()
    return this.queue(millis, now, now + millis, fire)
  }

  readonly addUntil = (length: number, until: number, fire: Fire): Wait => {
    const now = monotonicNow()
    // Never longer than its length: the waits queued after it in its lane end after it.
    const end = Math.min(until, now + length)
    const lane = this.lanes.get(length)
    // Ends stay in order in a lane: one a millisecond or more before the last queued is timed by
    // what is left of it, in whole milliseconds (so that such waits share lanes too).
    return lane !== undefined && end <= lane.lastEnd() - 1
      ? this.queue(Math.max(0, Math.ceil(end - now)), now, end, fire)
      : this.queue(length, now, end, fire)
  }

  /** Queues a wait ending at `end` in the lane of `length`. */
  private queue(length: number, now: number, end: number, fire: Fire): Wait {
    let lane = this.lanes.get(length)
    if (lane === undefined) {
      lane = new Lane(this, length)
      this.lanes.set(length, lane)
    } else if (lane.live === 0 && !lane.running) this.idle--
    // Less than a millisecond before the last end queued (two readings of the clock a fraction
    // apart, which `Date.now()`'s whole milliseconds made equal): it ends with that one.
    const wait = new Queued(lane, lane.push(Math.max(end, lane.lastEnd()), fire))
    if (lane.running) return wait
    if (lane.armed && lane.armedWith !== timers.setTimeout) {
      lane.timer.cancel()
      lane.armed = false
    }
    if (!lane.armed) this.arm(lane, now)
    return wait
  }

  readonly lengths = (): number => this.lanes.size - this.idle

  /**
   * The lane has no wait left: kept idle for its length, its timer parked (armed, unreferenced:
   * the next wait of its length, nearly always the next message's, refreshes it instead of
   * setting a new one), or dropped with its timer cleared.
   */
  retire(lane: Lane): void {
    lane.armed = false
    lane.clear()
    if (this.lanes.get(lane.millis) === lane && this.idle < MAX_IDLE_LANES) {
      this.idle++
      lane.timer.park()
      return
    }
    lane.timer.cancel()
    if (this.lanes.get(lane.millis) === lane) this.lanes.delete(lane.millis)
  }

  /** Arms the lane's timer for its oldest wait still pending (the cancelled ones before it leave). */
  private arm(lane: Lane, now: number): void {
    while (lane.count > 0 && lane.fires[lane.start] === undefined) lane.shift()
    if (lane.count === 0) {
      this.retire(lane)
      return
    }
    const first = lane.ends[lane.start]!
    lane.armedFor = first
    lane.armedWith = timers.setTimeout
    lane.armed = true
    lane.timer.arm(first - now)
  }

  run(lane: Lane): void {
    lane.armed = false
    lane.running = true
    // Compared with the end the timer was armed for too: a timer may fire a millisecond before
    // the clock shows it (a timer's milliseconds are rounded).
    const now = Math.max(monotonicNow(), lane.armedFor)
    try {
      while (lane.count > 0 && lane.ends[lane.start]! <= now) {
        const fire = lane.shift()
        if (fire === undefined) continue
        if (typeof fire === "function") fire()
        else fire.expire()
      }
    } finally {
      lane.running = false
      if (lane.live === 0) this.retire(lane)
      else if (!lane.armed) this.arm(lane, monotonicNow())
    }
  }
}

/** The lanes' clock (`Monotonic.now()`): what `addUntil`'s `end` is counted on. */
export const now = monotonicNow

/** Lanes of one's own (a resolver's attempts, tests). */
export const make = (): Lanes => new LanesImpl()

/** The process's lanes: every deadline of a message (`Deadline.timer`). */
export const shared: Lanes = make()
