/**
 * Timers for many short waits of a few distinct lengths (a resolver's attempt timeout, its
 * callers' deadlines) without a `setTimeout` and `clearTimeout` per wait: the waits of one
 * length end in the order they began, so each length keeps a queue and one timer armed for its
 * oldest wait. Cancelling drops the wait's callback; the wait leaves the queue when it reaches
 * the front.
 *
 * Measured on loopback (`bench/dns-question.mjs --wire`), a Node timer set and cleared per
 * question cost as much CPU as the rest of the question's JavaScript.
 *
 * Each lane's timer is core's deadline timer: a wait whose end passed while the process was busy
 * is ended only after the loop has read the answers that arrived meanwhile.
 *
 * @category layers
 * @since 0.1.0
 */
import { Deadline } from "@mailmoat/core"

/** A wait: `cancel` before it ends and its callback is never called. */
export interface Wait {
  cancel(): void
}

/**
 * The waits of one length, oldest first, as two arrays rather than an object per wait: a
 * question's waits are cancelled long before their time, and an object queued until then would
 * outlive the young generation (copied by every scavenge, then promoted). The arrays hold
 * numbers, unboxed, and callbacks, dropped when cancelled.
 */
class Lane {
  readonly ends: Array<number> = []
  readonly fires: Array<(() => void) | undefined> = []
  /** Index of the oldest wait still queued. */
  head = 0
  /** Waits taken off the arrays' front so far: a wait's number minus this is its index. */
  dropped = 0
  timer: Deadline.Timer | undefined = undefined
}

class Queued implements Wait {
  constructor(
    readonly lane: Lane,
    readonly n: number
  ) {}
  cancel(): void {
    const i = this.n - this.lane.dropped
    if (i >= this.lane.head) this.lane.fires[i] = undefined
  }
}

export interface Deadlines {
  /** Calls `fire` after `millis` (> 0, finite) unless cancelled first. */
  readonly add: (millis: number, fire: () => void) => Wait
}

export const make = (): Deadlines => {
  const lanes = new Map<number, Lane>()

  const arm = (lane: Lane, millis: number, now: number): void => {
    const first = lane.ends[lane.head]
    if (first === undefined) {
      // No wait of this length left: the lane goes, so lengths seen once are not kept.
      lanes.delete(millis)
      return
    }
    lane.timer = Deadline.timer(Math.max(first - now, 1), () => run(lane, millis))
  }

  const run = (lane: Lane, millis: number): void => {
    lane.timer = undefined
    const now = Date.now()
    const { ends, fires } = lane
    while (lane.head < ends.length && ends[lane.head]! <= now) {
      const fire = fires[lane.head]
      fires[lane.head++] = undefined
      if (fire !== undefined) fire()
    }
    // Drop what the front has passed once it is half the arrays.
    if (lane.head > 1024 && lane.head * 2 > ends.length) {
      ends.splice(0, lane.head)
      fires.splice(0, lane.head)
      lane.dropped += lane.head
      lane.head = 0
    }
    arm(lane, millis, now)
  }

  const add = (millis: number, fire: () => void): Wait => {
    let lane = lanes.get(millis)
    if (lane === undefined) {
      lane = new Lane()
      lanes.set(millis, lane)
    }
    const now = Date.now()
    const wait = new Queued(lane, lane.dropped + lane.ends.length)
    lane.ends.push(now + millis)
    lane.fires.push(fire)
    if (lane.timer === undefined) arm(lane, millis, now)
    return wait
  }

  return { add }
}
