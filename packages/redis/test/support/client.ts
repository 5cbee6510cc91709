// A client as the process's connection builds it (no offline queue, short timeouts), and
// waiting helpers.
import type { Redis } from "ioredis"
import { RedisDeadlineError } from "../../src/Deadline.ts"
import { clientOf } from "../../src/RedisClient.ts"

export const client = (url: string, timeoutMillis = 1000): Redis => {
  const c = clientOf({ url }, timeoutMillis, timeoutMillis) as Redis
  c.on("error", () => {})
  return c
}

/** Waits until the client is ready (bounded). */
export const ready = async (c: Redis, millis = 3000): Promise<void> => {
  for (let waited = 0; c.status !== "ready" && waited < millis; waited += 20)
    await new Promise((r) => setTimeout(r, 20))
  if (c.status !== "ready") throw new Error(`redis client not ready (${c.status})`)
}

/** Polls `check` until it is true (bounded); returns how long it took. */
export const eventually = async (check: () => boolean | Promise<boolean>, millis = 3000): Promise<number> => {
  const t0 = Date.now()
  while (!(await check())) {
    if (Date.now() - t0 > millis) throw new Error("condition not met in time")
    await new Promise((r) => setTimeout(r, 10))
  }
  return Date.now() - t0
}

/**
 * What ended a failed call: `deadline <ms>` (ours), `refused` (without an offline queue ioredis
 * refuses a command at once while it has no connection), or the error's message. Wrappers (an
 * Effect's UnknownError) are looked through to their cause. What ended a call says what a
 * wall-clock bound said, and a loaded machine cannot fail it (a stall of this process is not a
 * wait on Redis).
 */
export const whatEnded = (e: unknown): string => {
  for (let at = e; at instanceof Error; at = at.cause) {
    if (at instanceof RedisDeadlineError) return `deadline ${at.millis}`
    if (/enableOfflineQueue options is false|Connection is closed/.test(at.message)) return "refused"
  }
  return e instanceof Error ? `${e.name}: ${e.message}` : String(e)
}

/** The failures in `errors` that neither our deadline of `millis` ended nor a refusal at once. */
export const endedOtherwise = (errors: ReadonlyArray<unknown>, millis: number): ReadonlyArray<string> =>
  errors.map(whatEnded).filter((w) => w !== "refused" && w !== `deadline ${millis}`)
