// The gateway owns what it opens through one scope: a start that fails half-way releases the
// listeners it had already bound, and close() releases them too (the ports can be bound again).
import { createServer, type Server } from "node:net"
import { describe, expect, test } from "vitest"
import { ConfigError, StartupError } from "../src/index.ts"
import { freePort, gateway } from "./support/peers.ts"

const bindable = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const s = createServer()
    s.once("error", () => resolve(false))
    s.listen(port, "127.0.0.1", () => s.close(() => resolve(true)))
  })

const occupy = async (): Promise<{ server: Server; port: number }> => {
  const server = createServer()
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()))
  return { server, port: (server.address() as { port: number }).port }
}

describe("the gateway's scope", () => {
  test("admin.port in use: the start fails naming the key, and the SMTP port it bound is released", async () => {
    const taken = await occupy()
    const smtpPort = await freePort()
    try {
      const error = await gateway({ smtp: { port: smtpPort }, admin: { port: taken.port } }).then(
        (gw) => gw.close().then(() => undefined),
        (e: unknown) => e
      )
      expect(error).toBeInstanceOf(StartupError)
      expect((error as StartupError).key).toBe("admin.port")
      expect(await bindable(smtpPort)).toBe(true)
    } finally {
      await new Promise<void>((r) => taken.server.close(() => r()))
    }
  })

  test("an IMAP proxy listen address in use names its listener; SMTP, already listening, is released", async () => {
    const taken = await occupy()
    const smtpPort = await freePort()
    try {
      const listeners = [{ listen: `127.0.0.1:${taken.port}`, upstream: "127.0.0.1:1", protocol: "imap" }]
      const error = await gateway({ smtp: { port: smtpPort }, protocols: { tlsFiltering: false, listeners } }).then(
        (gw) => gw.close().then(() => undefined),
        (e: unknown) => e
      )
      expect(error).toBeInstanceOf(StartupError)
      expect((error as StartupError).message).toBe(
        `protocols.listeners[0].listen: 127.0.0.1:${taken.port} is already in use by another process`
      )
      expect(await bindable(smtpPort)).toBe(true)
    } finally {
      await new Promise<void>((r) => taken.server.close(() => r()))
    }
  })

  test("a weight for a symbol no stage declares: a ConfigError naming antispam.scores, nothing left listening", async () => {
    const smtpPort = await freePort()
    const error = await gateway({ smtp: { port: smtpPort }, antispam: { scores: { NO_SUCH_SYMBOL: 2 } } }).then(
      (gw) => gw.close().then(() => undefined),
      (e: unknown) => e
    )
    expect(error).toBeInstanceOf(ConfigError)
    expect((error as ConfigError).problems).toEqual(["antispam.scores: no stage declares NO_SUCH_SYMBOL"])
    expect(await bindable(smtpPort)).toBe(true)
  })

  test("close() releases the SMTP and admin listeners", async () => {
    const gw = await gateway()
    const ports = [gw.smtp.port, gw.admin!.port]
    for (const p of ports) expect(await bindable(p)).toBe(false)
    await gw.close()
    for (const p of ports) expect(await bindable(p)).toBe(true)
  })
})
