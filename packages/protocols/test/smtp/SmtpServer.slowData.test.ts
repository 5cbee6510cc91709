// A slowloris in DATA: a client trickling DATA below the minimum rate is cut off with 421 once the
// grace period has passed; a client at normal speed is unaffected. Loopback raw sockets.
import { describe, expect, it, vi } from "vitest"
import { SmtpServer } from "../../src/smtp/index.ts"
import { RawClient, recorder, REPLY_WAIT_MS } from "./support/peers.ts"

const session = async (port: number) => {
  const c = await RawClient.connect(port)
  await c.waitFor(/^220 .*\r\n/)
  for (const line of ["EHLO c.test", "MAIL FROM:<s@a.test>", "RCPT TO:<r@b.test>", "DATA"]) {
    const from = c.received.length
    c.write(`${line}\r\n`)
    await c.waitFor(/\d{3} .*\r\n/, REPLY_WAIT_MS, from)
  }
  return c
}

describe("minimum DATA rate", () => {
  it("cuts a trickling client with 421 4.4.2 and stores nothing", async () => {
    const rec = recorder()
    const server = await SmtpServer.listen(
      { hostname: "mx.test", minDataRate: 1000, minDataRateGraceMs: 300 },
      rec.handler
    )
    try {
      const c = await session(server.address.port)
      const from = c.received.length
      const timer = setInterval(() => c.write("a"), 100)
      try {
        expect(await c.waitFor(/^421 4\.4\.2 Data transfer too slow.*\r\n/m, REPLY_WAIT_MS, from)).toContain(
          "421 4.4.2"
        )
        await c.waitClosed()
      } finally {
        clearInterval(timer)
      }
      expect(rec.messages).toHaveLength(0)
    } finally {
      await server.close({ graceful: false })
    }
  })

  it("a client sending at normal speed after the grace period is served", async () => {
    const rec = recorder()
    // 100 B/s against the 12 KB sent: the rate measured after the grace stays above it for 120 s,
    // past the case's timeout, however long this loaded process takes to read the second write
    // (at 1000 B/s and 6 KB, a stall of 6 s cut the client).
    const server = await SmtpServer.listen(
      { hostname: "mx.test", minDataRate: 100, minDataRateGraceMs: 200 },
      rec.handler
    )
    try {
      const c = await session(server.address.port)
      c.write(`Subject: t\r\n\r\n${`${"x".repeat(78)}\r\n`.repeat(125)}`)
      // Past the grace: the server measures from its 354, which came before this wait began.
      await new Promise((r) => setTimeout(r, 300))
      const from = c.received.length
      c.write(`${`${"y".repeat(78)}\r\n`.repeat(25)}.\r\n`)
      expect(await c.waitFor(/\d{3} .*\r\n/, REPLY_WAIT_MS, from)).toMatch(/^250 /)
      expect(rec.messages).toHaveLength(1)
    } finally {
      await server.close({ graceful: false })
    }
  })

  it("a step of the wall clock during DATA is no stall: the rate is timed by the monotonic clock", async () => {
    const rec = recorder()
    // A grace no loaded run reaches: only a clock that jumped an hour could read this client as slow.
    const server = await SmtpServer.listen(
      { hostname: "mx.test", minDataRate: 1000, minDataRateGraceMs: 60_000 },
      rec.handler
    )
    try {
      const c = await session(server.address.port)
      c.write(`Subject: t\r\n\r\n${`${"x".repeat(78)}\r\n`.repeat(25)}`)
      await new Promise((r) => setTimeout(r, 50))
      // Only `Date` is faked (timers and sockets real): the wall clock an hour on.
      vi.useFakeTimers({ toFake: ["Date"] })
      vi.setSystemTime(Date.now() + 3_600_000)
      const from = c.received.length
      c.write(`${`${"y".repeat(78)}\r\n`.repeat(25)}.\r\n`)
      expect(await c.waitFor(/\d{3} .*\r\n/, REPLY_WAIT_MS, from)).toMatch(/^250 /)
      expect(rec.messages).toHaveLength(1)
    } finally {
      vi.useRealTimers()
      await server.close({ graceful: false })
    }
  })
})

describe("message line length (TESTING #7)", () => {
  it("accepts 998-character lines and answers 550 5.6.0 to a 999-character line", async () => {
    const rec = recorder()
    const server = await SmtpServer.listen({ hostname: "mx.test" }, rec.handler)
    try {
      const ok = await session(server.address.port)
      let from = ok.received.length
      ok.write(`Subject: t\r\n\r\n${"x".repeat(998)}\r\n.\r\n`)
      expect(await ok.waitFor(/\d{3} .*\r\n/, REPLY_WAIT_MS, from)).toMatch(/^250 /)
      const long = await session(server.address.port)
      from = long.received.length
      long.write(`Subject: t\r\n\r\n${"x".repeat(999)}\r\n.\r\n`)
      expect(await long.waitFor(/\d{3} .*\r\n/, REPLY_WAIT_MS, from)).toMatch(/^550 5\.6\.0 /)
      expect(rec.messages).toHaveLength(1)
    } finally {
      await server.close({ graceful: false })
    }
  })
})
