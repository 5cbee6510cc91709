// A client that pipelines commands and never reads its replies: the listener must
// stop reading it once a little output is queued, keep its own memory bounded, and go on serving
// everybody else. Plus the per-session caps on commands, transactions and lifetime.
import type * as net from "node:net"
import { describe, expect, it } from "vitest"
import { recorder } from "./support/peers.ts"
import { cmd, greeted, retainedBytes, withServer } from "./support/server.ts"

/**
 * Writes `NOOP` lines as fast as the socket takes them (never buffering more than one chunk here),
 * until `limit` bytes are written or the peer has stopped taking data for `stallMs`.
 */
const flood = async (
  socket: net.Socket,
  limit: number,
  stallMs: number
): Promise<{ written: number; stalled: boolean }> => {
  const chunk = Buffer.from("NOOP\r\n".repeat((64 * 1024) / 8))
  let written = 0
  while (written < limit) {
    written += chunk.length
    if (socket.write(chunk)) continue
    const drained = await new Promise<boolean>((resolve) => {
      const t = setTimeout(() => resolve(false), stallMs)
      socket.once("drain", () => {
        clearTimeout(t)
        resolve(true)
      })
    })
    if (!drained) return { written, stalled: true }
  }
  return { written, stalled: false }
}

describe("output back-pressure and session caps", () => {
  it("a client pipelining NOOPs without reading is stopped; memory stays bounded; others are served", async () => {
    await withServer({ maxCommands: 100_000_000 }, recorder().handler, async (server) => {
      const port = server.address.port
      const attacker = await greeted(port)
      await cmd(attacker, "EHLO flood.test")
      // From here on the attacker never reads: its receive window fills, then our send buffer.
      attacker.socket.pause()
      const before = await retainedBytes()
      const result = await flood(attacker.socket, 64 * 1024 * 1024, 1500)
      const other = await greeted(port)
      expect(await cmd(other, "EHLO other.test")).toContain("250 ")
      expect(await cmd(other, "NOOP")).toMatch(/^250 2\.0\.0/)
      const grown = (await retainedBytes()) - before
      // The listener stopped reading long before 64 MB (10 MB of NOOPs alone would be 1.7 million
      // replies): only the kernel's socket buffers and about one chunk's replies are in flight.
      expect(result.stalled, `written ${result.written}`).toBe(true)
      expect(grown, `retained ${Math.round(grown / 1e6)} MB more after ${result.written} bytes`).toBeLessThan(
        16 * 1024 * 1024
      )
      other.close()
      attacker.close()
    })
  }, 60_000)

  it("a session gets 421 4.7.0 after maxCommands command lines", async () => {
    await withServer({ maxCommands: 20 }, recorder().handler, async (server) => {
      const c = await greeted(server.address.port)
      await cmd(c, "EHLO c")
      for (let i = 0; i < 19; i++) expect(await cmd(c, "NOOP")).toMatch(/^250 /)
      expect(await cmd(c, "NOOP")).toMatch(/^421 4\.7\.0 Too many commands/)
      await c.waitClosed()
    })
  })

  it("a session gets 421 4.7.0 at the MAIL past maxTransactions (MAIL/RSET cycles)", async () => {
    const rec = recorder()
    await withServer({ maxTransactions: 5 }, rec.handler, async (server) => {
      const c = await greeted(server.address.port)
      await cmd(c, "EHLO c")
      for (let i = 0; i < 5; i++) {
        expect(await cmd(c, "MAIL FROM:<a@b.test>")).toMatch(/^250 /)
        expect(await cmd(c, "RSET")).toMatch(/^250 /)
      }
      expect(await cmd(c, "MAIL FROM:<a@b.test>")).toMatch(/^421 4\.7\.0 Too many transactions/)
      await c.waitClosed()
    })
  })

  it("a session that keeps itself alive with NOOPs ends at maxSessionMs with 421 4.4.2", async () => {
    await withServer({ maxSessionMs: 600 }, recorder().handler, async (server) => {
      const c = await greeted(server.address.port)
      await cmd(c, "EHLO c")
      // The 421 may come in answer to a NOOP or between two of them.
      for (let i = 0; i < 100 && !c.received.includes("421 "); i++) {
        c.write("NOOP\r\n")
        await new Promise((r) => setTimeout(r, 50))
      }
      await c.waitClosed()
      expect(c.received).toMatch(/\r\n421 4\.4\.2 Session lasted too long.*\r\n$/)
    })
  })
})
