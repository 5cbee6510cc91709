// Reply coalescing (RFC 2920 §3.2): the replies to a batch of pipelined commands that arrived in
// one read go out in one write, in order; a client that waits for each reply still gets each one
// at once. Writes are counted with a spy on the sockets' write, keeping only the listener's side
// (the socket whose local port is the listener's, read at the write: a socket closed after QUIT
// no longer has one).
import * as net from "node:net"
import { fc, test as propTest } from "@fast-check/vitest"
import { afterEach, describe, expect, it, vi } from "vitest"
import { recorder, REPLY_WAIT_MS } from "./support/peers.ts"
import { cmd, greeted, withServer } from "./support/server.ts"

/** Every write the listener's sockets make from now on (their text, in order). */
const listenerWrites = (port: number) => {
  const seen: Array<string> = []
  const write = net.Socket.prototype.write
  vi.spyOn(net.Socket.prototype, "write").mockImplementation(function (
    this: net.Socket,
    ...args: Parameters<net.Socket["write"]>
  ) {
    const [chunk] = args
    if (this.localPort === port)
      seen.push(typeof chunk === "string" ? chunk : Buffer.from(chunk as Uint8Array).toString("latin1"))
    return write.apply(this, args)
  } as net.Socket["write"])
  return (): Array<string> => seen
}

afterEach(() => {
  vi.restoreAllMocks()
})

describe("SmtpServer reply coalescing", () => {
  it("a pipelined MAIL, two RCPTs and DATA from one read are answered in one write, in order", async () => {
    const rec = recorder()
    await withServer({}, rec.handler, async (server) => {
      const c = await greeted(server.address.port)
      await cmd(c, "EHLO client.test")
      const writes = listenerWrites(server.address.port)
      const from = c.received.length
      c.write("MAIL FROM:<s@a.test>\r\nRCPT TO:<r1@b.test>\r\nRCPT TO:<r2@b.test>\r\nDATA\r\n")
      await c.waitFor(/354 .*\r\n/, REPLY_WAIT_MS, from)
      expect(writes()).toHaveLength(1)
      expect(writes()[0]).toMatch(/^250 2\.1\.0 .*\r\n250 2\.1\.5 .*\r\n250 2\.1\.5 .*\r\n354 .*\r\n$/)
      // The message, its terminator and a pipelined QUIT: the 250 and the 221 share a write too.
      c.write("Subject: t\r\n\r\nbody\r\n.\r\nQUIT\r\n")
      await c.waitFor(/221 .*\r\n/, REPLY_WAIT_MS, from)
      await c.waitClosed()
      expect(writes().slice(1)).toHaveLength(1)
      expect(writes()[1]).toMatch(/^250 2\.0\.0 Queued as 1\r\n221 2\.0\.0 .*\r\n$/)
      expect(rec.messages.map((m) => m.envelope.rcptTo)).toEqual([["r1@b.test", "r2@b.test"]])
    })
  })

  it("a client that waits for every reply gets every reply at once, one write each", async () => {
    await withServer({}, recorder().handler, async (server) => {
      const c = await greeted(server.address.port)
      const writes = listenerWrites(server.address.port)
      expect(await cmd(c, "EHLO client.test")).toMatch(/^250-/)
      expect(await cmd(c, "MAIL FROM:<s@a.test>")).toMatch(/^250 /)
      expect(await cmd(c, "RCPT TO:<r@b.test>")).toMatch(/^250 /)
      expect(await cmd(c, "DATA")).toMatch(/^354 /)
      expect(await cmd(c, "Subject: t\r\n\r\nbody\r\n.")).toMatch(/^250 /)
      expect(writes().map((w) => w.slice(0, 3))).toEqual(["250", "250", "250", "354", "250"])
      c.close()
    })
  })

  it("a long pipelined batch is written at the fairness turns: bounded, complete and in order", async () => {
    await withServer({}, recorder().handler, async (server) => {
      const c = await greeted(server.address.port)
      await cmd(c, "EHLO client.test")
      const writes = listenerWrites(server.address.port)
      const from = c.received.length
      c.write(`${Array.from({ length: 40 }, (_, i) => `NOOP ${i}`).join("\r\n")}\r\n`)
      await c.waitFor(/(?:250 .*\r\n){40}/, REPLY_WAIT_MS, from)
      // 40 replies, never more than one turn's worth (16 lines) held back.
      expect(writes().length).toBeGreaterThanOrEqual(3)
      expect(writes().length).toBeLessThanOrEqual(4)
      expect(writes().join("")).toBe("250 2.0.0 OK\r\n".repeat(40))
      c.close()
    })
  })
})

describe("SmtpServer reply coalescing, any batch", () => {
  const commands = ["NOOP", "RSET", "HELP", "VRFY x@b.test", "MAIL FROM:<s@a.test>", "RCPT TO:<r@b.test>", "FROB"]

  /** The replies' text after EHLO for `lines`, sent in `parts` (each part one write of the client). */
  const replies = async (lines: ReadonlyArray<string>, parts: ReadonlyArray<string>): Promise<string> => {
    let text = ""
    await withServer({ maxBadCommands: 1000 }, recorder().handler, async (server) => {
      const c = await greeted(server.address.port)
      await cmd(c, "EHLO client.test")
      const from = c.received.length
      for (const part of parts) c.write(part)
      await c.waitFor(new RegExp(`(?:\\d{3} .*\\r\\n){${lines.length}}`), REPLY_WAIT_MS, from)
      text = c.received.slice(from)
      c.close()
    })
    return text
  }

  propTest.prop([fc.array(fc.constantFrom(...commands), { minLength: 1, maxLength: 40 }), fc.array(fc.nat())], {
    numRuns: 12
  })("however a pipelined batch is cut into reads, every command gets its reply, in order", async (lines, cuts) => {
    const whole = lines.map((l) => `${l}\r\n`).join("")
    const points = [...new Set(cuts.map((c) => c % (whole.length + 1)))].sort((a, b) => a - b)
    const parts: Array<string> = []
    let prev = 0
    for (const p of [...points, whole.length]) {
      if (p > prev) parts.push(whole.slice(prev, p))
      prev = p
    }
    // One command at a time (each reply awaited) is the reference.
    let expected = ""
    await withServer({ maxBadCommands: 1000 }, recorder().handler, async (server) => {
      const c = await greeted(server.address.port)
      await cmd(c, "EHLO client.test")
      for (const line of lines) expected += await cmd(c, line)
      c.close()
    })
    expect(await replies(lines, parts)).toBe(expected)
  })
})
