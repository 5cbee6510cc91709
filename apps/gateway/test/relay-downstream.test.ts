// The downstream side under client abuse (before-queue relay): one downstream connection per
// client session however many MAIL/RCPT/RSET cycles the client runs, and a deadline on every
// downstream step, so a downstream that hangs at its greeting costs the client seconds, not minutes.
import * as net from "node:net"
import { afterAll, describe, expect, test, vi } from "vitest"
import type { RunningGateway } from "../src/index.ts"
import { cmd, gateway, RawSink, session } from "./support/peers.ts"

const relayTo = (port: number, downstream: Record<string, unknown> = {}) => ({
  delivery: { downstream: { host: "127.0.0.1", port, ...downstream } },
  classifier: { enabled: false }
})

describe("downstream connections and deadlines", () => {
  const running: Array<{ close(): Promise<void> }> = []
  afterAll(async () => {
    for (const r of running.reverse()) await r.close()
  })

  /** A scripted downstream on loopback, stopped after the suite; resolves with its port. */
  const fakeDownstream = async (onConnection: (socket: net.Socket) => void): Promise<number> => {
    const sockets = new Set<net.Socket>()
    const server = net.createServer((s) => {
      sockets.add(s)
      s.on("error", () => undefined)
      onConnection(s)
    })
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r))
    running.push({
      close: () =>
        new Promise<void>((r) => {
          for (const s of sockets) s.destroy()
          server.close(() => r())
        })
    })
    return (server.address() as net.AddressInfo).port
  }

  test("60 MAIL/RCPT/RSET cycles and a message in one client session use one downstream connection", async () => {
    const sink = await RawSink.start()
    running.push({ close: () => sink.stop() })
    const gw: RunningGateway = await gateway(relayTo(sink.port))
    running.push(gw)
    const c = await session(gw.smtp.port)
    for (let i = 0; i < 60; i++) {
      expect(await cmd(c, "MAIL FROM:<s@client.test>")).toMatch(/^250 /)
      expect(await cmd(c, `RCPT TO:<r${i}@example.test>`)).toMatch(/^250 /)
      expect(await cmd(c, "RSET")).toMatch(/^250 /)
    }
    await cmd(c, "MAIL FROM:<s@client.test>")
    await cmd(c, "RCPT TO:<last@example.test>")
    expect(await cmd(c, "DATA")).toMatch(/^354 /)
    expect(await cmd(c, "Subject: last\r\n\r\nbody\r\n.")).toMatch(/^250 /)
    expect(await cmd(c, "QUIT")).toMatch(/^221 /)
    await c.waitClosed()
    expect(sink.messages.map((m) => m.rcptTo)).toEqual([["last@example.test"]])
    expect(sink.connections).toBe(1)
    // Each abandoned transaction was reset downstream, in the same connection.
    expect(sink.commands.filter((l) => l === "RSET")).toHaveLength(60)
    // A second client session takes the connection the first one handed back (the pool).
    const d = await session(gw.smtp.port)
    await cmd(d, "MAIL FROM:<s@client.test>")
    expect(await cmd(d, "RCPT TO:<x@example.test>")).toMatch(/^250 /)
    d.close()
    expect(sink.connections).toBe(1)
    // Its abandoned transaction is reset before the connection goes back to the pool.
    await vi.waitFor(() => expect(sink.commands.filter((l) => l === "RSET")).toHaveLength(61))
    // ... and while it is in use, a third session opens another one.
    const e = await session(gw.smtp.port)
    const f = await session(gw.smtp.port)
    for (const s of [e, f]) {
      await cmd(s, "MAIL FROM:<s@client.test>")
      expect(await cmd(s, "RCPT TO:<y@example.test>")).toMatch(/^250 /)
    }
    e.close()
    f.close()
    expect(sink.connections).toBe(2)
  }, 60_000)

  test("a kept connection the downstream drops at our next MAIL: that RCPT is retried once on a fresh connection", async () => {
    let connections = 0
    // Answers like a server whose idle timer closed the connection right as our MAIL arrived.
    const port = await fakeDownstream((s) => {
      connections++
      let mails = 0
      let buf = ""
      s.write("220 flaky ESMTP\r\n")
      s.on("data", (d: Buffer) => {
        buf += d.toString("latin1")
        for (let i = buf.indexOf("\r\n"); i !== -1; i = buf.indexOf("\r\n")) {
          const verb = buf.slice(0, 4).toUpperCase()
          buf = buf.slice(i + 2)
          if (verb === "MAIL" && ++mails === 2) return void s.destroy()
          s.write(verb === "EHLO" ? "250-flaky\r\n250 PIPELINING\r\n" : verb === "QUIT" ? "221 bye\r\n" : "250 ok\r\n")
        }
      })
    })
    const gw = await gateway(relayTo(port))
    running.push(gw)
    const c = await session(gw.smtp.port)
    await cmd(c, "MAIL FROM:<s@client.test>")
    expect(await cmd(c, "RCPT TO:<a@example.test>")).toMatch(/^250 /)
    await cmd(c, "RSET")
    await cmd(c, "MAIL FROM:<s@client.test>")
    expect(await cmd(c, "RCPT TO:<b@example.test>")).toMatch(/^250 /)
    expect(connections).toBe(2)
    c.close()
  }, 30_000)

  test("a downstream that accepts the connection and never greets: 451 at RCPT within the step deadline", async () => {
    const port = await fakeDownstream(() => undefined)
    const gw = await gateway(relayTo(port, { commandTimeoutSeconds: 0.5 }))
    running.push(gw)
    const c = await session(gw.smtp.port)
    await cmd(c, "MAIL FROM:<s@client.test>")
    // Well within the listener's own 120 s handler deadline and the 20 s wait of `cmd`.
    expect(await cmd(c, "RCPT TO:<r@example.test>")).toMatch(/^4\d\d 4\.\d\.\d /)
    c.close()
  }, 30_000)

  test("pipelining downstream: MAIL goes out with the first RCPT in one write, later RCPTs alone", async () => {
    const sink = await RawSink.start()
    running.push({ close: () => sink.stop() })
    const gw = await gateway(relayTo(sink.port))
    running.push(gw)
    const c = await session(gw.smtp.port)
    await cmd(c, "MAIL FROM:<s@client.test>")
    expect(await cmd(c, "RCPT TO:<a@example.test>")).toMatch(/^250 /)
    expect(await cmd(c, "RCPT TO:<b@example.test>")).toMatch(/^250 /)
    expect(await cmd(c, "DATA")).toMatch(/^354 /)
    expect(await cmd(c, "Subject: p\r\n\r\nbody\r\n.")).toMatch(/^250 /)
    c.close()
    expect(sink.reads).toContain("MAIL FROM:<s@client.test>\r\nRCPT TO:<a@example.test>\r\n")
    expect(sink.reads).toContain("RCPT TO:<b@example.test>\r\n")
    expect(sink.messages.map((m) => m.rcptTo)).toEqual([["a@example.test", "b@example.test"]])
  }, 30_000)

  test("a downstream that drops the connection in the middle of MAIL+RCPT: 4xx for that RCPT, the next one gets a fresh connection, nothing lost", async () => {
    const sink = await RawSink.start({ dropOn: (line) => line === "RCPT TO:<drop@example.test>" })
    running.push({ close: () => sink.stop() })
    const gw = await gateway(relayTo(sink.port))
    running.push(gw)
    const c = await session(gw.smtp.port)
    await cmd(c, "MAIL FROM:<s@client.test>")
    expect(await cmd(c, "RCPT TO:<drop@example.test>")).toMatch(/^451 4\.4\.2 /)
    expect(await cmd(c, "RCPT TO:<ok@example.test>")).toMatch(/^250 /)
    expect(await cmd(c, "DATA")).toMatch(/^354 /)
    expect(await cmd(c, "Subject: p\r\n\r\nbody\r\n.")).toMatch(/^250 /)
    c.close()
    expect(sink.connections).toBe(2)
    expect(sink.messages.map((m) => m.rcptTo)).toEqual([["ok@example.test"]])
  }, 30_000)
})
