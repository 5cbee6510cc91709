// When the listener stops reading a client (Connection.ts header, "Backpressure"): a chunk whose
// lines are answered at once is run before the socket's next read without pausing it; a chunk
// whose processing waits for the handler pauses the socket until the answer, and a line the client
// pipelines meanwhile is run only after it, in order. Pauses are counted with a spy on the
// sockets' `pause`, keeping only the listener's side (the socket whose local port is the
// listener's).
import * as net from "node:net"
import { afterEach, describe, expect, it, vi } from "vitest"
import type { SmtpReply } from "../../src/smtp/index.ts"
import { recorder, REPLY_WAIT_MS } from "./support/peers.ts"
import { cmd, greeted, withServer } from "./support/server.ts"

const listenerPauses = (port: number) => {
  let count = 0
  const pause = net.Socket.prototype.pause
  vi.spyOn(net.Socket.prototype, "pause").mockImplementation(function (this: net.Socket) {
    if (this.localPort === port) count++
    return pause.call(this)
  })
  return (): number => count
}

afterEach(() => {
  vi.restoreAllMocks()
})

describe("SmtpServer reading", () => {
  it("pauses the client's socket only while a line waits for the handler", async () => {
    let release: (reply: SmtpReply | undefined) => void = () => undefined
    const handler = {
      ...recorder().handler,
      onMailFrom: () =>
        new Promise<SmtpReply | undefined>((resolve) => {
          release = resolve
        })
    }
    await withServer({}, handler, async (server) => {
      const pauses = listenerPauses(server.address.port)
      const c = await greeted(server.address.port)
      expect(await cmd(c, "EHLO client.test")).toMatch(/^250-/)
      expect(await cmd(c, "NOOP")).toMatch(/^250 /)
      expect(pauses()).toBe(0)
      const from = c.received.length
      c.write("MAIL FROM:<a@client.test>\r\n")
      await new Promise((r) => setTimeout(r, 50))
      expect(pauses()).toBe(1)
      // Pipelined behind the waiting MAIL: read only after its answer.
      c.write("RCPT TO:<b@mx.test>\r\n")
      await new Promise((r) => setTimeout(r, 50))
      expect(c.received.slice(from)).toBe("")
      release(undefined)
      const replies = await c.waitFor(/^250 .*\r\n250 .*\r\n/, REPLY_WAIT_MS, from)
      expect(replies).toMatch(/^250 2\.1\.0 .*\r\n250 2\.1\.5 .*\r\n$/)
      c.socket.destroy()
    })
  })
})
