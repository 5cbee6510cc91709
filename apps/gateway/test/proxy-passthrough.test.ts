// The raw pipe a TLS port gets with `tlsFiltering: false` holds the same bounds as the scanning
// listeners: at most `maxConnections` at once (one more is closed at once, logged) and none idle
// for longer than `idleTimeoutMs`. Without them one client could hold any number of sockets (two
// each, in the process that serves SMTP too) for as long as the upstream kept its side open.
import * as net from "node:net"
import { GatewayConfig } from "@mailmoat/antispam"
import { afterEach, describe, expect, test } from "vitest"
import * as Log from "../src/Log.ts"
import { type ProxyListeners, startProxyListeners } from "../src/ProxyListeners.ts"
import { tempDir } from "./support/peers.ts"

const cleanups: Array<() => Promise<void> | void> = []
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c()
})

/** An upstream that accepts and keeps every connection open, saying nothing (a TLS server waiting for a hello). */
const silentUpstream = async () => {
  const sockets = new Set<net.Socket>()
  const server = net.createServer((s) => {
    sockets.add(s)
    s.on("error", () => undefined)
    s.on("close", () => sockets.delete(s))
  })
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()))
  cleanups.push(
    () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy()
        server.close(() => r())
      })
  )
  return { port: (server.address() as net.AddressInfo).port, open: () => sockets.size }
}

const pipe = async (upstreamPort: number, limits: { maxConnections?: number; idleTimeoutMs?: number }) => {
  const decoded = GatewayConfig.decode({
    protocols: {
      tlsFiltering: false,
      tlsPorts: String(upstreamPort),
      listeners: [{ listen: "127.0.0.1:0", upstream: `127.0.0.1:${upstreamPort}`, protocol: "imap" }]
    }
  })
  if (!decoded.ok) throw new Error(decoded.problems.join("; "))
  const lines: Array<string> = []
  const listeners: ProxyListeners = await startProxyListeners(decoded.config.protocols, {
    base: tempDir(),
    scanner: async () => ({ kind: "pass" }),
    logger: Log.make({ level: "info", format: "text" }, (l) => lines.push(l), Date.now),
    now: Date.now,
    limits
  })
  cleanups.push(() => listeners.close())
  const info = listeners.listeners[0]!
  expect(info.mode).toBe("passthrough")
  return { port: info.listen.port, lines }
}

/** A client connection and a promise of its close. */
const connect = async (port: number) => {
  const socket = net.connect({ host: "127.0.0.1", port })
  socket.on("error", () => undefined)
  cleanups.push(() => void socket.destroy())
  const closed = new Promise<void>((r) => socket.once("close", () => r()))
  await new Promise<void>((r) => socket.once("connect", () => r()))
  return { socket, closed }
}

const closedWithin = (closed: Promise<void>, ms: number) =>
  Promise.race([closed.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), ms))])

describe("the passthrough pipe (tlsFiltering: false on a TLS port)", () => {
  test("a connection over maxConnections is closed at once and logged; the ones within stay", async () => {
    const upstream = await silentUpstream()
    const { port, lines } = await pipe(upstream.port, { maxConnections: 3 })
    const kept = [await connect(port), await connect(port), await connect(port)]
    await expect.poll(() => upstream.open(), { timeout: 5000 }).toBe(3)
    const over = await connect(port)
    expect(await closedWithin(over.closed, 3000)).toBe(true)
    expect(lines.some((l) => l.includes("too_many_connections"))).toBe(true)
    for (const c of kept) expect(c.socket.destroyed).toBe(false)
    expect(upstream.open()).toBe(3)
    // A place freed is a place taken again.
    kept[0]!.socket.destroy()
    await expect.poll(() => upstream.open(), { timeout: 5000 }).toBe(2)
    const again = await connect(port)
    expect(await closedWithin(again.closed, 500)).toBe(false)
  })

  test("a connection with no traffic either way for idleTimeoutMs is closed, both legs", async () => {
    const upstream = await silentUpstream()
    const { port } = await pipe(upstream.port, { idleTimeoutMs: 400 })
    const idle = await connect(port)
    await expect.poll(() => upstream.open(), { timeout: 5000 }).toBe(1)
    expect(await closedWithin(idle.closed, 5000)).toBe(true)
    await expect.poll(() => upstream.open(), { timeout: 5000 }).toBe(0)
  })
})
