// The smtp.limits configuration keys reach the running gateway's listener (each bound itself is
// tested in packages/protocols/test/smtp): transactions per session, the free-space reserve and
// the Received-hop limit.
import { afterAll, describe, expect, test } from "vitest"
import type { RunningGateway } from "../src/index.ts"
import { cmd, gateway, session } from "./support/peers.ts"

describe("smtp.limits in the gateway", () => {
  const running: Array<RunningGateway> = []
  afterAll(async () => {
    for (const g of running) await g.close()
  })

  test("maxTransactionsPerSession and maxHops", async () => {
    const gw = await gateway({
      smtp: { limits: { maxTransactionsPerSession: 2, maxHops: 3 } },
      antispam: { enabled: false },
      classifier: { enabled: false }
    })
    running.push(gw)
    const c = await session(gw.smtp.port)
    await cmd(c, "MAIL FROM:<s@client.test>")
    await cmd(c, "RCPT TO:<r@example.test>")
    await cmd(c, "DATA")
    expect(
      await cmd(c, `${"Received: from a by b; Thu, 3 Dec 2026 08:00:00 +0000\r\n".repeat(4)}\r\nloop\r\n.`)
    ).toMatch(/^554 5\.4\.6 /)
    expect(await cmd(c, "MAIL FROM:<s@client.test>")).toMatch(/^250 /)
    await cmd(c, "RSET")
    expect(await cmd(c, "MAIL FROM:<s@client.test>")).toMatch(/^421 4\.7\.0 /)
    c.close()
  })

  test("minFreeSpaceMB larger than the disk: 452 4.3.1 at MAIL", async () => {
    const gw = await gateway({
      smtp: { limits: { minFreeSpaceMB: 1024 * 1024 * 1024 } },
      antispam: { enabled: false },
      classifier: { enabled: false }
    })
    running.push(gw)
    const c = await session(gw.smtp.port)
    expect(await cmd(c, "MAIL FROM:<s@client.test> SIZE=100")).toMatch(/^452 4\.3\.1 /)
    c.close()
  })
})
