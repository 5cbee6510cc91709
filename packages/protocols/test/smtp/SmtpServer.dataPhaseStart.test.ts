// A message's data phase starts after the rest of the event loop's ready input
// (src/smtp/DataPhaseStart.ts): when one session's message ends in the same turn as other
// sessions' commands, those commands reach the handler (and are answered) before the message's
// `onData` is called. Loopback only; every wait is bounded.
import { describe, expect, it } from "vitest"
import type { SmtpHandler } from "../../src/smtp/index.ts"
import { REPLY_WAIT_MS } from "./support/peers.ts"
import { cmd, greeted, withServer } from "./support/server.ts"

const OTHERS = 4

/** A handler that notes each MAIL's address and each message, in the order they reach it. */
const noting = (): { order: Array<string>; handler: SmtpHandler } => {
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
  return { order, handler }
}

/** A session that has had its 354 for a message from `from`. */
const inData = async (port: number, from: string) => {
  const c = await greeted(port)
  await cmd(c, "EHLO a.test")
  await cmd(c, `MAIL FROM:<${from}>`)
  await cmd(c, "RCPT TO:<r@b.test>")
  await cmd(c, "DATA")
  return c
}

describe("the data phase's start", () => {
  it("comes after the other sessions' commands read in the same turn", async () => {
    const { order, handler } = noting()
    await withServer({}, handler, async (server) => {
      const a = await inData(server.address.port, "a@a.test")
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
    const { order, handler } = noting()
    await withServer({}, handler, async (server) => {
      const a = await inData(server.address.port, "first@a.test")
      // The message's end and the next transaction's MAIL in one write (pipelined).
      const from = a.received.length
      a.write("Subject: one\r\n\r\nbody\r\n.\r\nMAIL FROM:<second@a.test>\r\n")
      await a.waitFor(/250 [^\r\n]*\r\n250 [^\r\n]*\r\n/, REPLY_WAIT_MS, from)
      expect(order).toEqual(["first@a.test", "data", "second@a.test"])
      a.close()
    })
  })
})
