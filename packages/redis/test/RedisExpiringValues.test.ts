// Shared short-lived values and the fleet's secrets against a real redis-server, with two
// clients standing for two nodes.
import { describe, expect, it } from "vitest"
import { make, secret } from "../src/RedisExpiringValues.ts"
import { twoNodes } from "./support/twoNodes.ts"

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

describe("expiring values and secrets (real redis-server)", () => {
  const nodes = twoNodes()

  it("a value set through one node is read on the other, gone after remove or after its lifetime", async () => {
    const onA = make({ client: nodes.a, prefix: "t1:", area: "websession" })
    const onB = make({ client: nodes.b, prefix: "t1:", area: "websession" })
    await onA.set("s1", "one", 60_000)
    expect(await onB.get("s1")).toBe("one")
    expect(await nodes.a.pttl("t1:websession:s1")).toBeGreaterThan(50_000)
    await onB.remove("s1")
    expect(await onA.get("s1")).toBeUndefined()
    await onA.set("s2", "two", 50)
    await sleep(120)
    expect(await onB.get("s2")).toBeUndefined()
    expect(await onA.get("never-set")).toBeUndefined()
  })

  it("a secret is made once: both nodes, asking at once, get the same bytes, and later asks too", async () => {
    const [x, y] = await Promise.all([
      secret({ client: nodes.a, prefix: "t2:", name: "digest-key", bytes: 32 }),
      secret({ client: nodes.b, prefix: "t2:", name: "digest-key", bytes: 32 })
    ])
    expect(x.length).toBe(32)
    expect(y.equals(x)).toBe(true)
    expect((await secret({ client: nodes.b, prefix: "t2:", name: "digest-key", bytes: 32 })).equals(x)).toBe(true)
    expect(await nodes.a.pttl("t2:secret:digest-key")).toBe(-1)
    // Another prefix is another fleet.
    expect((await secret({ client: nodes.a, prefix: "t3:", name: "digest-key", bytes: 32 })).equals(x)).toBe(false)
  })

  it("a stored secret of the wrong length is refused, not used", async () => {
    await nodes.a.set("t4:secret:digest-key", Buffer.alloc(5).toString("base64"))
    await expect(secret({ client: nodes.a, prefix: "t4:", name: "digest-key", bytes: 32 })).rejects.toThrow(
      /does not hold a 32-byte secret/
    )
  })
})
