// A message's data phase starts after the rest of the event loop's ready input
// (src/smtp/DataPhaseStart.ts): when one session's message ends in the same turn as other
// sessions' commands, those commands reach the handler (and are answered) before the message's
// `onData` is called. Loopback only; every wait is bounded.
import { describe, expect, it } from "vitest"
import type { SmtpHandler } from "../../src/smtp/index.ts"
import { REPLY_WAIT_MS } from "./support/peers.ts"
import { cmd, greeted, withServer } from "./support/server.ts"

const OTHERS = 4

describe("the data phase's start", () => {
  it("comes after the other sessions' commands read in the same turn", async () => {
    const order: Array<string> = []
    const handler: SmtpHandler = {
      onMailFrom: (_s, address) => {
        order.push(address)
        return undefined
      },
      onData: () => {
        order.push("data")
        return { code: 250, enhanced: "2.0.0", text: "Queued" }
      }
    }
    await withServer({}, handler, async (server) => {
      const a = await greeted(server.address.port)
      await cmd(a, "EHLO a.test")
      await cmd(a, "MAIL FROM:<a@a.test>")
      await cmd(a, "RCPT TO:<r@b.test>")
      await cmd(a, "DATA")
      const others = await Promise.all(Array.from({ length: OTHERS }, () => greeted(server.address.port)))
      for (const o of others) await cmd(o, "EHLO o.test")
      order.length = 0
      // The message's end first, then the others' commands, in one tick of this process: the
      // listener finds every socket ready in its next turn, the message's first.
      const from = a.received.length
      a.write("Subject: one\r\n\r\nbody\r\n.\r\n")
      const fromOthers = others.map((o) => o.received.length)
      for (const [i, o] of others.entries()) o.write(`MAIL FROM:<o${i}@o.test>\r\n`)
      await a.waitFor(/250 [^\r\n]*\r\n/, REPLY_WAIT_MS, from)
      await Promise.all(others.map((o, i) => o.waitFor(/250 [^\r\n]*\r\n/, REPLY_WAIT_MS, fromOthers[i])))
      expect(order).toEqual([...others.map((_, i) => `o${i}@o.test`), "data"])
      for (const c of [a, ...others]) c.close()
    })
  })

  it("keeps one session's own order: its next command waits for the message's answer", async () => {
    const order: Array<string> = []
    const handler: SmtpHandler = {
      onMailFrom: (_s, address) => {
        order.push(address)
        return undefined
      },
      onData: () => {
        order.push("data")
        return { code: 250, enhanced: "2.0.0", text: "Queued" }
      }
    }
    await withServer({}, handler, async (server) => {
      const a = await greeted(server.address.port)
      await cmd(a, "EHLO a.test")
      await cmd(a, "MAIL FROM:<first@a.test>")
      await cmd(a, "RCPT TO:<r@b.test>")
      await cmd(a, "DATA")
      // The message's end and the next transaction's MAIL in one write (pipelined).
      const from = a.received.length
      a.write("Subject: one\r\n\r\nbody\r\n.\r\nMAIL FROM:<second@a.test>\r\n")
      await a.waitFor(/250 [^\r\n]*\r\n250 [^\r\n]*\r\n/, REPLY_WAIT_MS, from)
      expect(order).toEqual(["first@a.test", "data", "second@a.test"])
      a.close()
    })
  })
})
