/**
 * A deadline for one Redis call, on top of the client's own command timeout: a call that has
 * not settled within `millis` rejects with `RedisDeadlineError`, so a paused (`SIGSTOP`) or
 * partitioned server costs a bounded wait, never a hanging SMTP reply. The call itself is not
 * cancelled (ioredis cannot withdraw a sent command); its late result is dropped.
 *
 * @category constructors
 * @since 0.1.0
 */
import type { RedisClient } from "./RedisClient.ts"

export type { RedisClient } from "./RedisClient.ts"

/** @category errors */
export class RedisDeadlineError extends Error {
  constructor(
    readonly what: string,
    readonly millis: number
  ) {
    super(`redis ${what}: no answer within ${millis} ms`)
    this.name = "RedisDeadlineError"
  }
}

export const withDeadline = <A>(what: string, millis: number, call: () => Promise<A>): Promise<A> =>
  new Promise<A>((resolve, reject) => {
    const timer = setTimeout(() => reject(new RedisDeadlineError(what, millis)), millis)
    const settle =
      <T>(f: (v: T) => void) =>
      (v: T) => {
        clearTimeout(timer)
        f(v)
      }
    let pending: Promise<A>
    try {
      pending = call()
    } catch (error) {
      settle(reject)(error)
      return
    }
    pending.then(settle(resolve), settle(reject))
  })

/**
 * One call on `client` within `millis`, the wait for a (re)connection included: right after
 * start the client may still be connecting, and without an offline queue a command sent then
 * would fail at once.
 */
export const callWithin = <A>(client: RedisClient, what: string, millis: number, f: () => Promise<A>): Promise<A> =>
  withDeadline(what, millis, async () => {
    await whenReady(client, millis)
    return f()
  })

/**
 * Resolves once `client` is ready, or after `millis` (the next call then fails on its own):
 * without an offline queue, a command sent while a connection is still being made fails at once.
 */
export const whenReady = (client: RedisClient, millis: number): Promise<void> =>
  // Only a connection being made is waited for; a client that lost its server (reconnecting,
  // closed) fails its call at once instead of holding every caller for the deadline.
  client.status !== "wait" && client.status !== "connecting" && client.status !== "connect"
    ? Promise.resolve()
    : new Promise((resolve) => {
        const done = () => {
          clearTimeout(timer)
          client.off("ready", done)
          resolve()
        }
        const timer = setTimeout(done, millis)
        client.once("ready", done)
      })
