/**
 * One real timer whose end waits one more turn of the event loop: the timer under every deadline
 * of a message (`DeadlineLanes.ts` keeps one per wait length and arms it again and again).
 *
 * A timer's callback runs before the event loop reads the sockets that became readable meanwhile;
 * after a long synchronous stretch (a cold process compiling its code, a starved CPU) an expired
 * deadline would otherwise fire first, and a listed client's message would pass as "list timed
 * out" with the list's answer unread in the socket. So the end is put off by one turn of the loop
 * (`setImmediate`, which runs after that read), and the owner's `cancel` on the answer stops it.
 *
 * Armed again for the same whole milliseconds as last time, the runtime's timer object is
 * `refresh`ed, not made anew (Node's and Bun's `Timeout`; a lane that empties between messages
 * and takes the next message's wait of its length arms it so); `park` leaves it armed but
 * unreferenced (`unref`), so that a process with nothing else to do still exits, and its firing
 * ends nothing. Where timers are plain numbers (Deno's globals) each arm sets a new one and
 * `park` clears it, as `cancel` does.
 *
 * @internal
 */
import { MAX_TIMER_MILLIS } from "./RuntimeTimer.ts"

/** A deadline's timer: `cancel` before `expire` ran and it never runs. */
export interface Timer {
  cancel(): void
}

const runtime = globalThis as unknown as {
  readonly setTimeout: (run: () => void, millis: number) => unknown
  readonly clearTimeout: (handle: unknown) => void
  readonly setImmediate?: (run: () => void) => unknown
  readonly clearImmediate?: (handle: unknown) => void
}
// Node, Bun and Deno's Node globals have `setImmediate`; elsewhere a zero timer also runs after
// the loop's next read of the sockets. Looked up at each call, as timers are (fake timers in tests).
const nextTurn = (run: () => void): unknown =>
  runtime.setImmediate !== undefined ? runtime.setImmediate(run) : runtime.setTimeout(run, 0)
const cancelTurn = (handle: unknown): void => {
  if (runtime.clearImmediate !== undefined) runtime.clearImmediate(handle)
  else runtime.clearTimeout(handle)
}

/** What Node's and Bun's timer objects have beside being a handle. */
interface Reusable {
  refresh(): unknown
  ref(): unknown
  unref(): unknown
}
const reusable = (handle: unknown): handle is Reusable =>
  typeof handle === "object" && handle !== null && typeof (handle as Partial<Reusable>).refresh === "function"

export class TurnTimer implements Timer {
  private handle: unknown = undefined
  /** The whole milliseconds `handle` was set for, and the `setTimeout` that set it. */
  private millis = -1
  private setWith: unknown = undefined
  private turn: unknown = undefined
  /** Armed for an end the owner waits for (not parked, not cancelled, not yet ended). */
  private pending = false
  constructor(private readonly expire: () => void) {}

  /** Calls `expire` once `millis` have passed and the loop has read what arrived by then, unless cancelled or parked. */
  arm(millis: number): void {
    const whole = Math.min(MAX_TIMER_MILLIS, Math.max(0, Math.ceil(millis)))
    this.stopTurn()
    this.pending = true
    const handle = this.handle
    if (handle !== undefined && whole === this.millis && this.setWith === runtime.setTimeout && reusable(handle)) {
      handle.refresh()
      handle.ref()
      return
    }
    if (handle !== undefined) runtime.clearTimeout(handle)
    this.millis = whole
    this.setWith = runtime.setTimeout
    this.handle = runtime.setTimeout(this.fired, whole)
  }

  /** Nothing to wait for now: left armed, unreferenced, for the next `arm` of its length. */
  park(): void {
    this.pending = false
    this.stopTurn()
    const handle = this.handle
    if (reusable(handle)) handle.unref()
    else this.drop()
  }

  cancel(): void {
    this.pending = false
    this.stopTurn()
    this.drop()
  }

  private drop(): void {
    if (this.handle !== undefined) runtime.clearTimeout(this.handle)
    this.handle = undefined
    this.millis = -1
  }

  private stopTurn(): void {
    if (this.turn !== undefined) cancelTurn(this.turn)
    this.turn = undefined
  }

  private readonly fired = (): void => {
    if (this.pending) this.turn = nextTurn(this.turned)
  }

  private readonly turned = (): void => {
    this.turn = undefined
    if (!this.pending) return
    this.pending = false
    this.expire()
  }
}

/** Calls `expire` once `millis` have passed and the loop has read what arrived by then, unless cancelled. */
export const turnTimer = (millis: number, expire: () => void): Timer => {
  const timer = new TurnTimer(expire)
  timer.arm(millis)
  return timer
}
