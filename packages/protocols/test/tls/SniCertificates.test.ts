// A listener's per-SNI certificates: an allowed name gets a leaf for exactly that name (verified
// by a client trusting only our CA), anything else the default leaf and never a new mint; the
// debug reports are rationed; a reload's names apply to the next handshake.
import { X509Certificate } from "node:crypto"
import * as net from "node:net"
import type { AddressInfo } from "node:net"
import * as tls from "node:tls"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import {
  initCa,
  type Leaf,
  LeafMinter,
  type LoadedCa,
  loadCa,
  MintGate,
  ServerNames,
  SniCertificates
} from "../../src/tls/index.ts"
import { tempDir } from "./support/openssl.ts"

const tmp = tempDir()
let ca: LoadedCa

beforeAll(async () => {
  await initCa({ certPath: tmp.path("ca.pem"), keyPath: tmp.path("ca.key") })
  ca = await loadCa({ certPath: tmp.path("ca.pem"), keyPath: tmp.path("ca.key") })
})
afterAll(() => tmp.remove())

const DEFAULT_NAMES = ["imap.upstream.test", "127.0.0.1"]

const setup = async (names: ReadonlyArray<string>, more: Partial<SniCertificates.SniCertificatesOptions> = {}) => {
  const minter = await LeafMinter.make(ca)
  const reports: Array<SniCertificates.DefaultReport> = []
  const sni = SniCertificates.make({
    minter,
    gate: MintGate.make(),
    defaultLeaf: await minter.mint(DEFAULT_NAMES),
    serverNames: ServerNames.compile(names),
    onDefault: (r) => reports.push(r),
    ...more
  })
  return { minter, sni, reports }
}

/** Serves TLS on accepted sockets as the mail proxy does (STARTTLS and implicit TLS alike). */
const listen = async (sni: SniCertificates.SniCertificates) => {
  const server = net.createServer((raw) => {
    raw.on("error", () => undefined)
    const socket = new tls.TLSSocket(raw, { isServer: true, ...sni.tlsOptions() })
    socket.on("error", () => undefined)
    socket.once("secure", () => socket.end("* OK hello\r\n"))
  })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((r) => server.close(() => r()))
  }
}

/** The certificate a client trusting only our CA is shown for `servername` ("" sends no SNI). */
const served = (port: number, servername: string): Promise<X509Certificate> =>
  new Promise((resolve, reject) => {
    const socket = tls.connect(
      {
        host: "127.0.0.1",
        port,
        servername,
        ca: ca.certPem,
        // The chain must verify; the name is checked by each test against what it expects.
        checkServerIdentity: () => undefined
      },
      () => {
        const raw = socket.getPeerCertificate().raw
        socket.destroy()
        resolve(new X509Certificate(raw))
      }
    )
    socket.once("error", reject)
    socket.setTimeout(10_000, () => socket.destroy(new Error("client timed out")))
  })

/** Calls the SNI callback directly: the context it answers with, or undefined for the default. */
const ask = (sni: SniCertificates.SniCertificates, servername: string) =>
  new Promise<tls.SecureContext | undefined>((resolve, reject) =>
    sni.tlsOptions().SNICallback(servername, (error, context) => (error ? reject(error) : resolve(context)))
  )

const subjectCn = (cert: X509Certificate) => /CN=([^\n]+)/.exec(cert.subject)?.[1]

describe("SniCertificates over real handshakes", () => {
  it("an allowed name gets a leaf for exactly that name; others and no SNI get the default", async () => {
    const { sni, minter, reports } = await setup(["imap.example.com", "*.customers.example.net"])
    const server = await listen(sni)
    try {
      const exact = await served(server.port, "IMAP.example.com")
      expect(subjectCn(exact)).toBe("imap.example.com")
      expect(exact.subjectAltName).toBe("DNS:imap.example.com")
      expect(exact.checkIssued(new X509Certificate(ca.certPem))).toBe(true)

      const wildcard = await served(server.port, "acme.customers.example.net")
      expect(subjectCn(wildcard)).toBe("acme.customers.example.net")
      expect(wildcard.subjectAltName).toBe("DNS:acme.customers.example.net")

      const mints = minter.stats().mints
      for (const name of ["other.example.com", "a.b.customers.example.net", "customers.example.net", ""]) {
        const cert = await served(server.port, name)
        expect(subjectCn(cert), name).toBe("imap.upstream.test")
        expect(cert.subjectAltName).toBe("DNS:imap.upstream.test, IP Address:127.0.0.1")
      }
      expect(minter.stats().mints).toBe(mints)
      // Asked again: served from the cache, not minted again.
      expect(subjectCn(await served(server.port, "imap.example.com"))).toBe("imap.example.com")
      expect(minter.stats().mints).toBe(mints)
      expect(reports.map((r) => [r.servername, r.reason])).toEqual([
        ["other.example.com", "not-allowed"],
        ["a.b.customers.example.net", "not-allowed"],
        ["customers.example.net", "not-allowed"]
      ])
      expect(sni.stats()).toEqual({ own: 3, defaulted: 3 })
    } finally {
      await server.close()
    }
  })

  it("a reload's names apply to the next handshake; a removed name gets the default again", async () => {
    const { sni } = await setup([])
    const server = await listen(sni)
    try {
      expect(subjectCn(await served(server.port, "vanity.example.org"))).toBe("imap.upstream.test")
      sni.setServerNames(ServerNames.compile(["vanity.example.org"]))
      expect(subjectCn(await served(server.port, "vanity.example.org"))).toBe("vanity.example.org")
      sni.setServerNames(ServerNames.compile([]))
      expect(subjectCn(await served(server.port, "vanity.example.org"))).toBe("imap.upstream.test")
    } finally {
      await server.close()
    }
  })
})

describe("SniCertificates decisions", () => {
  it("IP literals, U-labels and junk get the default and are reported as unusable, never minted", async () => {
    const { sni, minter, reports } = await setup(["*.example.com"])
    const mints = minter.stats().mints
    for (const name of ["192.0.2.1", "bücher.example.com", "*.example.com", "a\u0000.example.com"])
      expect(await ask(sni, name), name).toBeUndefined()
    expect(minter.stats().mints).toBe(mints)
    expect(reports.map((r) => r.reason)).toEqual(["unusable", "unusable", "unusable", "unusable"])
  })

  it("names the default leaf certifies are served it silently", async () => {
    const { sni, reports } = await setup([])
    expect(await ask(sni, "imap.upstream.test")).toBeUndefined()
    expect(reports).toEqual([])
  })

  it("when the gate declines, or minting fails, the client gets the default (busy, mint-failed)", async () => {
    const busy = await setup(["*.example.com"], { gate: MintGate.make({ burst: 1, perSecond: 0.001, maxWaiting: 0 }) })
    expect(await ask(busy.sni, "a.example.com")).toBeDefined()
    expect(await ask(busy.sni, "b.example.com")).toBeUndefined()
    // The name already minted is a cache hit: it needs no turn.
    expect(await ask(busy.sni, "a.example.com")).toBeDefined()
    expect(busy.reports.map((r) => [r.servername, r.reason])).toEqual([["b.example.com", "busy"]])

    const failing = await setup(["*.example.com"])
    const broken: LeafMinter.LeafMinter = {
      ...failing.minter,
      mint: () => Promise.reject(new Error("signing failed"))
    }
    const sni = SniCertificates.make({
      minter: broken,
      gate: MintGate.make(),
      defaultLeaf: failing.sni.defaultLeaf(),
      serverNames: ServerNames.compile(["*.example.com"]),
      onDefault: (r) => failing.reports.push(r)
    })
    expect(await ask(sni, "c.example.com")).toBeUndefined()
    expect(failing.reports.map((r) => r.reason)).toEqual(["mint-failed"])
  })

  it("concurrent handshakes for one new name share one mint and one turn", async () => {
    const gate = MintGate.make()
    const { sni, minter } = await setup(["*.example.com"], { gate })
    const before = minter.stats().mints
    const contexts = await Promise.all(Array.from({ length: 5 }, () => ask(sni, "same.example.com")))
    expect(new Set(contexts).size).toBe(1)
    expect(minter.stats().mints).toBe(before + 1)
    expect(gate.stats().started).toBe(1)
  })

  it("reports a name once per interval, and at most maxReportsPerInterval names, counting the rest", async () => {
    let now = 0
    const { sni, reports } = await setup([], { now: () => now, reportEveryMillis: 1000, maxReportsPerInterval: 3 })
    for (let i = 0; i < 10; i++) await ask(sni, "same.example.org")
    expect(reports).toHaveLength(1)
    for (let i = 0; i < 50; i++) await ask(sni, `scan${i}.example.org`)
    expect(reports.map((r) => r.servername)).toEqual(["same.example.org", "scan0.example.org", "scan1.example.org"])
    now += 1000
    await ask(sni, "same.example.org")
    expect(reports).toHaveLength(4)
    expect(reports[3]).toEqual({ servername: "same.example.org", reason: "not-allowed", suppressed: 48 })
    expect(sni.stats().defaulted).toBe(61)
  })

  it("a renewed default leaf is what new handshakes get", async () => {
    const { sni, minter } = await setup([])
    const renewed: Leaf = await minter.mint(["imap.upstream.test"])
    sni.setDefaultLeaf(renewed)
    const server = await listen(sni)
    try {
      const cert = await served(server.port, "")
      expect(cert.serialNumber.toLowerCase().replace(/^0+/, "")).toBe(renewed.serialHex.replace(/^0+/, ""))
      expect(cert.subjectAltName).toBe("DNS:imap.upstream.test")
    } finally {
      await server.close()
    }
  })
})
