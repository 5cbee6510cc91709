/**
 * One session's downstream operations, one after the other in the order they were asked for
 * (`RelayHandoff.ts`). An operation asked for while none runs starts at once; one asked for
 * meanwhile waits in a list and starts when the one before it has settled (fulfilled or
 * rejected). Unlike a promise chain (`queue = queue.then(f, f)` and a `catch` for the next
 * link), an operation that finds the session idle costs no promise of its own, and `idle` tells
 * the caller that nothing is running or waiting, so it can look at the session's state at once.
 *
 * **Gotchas**
 * - `f` runs synchronously when the session is idle: whatever it does before its first `await`
 *   happens inside `run`, as with any call of an `async` function.
 * - A throw of `f` counts as a rejection: the next operation still runs.
 * - A rejection the caller does not read is not reported as unhandled (the operations of
 *   `end` and `release` are fired and forgotten), as with the chain's `catch` before.
 *
 * @category models
 * @since 0.1.0
 */
const ignore = (): void => undefined

export class SerialOps {
  private busy = false
  private readonly waiting: Array<() => void> = []

  /** True when no operation runs or waits. */
  get idle(): boolean {
    return !this.busy
  }

  /** Runs `f` after the operations asked for before it; its promise. */
  run<A>(f: () => Promise<A>): Promise<A> {
    if (!this.busy) {
      this.busy = true
      return this.start(f)
    }
    const later = new Promise<A>((resolve, reject) => {
      this.waiting.push(() => {
        this.start(f).then(resolve, reject)
      })
    })
    // As the operation's own promise is (by `start`): a caller may leave a rejection unread.
    later.catch(ignore)
    return later
  }

  private start<A>(f: () => Promise<A>): Promise<A> {
    let running: Promise<A>
    try {
      running = f()
    } catch (error) {
      running = Promise.reject(error)
    }
    running.then(this.next, this.next)
    return running
  }

  /** The one before has settled: the next waiting operation starts, or the session is idle. */
  private readonly next = (): void => {
    const start = this.waiting.shift()
    if (start === undefined) this.busy = false
    else start()
  }
}
