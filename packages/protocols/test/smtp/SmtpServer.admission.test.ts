// Fair connection admission: per-address and per-network limits keep one
// network from taking every slot, a slot is free again at the 221, and idle sessions are shed
// quickly once the listener is nearly full. Every 127.x.y.z address is loopback on Linux, so the
// clients bind distinct source addresses.
import { describe, expect, it } from "vitest"
import { networkOf } from "../../src/smtp/index.ts"
import { RawClient, recorder } from "./support/peers.ts"
import { cmd, greeted, withServer } from "./support/server.ts"

/** Connects from `localAddress` and waits for the first reply line (220 or 421). */
const opening = async (port: number, localAddress: string): Promise<{ client: RawClient; code: string }> => {
  const client = await RawClient.connect(port, localAddress)
  const line = await client.waitFor(/^\d{3} .*\r\n/)
  return { client, code: line.slice(0, 3) }
}

describe("networkOf", () => {
  it("groups IPv4 by /24 and IPv6 by /64, whatever the spelling", () => {
    expect(networkOf("127.0.0.200")).toBe("127.0.0/24")
    expect(networkOf("2001:db8:1:2:3:4:5:6")).toBe("2001:db8:1:2::/64")
    expect(networkOf("2001:0db8:0001:0002::9")).toBe("2001:db8:1:2::/64")
    expect(networkOf("2001:db8::1")).toBe("2001:db8:0:0::/64")
    expect(networkOf("::1")).toBe("0:0:0:0::/64")
    expect(networkOf("fe80::1%eth0")).toBe("fe80:0:0:0::/64")
  })
})

describe("connection admission", () => {
  it("200 addresses of one /24 hold connections; a client from another network is still served", async () => {
    const rec = recorder()
    await withServer(
      { maxConnections: 100, maxConnectionsPerIp: 20, maxConnectionsPerNetwork: 50 },
      rec.handler,
      async (server) => {
        const port = server.address.port
        const attack = await Promise.all(Array.from({ length: 200 }, (_, i) => opening(port, `127.0.0.${i + 1}`)))
        const admitted = attack.filter((a) => a.code === "220").length
        expect(admitted).toBe(50)
        expect(attack.filter((a) => a.code === "421")).toHaveLength(150)
        const legit = await greeted(port, "127.1.2.3")
        expect(await cmd(legit, "EHLO legit.test")).toContain("250 ")
        expect(await cmd(legit, "MAIL FROM:<a@legit.test>")).toMatch(/^250 /)
        expect(await cmd(legit, "RCPT TO:<b@example.test>")).toMatch(/^250 /)
        expect(await cmd(legit, "DATA")).toMatch(/^354 /)
        expect(await cmd(legit, "Subject: hi\r\n\r\nbody\r\n.")).toMatch(/^250 /)
        expect(rec.messages).toHaveLength(1)
        for (const a of attack) a.client.close()
        legit.close()
      }
    )
  }, 60_000)

  it("a slot is free again at the 221: quick reconnects after QUIT at the per-IP limit are served", async () => {
    await withServer({ maxConnectionsPerIp: 2 }, recorder().handler, async (server) => {
      const port = server.address.port
      const holder = await greeted(port)
      const lingering: Array<RawClient> = []
      for (let i = 0; i < 30; i++) {
        const c = await greeted(port)
        expect(await cmd(c, "QUIT")).toMatch(/^221 /)
        // The client has its 221 but has not closed its socket yet.
        lingering.push(c)
      }
      for (const c of lingering) c.close()
      holder.close()
    })
  }, 60_000)

  it("once the listener is nearly full, idle sessions are cut with the short stress timeout", async () => {
    await withServer(
      { maxConnections: 10, stressThreshold: 0.5, idleTimeoutMs: 60_000, stressIdleTimeoutMs: 200 },
      recorder().handler,
      async (server) => {
        const silent = await Promise.all(
          Array.from({ length: 6 }, (_, i) => greeted(server.address.port, `127.0.7.${i + 1}`))
        )
        for (const c of silent) await c.waitFor(/\r\n421 4\.4\.2 Idle timeout.*\r\n/)
        for (const c of silent) await c.waitClosed()
        // Below the threshold again: a new session is served normally.
        const c = await greeted(server.address.port)
        expect(await cmd(c, "NOOP")).toMatch(/^250 /)
        c.close()
      }
    )
  }, 30_000)
})
