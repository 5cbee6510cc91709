// The proxy's client side under a client that pipelines commands and never reads the replies:
// the replies wait in TCP, not in our memory (the proxy stops reading the server while the client
// does not drain, and stops reading the client while the server does not), and other clients are
// served meanwhile. The fake upstream itself honours back-pressure, so what grows in this process
// could only be the proxy.
import * as net from "node:net"
import { afterEach, describe, expect, it } from "vitest"
import { retainedBytes } from "../smtp/support/server.ts"
import { fakeServer } from "./support/fakeUpstream.ts"
import { startProxy } from "./support/proxy.ts"
import { taggingScanner } from "./support/tools.ts"

/** An IMAP-ish upstream answering `tag OK` to every line, pausing its reads while its replies do not drain. */
const politeServer = () =>
  fakeServer("* OK fake\r\n", (s, line) => {
    if (s.write(`${line.split(" ")[0]} OK done\r\n`) || s.isPaused()) return
    s.pause()
    s.once("drain", () => s.resume())
  })

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
    const proxy = await startProxy({
      upstream: { host: "127.0.0.1", port: upstream.port },
      protocol: "imap",
      mode: "plain",
      scanner: taggingScanner().scanner
    })
    cleanups.push(proxy.close)
    const attacker = await connect(proxy.port)
    attacker.pause()
    const before = await retainedBytes()
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
    const grown = (await retainedBytes()) - before
    expect(stalled, `written ${written}`).toBe(true)
    expect(grown, `retained ${Math.round(grown / 1e6)} MB more after ${written} bytes`).toBeLessThan(16 * 1024 * 1024)
    other.destroy()
    attacker.destroy()
  }, 60_000)
})
