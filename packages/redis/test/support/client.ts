// A client as the process's connection builds it (no offline queue, short timeouts), and
// waiting helpers.
import type { Redis } from "ioredis"
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
