// AUTH brute force across connections: failures are counted per client address and per user
// name, replies to failures are delayed more and more, and a lockout refuses even the right
// password (454 4.7.0) until it expires (a short window here).
import { rmSync } from "node:fs"
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from "vitest"
import { AuthLimiter, type SmtpHandler, MemoryAuthFailureStore } from "../../src/smtp/index.ts"
import { makeCert, recorder } from "./support/peers.ts"
import { cmd, greeted, withServer } from "./support/server.ts"

const cert = makeCert()
afterAll(() => rmSync(cert.dir, { recursive: true, force: true }))

const accounts: Record<string, string> = { user: "secret", victim: "right" }
const handler: SmtpHandler = {
  ...recorder().handler,
  onAuth: async (_s, r) => ({ ok: accounts[r.username] === r.password })
}
const limits = { maxFailures: 3, windowMs: 60_000, lockoutMs: 1500, baseDelayMs: 20, maxDelayMs: 100 }
const plain = (user: string, password: string) =>
  `AUTH PLAIN ${Buffer.from(`\0${user}\0${password}`).toString("base64")}`

/** One new connection from `from`, upgraded to TLS, one AUTH attempt; returns the reply. */
const attempt = async (port: number, from: string, user: string, password: string): Promise<string> => {
  const c = await greeted(port, from)
  try {
    await cmd(c, "EHLO c")
    expect(await cmd(c, "STARTTLS")).toMatch(/^220 /)
    await c.startTls()
    await cmd(c, "EHLO c")
    return await cmd(c, plain(user, password))
  } finally {
    c.close()
  }
}

describe("AUTH failure limiting across connections", () => {
  // The lockout's clock is the test's: a TLS session per attempt took longer than the 1.5 s
  // lockout at load 80, which ended before the attempt it had to refuse (235, 535). The sockets,
  // the TLS handshakes and the reply delays run in real time.
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ["Date"] })
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it("locks a client address out after repeated failures, then lets the right password in once the lockout expired", async () => {
    await withServer({ tls: cert, authLimit: limits }, handler, async (server) => {
      const port = server.address.port
      for (let i = 0; i < 3; i++) expect(await attempt(port, "127.0.0.1", `guess${i}`, "nope")).toMatch(/^535 5\.7\.8/)
      expect(await attempt(port, "127.0.0.1", "user", "secret")).toMatch(/^454 4\.7\.0/)
      // Another address is not affected.
      expect(await attempt(port, "127.0.0.2", "user", "secret")).toMatch(/^235 /)
      vi.setSystemTime(Date.now() + limits.lockoutMs - 1)
      expect(await attempt(port, "127.0.0.1", "user", "secret")).toMatch(/^454 4\.7\.0/)
      vi.setSystemTime(Date.now() + 1)
      expect(await attempt(port, "127.0.0.1", "user", "secret")).toMatch(/^235 /)
    })
  }, 60_000)

  it("locks a user name out when guesses come from many addresses", async () => {
    await withServer({ tls: cert, authLimit: limits }, handler, async (server) => {
      const port = server.address.port
      for (let i = 0; i < 3; i++)
        expect(await attempt(port, `127.0.3.${i + 1}`, "victim", `guess${i}`)).toMatch(/^535 5\.7\.8/)
      expect(await attempt(port, "127.0.4.1", "VICTIM", "right")).toMatch(/^454 4\.7\.0/)
      expect(await attempt(port, "127.0.4.1", "user", "secret")).toMatch(/^235 /)
    })
  }, 60_000)
})

describe("AuthLimiter", () => {
  it("doubles the delay per failure up to the maximum; success clears the user, not the address", async () => {
    const store = new MemoryAuthFailureStore()
    const limiter = new AuthLimiter({
      store,
      maxFailures: 10,
      windowMs: 1000,
      lockoutMs: 1000,
      baseDelayMs: 100,
      maxDelayMs: 700
    })
    const delays = []
    for (let i = 0; i < 5; i++) delays.push(await limiter.failed("192.0.2.1", "u", 0))
    expect(delays).toEqual([100, 200, 400, 700, 700])
    await limiter.succeeded("u")
    expect(await limiter.failed("192.0.2.9", "u", 0)).toBe(100)
    expect(await limiter.failed("192.0.2.1", "other", 0)).toBe(700)
    // The window restarts the count.
    expect(await limiter.failed("192.0.2.1", "other", 5000)).toBe(100)
  })

  it("locks at maxFailures for lockoutMs; a store that fails lets attempts through", async () => {
    const store = new MemoryAuthFailureStore()
    const limiter = new AuthLimiter({
      store,
      maxFailures: 2,
      windowMs: 10_000,
      lockoutMs: 1000,
      baseDelayMs: 1,
      maxDelayMs: 1
    })
    await limiter.failed("192.0.2.1", "u", 0)
    expect(await limiter.locked("192.0.2.1", "x", 10)).toBe(false)
    await limiter.failed("192.0.2.1", "v", 10)
    expect(await limiter.locked("192.0.2.1", "x", 20)).toBe(true)
    expect(await limiter.locked("192.0.2.1", "x", 1011)).toBe(false)
    const errors: Array<unknown> = []
    const broken = new AuthLimiter({
      store: {
        addFailure: () => Promise.reject(new Error("down")),
        lock: () => Promise.reject(new Error("down")),
        lockedUntil: () => Promise.reject(new Error("down")),
        clear: () => Promise.reject(new Error("down"))
      },
      maxFailures: 1,
      windowMs: 1,
      lockoutMs: 1,
      baseDelayMs: 5,
      maxDelayMs: 5,
      onStoreError: (e) => errors.push(e)
    })
    expect(await broken.locked("192.0.2.1", "u")).toBe(false)
    expect(await broken.failed("192.0.2.1", "u")).toBe(5)
    expect(errors).toHaveLength(2)
  })

  it("the memory store stays within maxKeys", async () => {
    const store = new MemoryAuthFailureStore(100)
    for (let i = 0; i < 1000; i++) await store.addFailure(`ip:${i}`, 0, 60_000)
    expect(store.size).toBe(100)
  })
})
