/**
 * Runs a connection's tasks one after another, in the order they were pushed: the next starts
 * only when the previous has finished (its promise settled, or it returned none). A task that
 * answers at once (`undefined`) costs no promise, so a session whose commands are answered at
 * once, or by one handler call each, does not build a promise chain per chunk of input.
 *
 * **Gotchas**
 * - The first task of an idle queue starts in a microtask, never inside `push`: the caller's own
 *   synchronous code (a socket event handler, `start()`) finishes first, as with a promise chain.
 * - `afterEach` runs after every task that succeeded; a task that throws or rejects (or an
 *   `afterEach` that throws) goes to `onError` instead, and the tasks behind it still run.
 *
 * @category models
 * @since 0.1.0
 */

export type Task = () => Promise<void> | undefined

export class TaskQueue {
  private readonly tasks: Array<Task> = []
  private running = false

  constructor(
    private readonly afterEach: () => void,
    private readonly onError: (error: unknown) => void
  ) {}

  /** True when no task runs or waits: a task pushed now starts in the next microtask. */
  get idle(): boolean {
    return !this.running
  }

  push(task: Task): void {
    this.tasks.push(task)
    if (this.running) return
    this.running = true
    queueMicrotask(this.drain)
  }

  /** Runs tasks until one waits (its settlement drains on) or none is left. */
  private readonly drain = (): void => {
    for (let task = this.tasks.shift(); task !== undefined; task = this.tasks.shift()) {
      let waiting: Promise<void> | undefined
      try {
        waiting = task()
        if (waiting === undefined) this.afterEach()
      } catch (error) {
        this.onError(error)
        continue
      }
      if (waiting !== undefined) {
        waiting.then(this.settled, this.rejected)
        return
      }
    }
    this.running = false
  }

  private readonly settled = (): void => {
    try {
      this.afterEach()
    } catch (error) {
      this.onError(error)
    }
    this.drain()
  }

  private readonly rejected = (error: unknown): void => {
    this.onError(error)
    this.drain()
  }
}
