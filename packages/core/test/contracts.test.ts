import { Effect, Exit } from "effect"
import { describe, expect, it } from "vitest"
import { Envelope, StageError } from "../src/index.ts"

describe("contracts", () => {
  it("normalises IPv4-mapped IPv6 client addresses", () => {
    expect(Envelope.make({ clientAddress: "::FFFF:192.0.2.1" }).clientAddress).toBe("192.0.2.1")
    expect(Envelope.make({ clientAddress: "2001:DB8::1" }).clientAddress).toBe("2001:db8::1")
  })
  it("StageError is a tagged, yieldable error", async () => {
    const exit = await Effect.runPromiseExit(
      Effect.fail(new StageError({ stage: "x", reason: "Timeout", temporary: true }))
    )
    expect(Exit.isFailure(exit)).toBe(true)
  })
})
