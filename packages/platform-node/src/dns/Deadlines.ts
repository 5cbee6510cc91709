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

class Entry implements Wait {
  constructor(
    readonly at: number,
    /** Undefined once cancelled: a cancelled wait stays queued until its time, and must not keep its question's closures alive that long (they would survive into the old generation). */
    public fire: (() => void) | undefined
  ) {}
  cancel(): void {
    this.fire = undefined
  }
}

class Lane {
  readonly queue: Array<Entry> = []
  head = 0
  timer: Deadline.Timer | undefined = undefined
}

export interface Deadlines {
  /** Calls `fire` after `millis` (> 0, finite) unless cancelled first. */
  readonly add: (millis: number, fire: () => void) => Wait
}

export const make = (): Deadlines => {
  const lanes = new Map<number, Lane>()

  const arm = (lane: Lane, millis: number, now: number): void => {
    const first = lane.queue[lane.head]
    if (first === undefined) {
      // No wait of this length left: the lane goes, so lengths seen once are not kept.
      lanes.delete(millis)
      return
    }
    lane.timer = Deadline.timer(Math.max(first.at - now, 1), () => run(lane, millis))
  }

  const run = (lane: Lane, millis: number): void => {
    lane.timer = undefined
    const now = Date.now()
    const { queue } = lane
    while (lane.head < queue.length && queue[lane.head]!.at <= now) {
      const fire = queue[lane.head++]!.fire
      if (fire !== undefined) fire()
    }
    // Drop what the front has passed once it is half the array.
    if (lane.head > 1024 && lane.head * 2 > queue.length) {
      queue.splice(0, lane.head)
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
    const e = new Entry(now + millis, fire)
    lane.queue.push(e)
    if (lane.timer === undefined) arm(lane, millis, now)
    return e
  }

  return { add }
}
