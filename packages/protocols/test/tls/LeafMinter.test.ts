import * as tls from "node:tls"
import type { AddressInfo } from "node:net"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { CaError, initCa, LeafMinter, type LoadedCa, loadCa, serverOptions, sniCallback } from "../../src/tls/index.ts"
import { openssl, requireOpenssl, tempDir } from "./support/openssl.ts"

const tmp = tempDir()
const certPath = tmp.path("ca.pem")
const keyPath = tmp.path("ca.key")
let ca: LoadedCa

beforeAll(async () => {
  requireOpenssl()
  await initCa({ certPath, keyPath })
  ca = await loadCa({ certPath, keyPath })
})
afterAll(() => tmp.remove())

describe("LeafMinter cache", () => {
  it("returns the same leaf for the same (normalised) name and mints concurrent requests once", async () => {
    const minter = await LeafMinter.make(ca)
    const [a, b, c] = await Promise.all([
      minter.mint("imap.example.test"),
      minter.mint("IMAP.example.test"),
      minter.mint("imap.example.test.")
    ])
    expect(b).toBe(a)
    expect(c).toBe(a)
    expect(await minter.mint("imap.example.test")).toBe(a)
    expect(minter.stats()).toEqual({ mints: 1, hits: 3, cached: 1 })
    const other = await minter.mint("pop.example.test")
    expect(other.certPem).not.toBe(a.certPem)
    // One key pair for every leaf (see LeafMinter.ts), different serials.
    expect(other.keyPem).toBe(a.keyPem)
    expect(other.serialHex).not.toBe(a.serialHex)
  })

  it("evicts the least recently used name when full", async () => {
    const minter = await LeafMinter.make(ca, { cacheSize: 2 })
    const a = await minter.mint("a.example.test")
    await minter.mint("b.example.test")
    expect(await minter.mint("a.example.test")).toBe(a) // a is now the most recent
    await minter.mint("c.example.test") // evicts b
    expect(await minter.mint("a.example.test")).toBe(a)
    const mints = minter.stats().mints
    await minter.mint("b.example.test")
    expect(minter.stats().mints).toBe(mints + 1)
    expect(minter.stats().cached).toBe(2)
  })

  it("re-mints a leaf close to expiry and never outlives the CA", async () => {
    let now = Date.now()
    const minter = await LeafMinter.make(ca, { validityDays: 10, renewBeforeMillis: 24 * 3600_000, now: () => now })
    const first = await minter.mint("renew.example.test")
    now += 8 * 24 * 3600_000
    expect(await minter.mint("renew.example.test")).toBe(first)
    now += 1.5 * 24 * 3600_000
    const second = await minter.mint("renew.example.test")
    expect(second).not.toBe(first)
    expect(second.notAfter.getTime()).toBe(now + 10 * 24 * 3600_000)
    now = ca.cert.notAfter.getTime() - 5 * 24 * 3600_000
    const late = await minter.mint("late.example.test")
    expect(late.notAfter.getTime()).toBe(ca.cert.notAfter.getTime())
  })

  it("refuses names that are not host names or IPs", async () => {
    const minter = await LeafMinter.make(ca)
    for (const bad of [
      "*.example.test",
      "a b",
      "",
      "exa\u0000mple.test",
      "bücher.example",
      "-a.example",
      "a..b",
      "x".repeat(64) + ".test"
    ]) {
      await expect(minter.mint(bad)).rejects.toBeInstanceOf(CaError)
    }
    expect(minter.stats().mints).toBe(0)
  })

  it("puts several names in one leaf (fallback for clients without SNI)", async () => {
    const minter = await LeafMinter.make(ca)
    const leaf = await minter.mint(["imap.upstream.test", "127.0.0.1", "[::1]"])
    const path = tmp.path("multi.pem")
    await import("node:fs").then((fs) => fs.writeFileSync(path, leaf.certPem))
    const san = (await openssl(["x509", "-in", path, "-noout", "-ext", "subjectAltName"])).out
    expect(san).toContain("DNS:imap.upstream.test")
    expect(san).toContain("IP Address:127.0.0.1")
    expect(san).toContain("IP Address:0:0:0:0:0:0:0:1")
  })
})

const startServer = async (minter: LeafMinter.LeafMinter, fallbackName: string | ReadonlyArray<string>) => {
  const server = tls.createServer(await serverOptions(minter, { fallbackName }), (socket) => {
    socket.on("error", () => undefined)
    socket.end("* OK [CAPABILITY IMAP4rev1] intercepted\r\n")
  })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  return {
    server,
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((r) => server.close(() => r()))
  }
}

const nodeClient = (port: number, options: tls.ConnectionOptions): Promise<{ subject: string; greeting: string }> =>
  new Promise((resolve, reject) => {
    const socket = tls.connect({ host: "127.0.0.1", port, ca: ca.certPem, ...options }, () => {
      let greeting = ""
      socket.on("data", (d: Buffer) => (greeting += d.toString("latin1")))
      socket.on("end", () => resolve({ subject: socket.getPeerCertificate().subject.CN ?? "", greeting }))
    })
    socket.once("error", reject)
    socket.setTimeout(10_000, () => socket.destroy(new Error("client timed out")))
  })

describe("TLS handshakes against a listener using the minter", () => {
  let minter: LeafMinter.LeafMinter
  let listener: Awaited<ReturnType<typeof startServer>>
  beforeAll(async () => {
    minter = await LeafMinter.make(ca)
    listener = await startServer(minter, ["imap.upstream.test", "127.0.0.1"])
  })
  afterAll(() => listener.close())

  it("openssl s_client with SNI verifies the minted certificate and sees its subject", async () => {
    const r = await openssl(
      [
        "s_client",
        "-connect",
        `127.0.0.1:${listener.port}`,
        "-servername",
        "imap.example.test",
        "-CAfile",
        certPath,
        "-verify_return_error",
        "-verify_hostname",
        "imap.example.test",
        "-ign_eof"
      ],
      ""
    )
    // Exit status is 1 here only because Node closes the TCP stream without close_notify after
    // `end()` ("unexpected eof"); with -verify_return_error a failed verification aborts the
    // handshake before any of the lines below are printed.
    expect(r.out).toContain("Verification: OK")
    expect(r.out).toContain("Verified peername: imap.example.test")
    expect(r.out).not.toMatch(/verify error/i)
    expect(r.out).toMatch(/subject=\/?CN ?= ?imap\.example\.test/)
    expect(r.out).toContain("Verify return code: 0 (ok)")
    expect(r.out).toContain("* OK [CAPABILITY IMAP4rev1] intercepted")
  })

  it("openssl s_client fails without our CA (nothing is trusted by accident)", async () => {
    const r = await openssl(
      [
        "s_client",
        "-connect",
        `127.0.0.1:${listener.port}`,
        "-servername",
        "imap.example.test",
        "-CAfile",
        tmp.path("multi.pem"),
        "-verify_return_error"
      ],
      ""
    )
    expect(r.code).not.toBe(0)
  })

  it("a Node client with ca=CA and servername verifies (hostname checked)", async () => {
    const got = await nodeClient(listener.port, { servername: "mail.example.test" })
    expect(got.subject).toBe("mail.example.test")
    expect(got.greeting).toContain("intercepted")
    // The same connection asking for a name the leaf does not carry is refused by the client.
    await expect(
      nodeClient(listener.port, {
        servername: "mail.example.test",
        checkServerIdentity: (_h, cert) => tls.checkServerIdentity("other.example.test", cert)
      })
    ).rejects.toThrow()
  })

  it("a client without SNI (connecting to an IP) gets the fallback leaf", async () => {
    const got = await nodeClient(listener.port, { servername: "" })
    expect(got.subject).toBe("imap.upstream.test")
  })

  it("an unusable SNI value gets the fallback leaf, never a certificate for it", async () => {
    const before = minter.stats().mints
    const context = await new Promise<tls.SecureContext | undefined>((resolve, reject) =>
      sniCallback(minter, { fallbackName: ["imap.upstream.test", "127.0.0.1"] })("*.example.test", (e, ctx) =>
        e ? reject(e) : resolve(ctx)
      )
    )
    expect(context).toBeDefined()
    expect(minter.stats().mints).toBe(before)
  })

  it("refuses TLS 1.1 (RFC 8996)", async () => {
    await expect(
      nodeClient(listener.port, { servername: "imap.example.test", minVersion: "TLSv1", maxVersion: "TLSv1.1" })
    ).rejects.toThrow()
  })
})
