/**
 * One real timer whose end waits one more turn of the event loop: the timer under every deadline
 * of a message (`DeadlineLanes.ts` arms one per wait length).
 *
 * A timer's callback runs before the event loop reads the sockets that became readable meanwhile;
 * after a long synchronous stretch (a cold process compiling its code, a starved CPU) an expired
 * deadline would otherwise fire first, and a listed client's message would pass as "list timed
 * out" with the list's answer unread in the socket. So the end is put off by one turn of the loop
 * (`setImmediate`, which runs after that read), and the owner's `cancel` on the answer stops it.
 *
 * @internal
 */
import { MAX_TIMER_MILLIS } from "./RuntimeTimer.ts"

/** A deadline's timer: `cancel` before `expire` ran and it never runs. */
export interface Timer {
  cancel(): void
}

const runtime = globalThis as unknown as {
  readonly setImmediate?: (run: () => void) => unknown
  readonly clearImmediate?: (handle: unknown) => void
}
// Node, Bun and Deno's Node globals have `setImmediate`; elsewhere a zero timer also runs after
// the loop's next read of the sockets. Looked up at each call, as timers are (fake timers in tests).
const nextTurn = (run: () => void): unknown =>
  runtime.setImmediate !== undefined ? runtime.setImmediate(run) : setTimeout(run, 0)
const cancelTurn = (handle: unknown): void => {
  if (runtime.clearImmediate !== undefined) runtime.clearImmediate(handle)
  else clearTimeout(handle as ReturnType<typeof setTimeout>)
}

class TurnTimer implements Timer {
  private timer: ReturnType<typeof setTimeout> | undefined
  private turn: unknown = undefined
  constructor(
    millis: number,
    private readonly expire: () => void
  ) {
    this.timer = setTimeout(
      () => {
        this.timer = undefined
        this.turn = nextTurn(() => {
          this.turn = undefined
          this.expire()
        })
      },
      Math.min(MAX_TIMER_MILLIS, Math.max(0, millis))
    )
  }
  cancel(): void {
    if (this.timer !== undefined) clearTimeout(this.timer)
    if (this.turn !== undefined) cancelTurn(this.turn)
    this.timer = undefined
    this.turn = undefined
  }
}

/** Calls `expire` once `millis` have passed and the loop has read what arrived by then, unless cancelled. */
export const turnTimer = (millis: number, expire: () => void): Timer => new TurnTimer(millis, expire)
