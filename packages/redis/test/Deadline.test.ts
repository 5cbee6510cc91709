// The per-call deadline: a call that never answers (a paused server) rejects in time.
import { describe, expect, it } from "vitest"
import { RedisDeadlineError, withDeadline } from "../src/Deadline.ts"

describe("withDeadline", () => {
  it("a call that never settles rejects with RedisDeadlineError", async () => {
    const error = await withDeadline("dns get", 50, () => new Promise(() => {})).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(RedisDeadlineError)
    expect((error as Error).message).toBe("redis dns get: no answer within 50 ms")
  })

  it("answers and failures inside the deadline pass through, a throwing call rejects", async () => {
    expect(await withDeadline("x", 1000, async () => 7)).toBe(7)
    await expect(withDeadline("x", 1000, async () => Promise.reject(new Error("WRONGTYPE")))).rejects.toThrow(
      "WRONGTYPE"
    )
    await expect(
      withDeadline("x", 1000, () => {
        throw new Error("sync")
      })
    ).rejects.toThrow("sync")
  })
})
