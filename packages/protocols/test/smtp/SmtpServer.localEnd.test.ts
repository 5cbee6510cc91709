// The local end of a session (address and port the client dialled) as the handler sees it: taken
// from the listener's bound address when it is bound to one address, from the socket otherwise.
import * as net from "node:net"
import { describe, expect, it } from "vitest"
import type { SmtpSessionInfo } from "../../src/smtp/index.ts"
import { localEndOf } from "../../src/smtp/LocalEnd.ts"
import { recorder } from "./support/peers.ts"
import { withServer } from "./support/server.ts"

/** Connects to host:port and resolves with the session info the handler's onConnect saw. */
const sessionSeen = (host: string, port: number, seen: Array<SmtpSessionInfo>): Promise<SmtpSessionInfo> =>
  new Promise((resolve, reject) => {
    const socket = net.connect({ host, port })
    socket.once("error", reject)
    socket.on("data", (d: Buffer) => {
      if (!d.toString("latin1").startsWith("220 ")) return
      socket.destroy()
      const info = seen.at(-1)
      if (info === undefined) reject(new Error("no onConnect before the greeting"))
      else resolve(info)
    })
  })

const handlerSeeing = (seen: Array<SmtpSessionInfo>) => ({
  ...recorder().handler,
  onConnect: async (session: SmtpSessionInfo) => {
    seen.push(session)
    return undefined
  }
})

describe("the session's local end", () => {
  for (const host of ["127.0.0.1", "127.0.0.2"]) {
    it(`a listener bound to ${host} reports that address and its port for every session`, async () => {
      const seen: Array<SmtpSessionInfo> = []
      await withServer({ host, port: 0 }, handlerSeeing(seen), async (server) => {
        for (let i = 0; i < 3; i++) {
          const info = await sessionSeen(host, server.address.port, seen)
          expect(info.localAddress).toBe(host)
          expect(info.localPort).toBe(server.address.port)
          expect(info.clientAddress).toBe("127.0.0.1")
          expect(info.clientPort).toBeGreaterThan(0)
        }
      })
    })
  }

  it("a wildcard listener leaves the local end to the socket; one address is used as bound", () => {
    expect(localEndOf({ address: "0.0.0.0", family: "IPv4", port: 25 })).toBeUndefined()
    expect(localEndOf({ address: "::", family: "IPv6", port: 25 })).toBeUndefined()
    expect(localEndOf({ address: "127.0.0.2", family: "IPv4", port: 2525 })).toEqual({
      address: "127.0.0.2",
      port: 2525
    })
    expect(localEndOf({ address: "::ffff:127.0.0.1", family: "IPv6", port: 25 })).toEqual({
      address: "127.0.0.1",
      port: 25
    })
  })
})
