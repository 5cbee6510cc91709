// QUIT and the end of the socket (Connection.ts header, docs/smtp-limits.md): with nothing behind
// QUIT the listener closes its socket as soon as the 221 is written, without waiting for the
// client's FIN; with commands pipelined behind QUIT it keeps the half-closed wait (the 221 must not
// be lost to an RST) and answers nothing after QUIT. The clients here keep their own end open
// (`allowHalfOpen`), as a client that has not read the 221 yet would, so only the listener can end
// the connection before the 5 s close grace.
import { rmSync } from "node:fs"
import { afterAll, describe, expect, it } from "vitest"
import type { SmtpServerHandle } from "../../src/smtp/index.ts"
import { makeCert, RawClient, recorder, REPLY_WAIT_MS } from "./support/peers.ts"
import { cmd, withServer } from "./support/server.ts"

const cert = makeCert()
afterAll(() => rmSync(cert.dir, { recursive: true, force: true }))

/** Well under the listener's 5 s close grace: closing within it is the new behaviour, not the grace timer. */
const SOON_MS = 2500

const untilNoConnections = async (server: SmtpServerHandle, timeoutMs: number): Promise<void> => {
  const deadline = Date.now() + timeoutMs
  while (server.connections() > 0) {
    if (Date.now() > deadline) throw new Error(`the listener still holds ${server.connections()} connection(s)`)
    await new Promise((r) => setTimeout(r, 10))
  }
}

/** A client that does not close its end when the listener's FIN arrives. */
const halfOpen = async (port: number): Promise<RawClient> => {
  const c = await RawClient.connect(port, undefined, true)
  await c.waitFor(/^220 .*\r\n/)
  return c
}

describe("SmtpServer QUIT", () => {
  it("closes its socket once the 221 is written, without waiting for the client to close", async () => {
    await withServer({}, recorder().handler, async (server) => {
      const c = await halfOpen(server.address.port)
      expect(await cmd(c, "EHLO client.test")).toMatch(/^250-/)
      expect(await cmd(c, "QUIT")).toBe("221 2.0.0 Bye\r\n")
      await c.waitEnded()
      await untilNoConnections(server, SOON_MS)
      // The client had not closed its end: the listener let go of the socket on its own.
      expect(c.socket.writableEnded).toBe(false)
      expect(c.error).toBeUndefined()
      c.socket.destroy()
    })
  })

  it("over TLS too: close_notify and FIN follow the 221 and the socket is closed", async () => {
    await withServer({ tls: { key: cert.key, cert: cert.cert } }, recorder().handler, async (server) => {
      const c = await halfOpen(server.address.port)
      await cmd(c, "EHLO client.test")
      expect(await cmd(c, "STARTTLS")).toMatch(/^220 /)
      await c.startTls()
      expect(await cmd(c, "EHLO client.test")).toMatch(/^250-/)
      expect(await cmd(c, "QUIT")).toBe("221 2.0.0 Bye\r\n")
      await c.waitEnded()
      await untilNoConnections(server, SOON_MS)
      expect(c.error).toBeUndefined()
      c.socket.destroy()
    })
  })

  it("commands pipelined behind QUIT get no reply, and the socket waits for the client as before", async () => {
    const rec = recorder()
    await withServer({}, rec.handler, async (server) => {
      const c = await halfOpen(server.address.port)
      await cmd(c, "EHLO client.test")
      const from = c.received.length
      c.write("QUIT\r\nNOOP\r\nMAIL FROM:<s@a.test>\r\nRCPT TO:<r@b.test>\r\n")
      await c.waitEnded()
      // The 221 arrived whole (no RST destroyed it) and nothing after QUIT was answered.
      expect(c.received.slice(from)).toBe("221 2.0.0 Bye\r\n")
      expect(c.error).toBeUndefined()
      // Half-closed: what the client still sends is read and thrown away until it closes.
      c.write("NOOP\r\n")
      await new Promise((r) => setTimeout(r, 50))
      expect(server.connections()).toBe(1)
      expect(c.error).toBeUndefined()
      c.socket.end()
      await untilNoConnections(server, 10_000)
      expect(c.received.slice(from)).toBe("221 2.0.0 Bye\r\n")
      expect(rec.messages).toHaveLength(0)
    })
  })

  it("a message accepted right before a QUIT in the same write is delivered, and its 250 arrives", async () => {
    const rec = recorder({ keepBody: 4 * 1024 * 1024 })
    const line = `${"0123456789".repeat(7)}\r\n`
    const body = `Subject: big\r\n\r\n${line.repeat(30_000)}`
    await withServer({}, rec.handler, async (server) => {
      const clients = await Promise.all(Array.from({ length: 8 }, () => halfOpen(server.address.port)))
      await Promise.all(
        clients.map(async (c, i) => {
          await cmd(c, "EHLO client.test")
          const from = c.received.length
          c.write(`MAIL FROM:<s${i}@a.test>\r\nRCPT TO:<r@b.test>\r\nDATA\r\n`)
          await c.waitFor(/354 .*\r\n/, REPLY_WAIT_MS, from)
          c.write(`${body}.\r\nQUIT\r\n`)
          await c.waitEnded()
          expect(c.received.slice(from)).toMatch(/354 .*\r\n250 2\.0\.0 Queued as \d+\r\n221 2\.0\.0 Bye\r\n$/)
          expect(c.error).toBeUndefined()
        })
      )
      await untilNoConnections(server, SOON_MS)
      expect(rec.messages).toHaveLength(8)
      for (const m of rec.messages) expect(m.body!.toString("latin1")).toBe(body)
      expect(rec.messages.map((m) => m.envelope.mailFrom).sort()).toEqual(
        Array.from({ length: 8 }, (_, i) => `s${i}@a.test`).sort()
      )
      for (const c of clients) c.socket.destroy()
    })
  })
})
