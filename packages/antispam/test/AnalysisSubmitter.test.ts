// Analysis submission against a local node:http server (loopback only).
import { createServer, type IncomingMessage, type Server } from "node:http"
import { Dns } from "@mailmoat/core"
import { Effect, Logger } from "effect"
import { afterEach, describe, expect, it, vi } from "vitest"
import { AnalysisSubmitter, makeServerAntispam } from "../src/index.ts"
import { makeMessage } from "./support/messages.ts"

interface Received {
  readonly headers: IncomingMessage["headers"]
  readonly body: string
}
let server: Server | undefined
const start = async (statuses: Array<number>): Promise<{ url: string; received: Array<Received> }> => {
  const received: Array<Received> = []
  server = createServer((req, res) => {
    const chunks: Array<Buffer> = []
    req.on("data", (c: Buffer) => chunks.push(c))
    req.on("end", () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString("utf8") })
      res.statusCode = statuses.shift() ?? 200
      res.end("ok")
    })
  })
  await new Promise<void>((r) => server!.listen(0, "127.0.0.1", () => r()))
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}/submit`, received }
}
afterEach(async () => {
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()))
  server = undefined
})
const item = {
  bytes: new TextEncoder().encode("Subject: x\r\n\r\nbody\r\n"),
  sender: "a@example.net",
  recipients: ["u@example.org"],
  clientAddress: "192.0.2.7"
}

describe("analysis submission", () => {
  it("POSTs the message with the envelope, retrying with backoff after failures", async () => {
    const peer = await start([500, 503])
    const s = AnalysisSubmitter.make({ url: peer.url, backoffMillis: 10, attempts: 3 })
    expect(Effect.runSync(s.submit(item))).toBe(true)
    await s.drain()
    expect(s.counters()).toMatchObject({ sent: 1, retries: 2, failed: 0 })
    expect(peer.received).toHaveLength(3)
    expect(peer.received[2]!.headers["content-type"]).toBe("message/rfc822")
    expect(peer.received[2]!.headers["x-mailmoat-sender"]).toBe("a@example.net")
    expect(peer.received[2]!.body).toBe("Subject: x\r\n\r\nbody\r\n")
  })

  it("a dead endpoint costs a log line and a counter; the queue is bounded", async () => {
    const peer = await start([])
    const url = peer.url
    await new Promise<void>((r) => server!.close(() => r()))
    server = undefined
    const logs: Array<string> = []
    // The submitting fiber's logger gets the lines, also those written after the retries.
    const logger = Logger.layer([Logger.make(({ message }) => logs.push(String(message)))])
    const s = AnalysisSubmitter.make({ url, backoffMillis: 5, attempts: 2, queueSize: 2, concurrency: 1 })
    const accepted = [1, 2, 3, 4].map(() => Effect.runSync(s.submit(item).pipe(Effect.provide(logger))))
    expect(accepted.filter(Boolean).length).toBeLessThanOrEqual(3) // one may already be in flight
    expect(s.counters().dropped).toBeGreaterThanOrEqual(1)
    await s.drain()
    expect(s.counters().failed).toBe(accepted.filter(Boolean).length)
    // The failure lines are forked log effects: waited for, not a fixed 50 ms.
    await vi.waitFor(() => expect(logs.some((l) => /analysis submission failed after 2 attempt/.test(l))).toBe(true), {
      timeout: 60_000,
      interval: 10
    })
    expect(logs).toContain("analysis queue full (2); submission dropped")
  })

  it("the module submits a deferred message only when enabled, without waiting for the endpoint", async () => {
    const peer = await start([])
    const dns = Dns.makeStatic({ "7.2.0.192.bl.test": "hang" })
    const cfg = { rbl: { servers: ["bl.test"], timeoutSeconds: 0.05 }, endUserBlocklist: { enabled: false } }
    const m = makeServerAntispam(
      { ...cfg, tempReject: { enabled: true, submitForAnalysis: true, analysisUrl: peer.url } },
      { dns, healthIntervalMillis: 0 }
    )
    const [o] = await Effect.runPromise(
      m.evaluate(makeMessage({ envelope: { clientAddress: "192.0.2.7" }, body: "analyse me\r\n" }))
    )
    expect(o!.action._tag).toBe("Tempfail")
    await m.analysis!.drain()
    expect(peer.received).toHaveLength(1)
    expect(peer.received[0]!.body).toMatch(/analyse me/)
    await m.close()
    const off = makeServerAntispam(
      { ...cfg, tempReject: { enabled: true, analysisUrl: peer.url } },
      { dns, healthIntervalMillis: 0 }
    )
    expect(off.analysis).toBeUndefined()
    await off.close()
  })
})
