// The proxy's client side under a client that pipelines commands and never reads the replies:
// the replies wait in TCP, not in our memory (the proxy stops reading the server while the client
// does not drain, and stops reading the client while the server does not), and other clients are
// served meanwhile. The fake upstream itself honours back-pressure, so what grows in this process
// could only be the proxy.
import * as net from "node:net"
import { afterEach, describe, expect, it } from "vitest"
import { retainedBytes } from "../smtp/support/server.ts"
import { startProxy } from "./support/proxy.ts"
import { taggingScanner } from "./support/tools.ts"

/** An IMAP-ish upstream answering `tag OK` to every line, pausing its reads while its replies do not drain. */
const politeServer = async () => {
  const sockets = new Set<net.Socket>()
  const server = net.createServer((s) => {
    sockets.add(s)
    s.on("error", () => undefined)
    s.on("close", () => sockets.delete(s))
    s.write("* OK fake\r\n")
    let buf = ""
    s.on("data", (d: Buffer) => {
      buf += d.toString("latin1")
      let out = ""
      for (let i = buf.indexOf("\r\n"); i !== -1; i = buf.indexOf("\r\n")) {
        out += `${buf.slice(0, i).split(" ")[0]} OK done\r\n`
        buf = buf.slice(i + 2)
      }
      if (out !== "" && !s.write(out)) {
        s.pause()
        s.once("drain", () => s.resume())
      }
    })
  })
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()))
  return {
    port: (server.address() as net.AddressInfo).port,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy()
        server.close(() => r())
      })
  }
}

const connect = (port: number): Promise<net.Socket> =>
  new Promise((resolve, reject) => {
    const s = net.connect({ host: "127.0.0.1", port }, () => resolve(s))
    s.once("error", reject)
  })

const cleanups: Array<() => Promise<void>> = []
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c()
})

describe("proxy back-pressure", () => {
  it("a client pipelining NOOPs without reading is stalled; memory bounded; another client is served", async () => {
    const upstream = await politeServer()
    cleanups.push(upstream.close)
    const proxy = await startProxy({ upstream: { host: "127.0.0.1", port: upstream.port }, protocol: "imap", mode: "plain", scanner: taggingScanner().scanner })
    cleanups.push(proxy.close)
    const attacker = await connect(proxy.port)
    attacker.pause()
    const before = retainedBytes()
    const chunk = Buffer.from("a NOOP\r\n".repeat(8192))
    let written = 0
    let stalled = false
    while (written < 64 * 1024 * 1024) {
      written += chunk.length
      if (attacker.write(chunk)) continue
      stalled = !(await new Promise<boolean>((resolve) => {
        const t = setTimeout(() => resolve(false), 1500)
        attacker.once("drain", () => {
          clearTimeout(t)
          resolve(true)
        })
      }))
      if (stalled) break
    }
    const other = await connect(proxy.port)
    let got = ""
    other.on("data", (d: Buffer) => (got += d.toString("latin1")))
    other.write("b NOOP\r\n")
    for (let i = 0; i < 200 && !got.includes("b OK"); i++) await new Promise((r) => setTimeout(r, 50))
    expect(got).toContain("b OK done")
    const grown = retainedBytes() - before
    expect(stalled, `written ${written}`).toBe(true)
    expect(grown, `retained ${Math.round(grown / 1e6)} MB more after ${written} bytes`).toBeLessThan(16 * 1024 * 1024)
    other.destroy()
    attacker.destroy()
  }, 60_000)
})
