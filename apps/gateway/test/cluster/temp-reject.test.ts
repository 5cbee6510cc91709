// Temporary rejection in the multi-process mode of the BUILT gateway (smtp.processes: 2, embedded
// state): a retry that the kernel hands to the other worker must find the record the first
// attempt left, so both workers accept it after the period. With a store per worker the worker
// that never saw the first attempt would answer 451 again. Real rbldnsd on loopback; the RBL
// zone is not served, so the message is unsure.
import { afterAll, beforeAll, describe, expect, test, vi } from "vitest"
import { type Rbldnsd, startRbldnsd } from "../../../../packages/core/test/dns/support/rbldnsd.ts"
import { spawnGateway, workerPids } from "../support/built.ts"
import { freePort, sendRaw } from "../support/peers.ts"

// The client is 127.0.0.1, our own address, so the walk moves to the hop recorded below it.
const message =
  "Received: from relay.client.test (relay.client.test [192.0.2.7]) by gw.test; Tue, 1 Dec 2026 00:00:00 +0000\r\nSubject: across workers\r\nMessage-ID: <workers-1@client.test>\r\n\r\nsame body\r\n"

/** The server instance a queue id comes from: its six-hex-digit prefix differs per worker. */
const serverOf = (reply: string) => /queued as ([0-9a-f]{6})/.exec(reply)?.[1]

describe("smtp.processes: 2 with temporary rejection", () => {
  let rbl: Rbldnsd
  let port: number
  let gw: ReturnType<typeof spawnGateway>

  beforeAll(async () => {
    rbl = await startRbldnsd([{ zone: "bl.test", type: "ip4set", data: "127.0.0.2\n" }])
    port = await freePort()
    gw = spawnGateway(
      [
        "dataDir: $DIR/data",
        `smtp: { host: 127.0.0.1, port: ${port}, hostname: gw.test, processes: 2 }`,
        "admin: { enabled: false }",
        // Only the lists decide here: the content classifier would call this tiny message definite.
        "classifier: { enabled: false }",
        "antispam:",
        '  rbl: { servers: ["unserved.test"], skip: [], timeoutSeconds: 1 }',
        "  endUserBlocklist: { enabled: false }",
        `  dns: { servers: ["${rbl.server}"] }`,
        // 0.02 minutes: the retries below come after the period without a long test.
        "  tempReject: { enabled: true, periodMinutes: 0.02 }",
        ""
      ].join("\n")
    )
    await vi.waitFor(
      () => {
        const { worker0, worker1 } = workerPids(gw.out.text)
        expect(worker0 > 0 && worker1 > 0, gw.out.text).toBe(true)
      },
      { timeout: 60_000, interval: 100 }
    )
  })
  afterAll(async () => {
    if (gw?.child.exitCode === null) {
      gw.child.kill("SIGTERM")
      await gw.exited
    }
    await rbl?.stop()
  })

  test("a retry that lands on the other worker after the period is accepted", async () => {
    // Connections are spread over the workers; repeat with a new message until a retry reaches
    // the worker that did not see the first attempt (every retry must be accepted either way).
    let crossed = false
    for (let round = 1; round <= 6 && !crossed; round++) {
      const body = message.replace("workers-1@", `workers-${round}@`)
      const send = () => sendRaw(port, { from: "s@client.test", to: ["u@example.test"] }, body)
      expect((await send()).data).toMatch(/^451 4\.7\.1 /)
      const deferredBy = await vi.waitFor(() => {
        const lines = gw.out.text.match(/queue="([0-9a-f]{6})[^"]*"[^\n]*record written/g) ?? []
        expect(lines).toHaveLength(round)
        return /queue="([0-9a-f]{6})/.exec(lines.at(-1)!)![1]
      })
      await new Promise((r) => setTimeout(r, 1500))
      const retry = (await send()).data
      expect(retry, gw.out.text).toMatch(/^250 /)
      crossed = serverOf(retry) !== deferredBy
    }
    expect(crossed, "a retry reached the other worker").toBe(true)
  })
})
