// The message's spool through the listener: a message past the memory threshold goes to a private
// file while it arrives in several reads, the handler streams all of it, and the file is gone
// before the commands pipelined behind the final dot (in the same read) are answered; a message
// kept in memory in the same session is handed over whole too. Loopback only; every wait bounded.
import { readdirSync } from "node:fs"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import type { SmtpHandler, Spool } from "../../src/smtp/index.ts"
import { REPLY_WAIT_MS } from "./support/peers.ts"
import { cmd, greeted, withServer } from "./support/server.ts"
import { tempDir } from "../../../../test/support/temp-dirs.ts"

const dir = tempDir("mailmoat-connection-spool-")

const streamed = async (spool: Spool): Promise<string> => {
  const parts: Array<Buffer> = []
  for await (const chunk of spool.stream()) parts.push(Buffer.from(chunk))
  return Buffer.concat(parts).toString("latin1")
}

describe("the message's spool", () => {
  it("spills a large message to a file, hands all of it over, and deletes the file before the next command", async () => {
    const seen: Array<{ body: string; onDisk: number }> = []
    const handler: SmtpHandler = {
      onData: async (_s, _e, spool) => {
        seen.push({ onDisk: readdirSync(dir).length, body: await streamed(spool) })
        return { code: 250, enhanced: "2.0.0", text: `Queued as ${seen.length}` }
      }
    }
    await withServer({ spool: { memoryThreshold: 1024, dir } }, handler, async (server) => {
      const c = await greeted(server.address.port)
      await cmd(c, "EHLO client.test")
      await cmd(c, "MAIL FROM:<s@a.test>")
      await cmd(c, "RCPT TO:<r@b.test>")
      expect(await cmd(c, "DATA")).toMatch(/^354 /)
      const line = `${"x".repeat(76)}\r\n`
      const big = `Subject: big\r\n\r\n${line.repeat(200)}`
      // The content in several reads, the last with the dot and the next transaction behind it.
      for (let at = 0; at < big.length; at += 4000) {
        c.write(big.slice(at, at + 4000))
        await new Promise((resolve) => setTimeout(resolve, 5))
      }
      const from = c.received.length
      c.write(".\r\nMAIL FROM:<s@a.test>\r\n")
      const replies = await c.waitFor(/250 2\.0\.0 Queued as 1\r\n250 [^\r\n]*\r\n/, REPLY_WAIT_MS, from)
      expect(replies).toMatch(/^250 2\.0\.0 Queued as 1\r\n250 2\.1\.0 /)
      expect(readdirSync(dir)).toHaveLength(0)
      await cmd(c, "RCPT TO:<r@b.test>")
      expect(await cmd(c, "DATA")).toMatch(/^354 /)
      expect(await cmd(c, "Subject: small\r\n\r\nbody\r\n.")).toMatch(/^250 2\.0\.0 Queued as 2\r\n$/)
      expect(await cmd(c, "QUIT")).toMatch(/^221 /)
      expect(seen).toEqual([
        { onDisk: 1, body: big },
        { onDisk: 0, body: "Subject: small\r\n\r\nbody\r\n" }
      ])
    })
  })
})
