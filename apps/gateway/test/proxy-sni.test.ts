// Per-SNI certificates on the gateway's IMAP/POP3 proxies, seen by a real client: openssl
// s_client (trusting only our CA, -verify_return_error) through the gateway to a real Dovecot,
// over implicit TLS (IMAPS), STARTTLS (IMAP) and STLS (POP3). An allowed name gets a certificate
// for exactly that name; other names and no SNI get the listener's default certificate; a
// reload adds and removes names without a restart, and a bad name is refused by the reload.
import { X509Certificate } from "node:crypto"
import { rmSync } from "node:fs"
import { join } from "node:path"
import { GatewayConfig } from "@mailmoat/antispam"
import { Interception } from "@mailmoat/protocols"
import { afterAll, beforeAll, describe, expect, test } from "vitest"
import { type Dovecot, startDovecot } from "../../../packages/protocols/test/proxy/support/dovecot.ts"
import { makeMessage, run } from "../../../packages/protocols/test/proxy/support/tools.ts"
import type { RunningGateway } from "../src/index.ts"
import { api, TOKEN } from "./support/admin.ts"
import { gateway, tempDir } from "./support/peers.ts"

type Leg = "imaps" | "imap" | "pop3"

const ALLOWED = ["imap.example.com", "*.customers.example.net"]

describe("gateway proxies: a certificate per allowed SNI name (openssl s_client, Dovecot upstream)", () => {
  let dovecot: Dovecot
  let caDir: string
  let caCert: string
  let gw: RunningGateway
  let next: Record<string, unknown>
  const logs: Array<string> = []

  const listenersWith = (serverNames: ReadonlyArray<string>) => [
    { listen: "127.0.0.1:0", upstream: `127.0.0.1:${dovecot.ports.imaps}`, protocol: "imap", serverNames },
    { listen: "127.0.0.1:0", upstream: `127.0.0.1:${dovecot.ports.imap}`, protocol: "imap", serverNames },
    { listen: "127.0.0.1:0", upstream: `127.0.0.1:${dovecot.ports.pop3}`, protocol: "pop3", serverNames }
  ]
  const dataDir = tempDir()
  // A reload compares with what the gateway started with, so every section is given each time.
  const configWith = (serverNames: ReadonlyArray<string>) => ({
    dataDir,
    smtp: { host: "127.0.0.1", port: 0, hostname: "gw.test" },
    admin: { host: "127.0.0.1", port: 0, token: TOKEN },
    antispam: { enabled: false },
    classifier: { enabled: false },
    log: { level: "debug" },
    protocols: {
      tlsPorts: `${dovecot.ports.imaps}, ${dovecot.ports.pop3s}`,
      listeners: listenersWith(serverNames),
      ca: { cert: caCert, key: join(caDir, "ca.key") },
      upstreamCa: dovecot.pki.caFile
    }
  })

  beforeAll(async () => {
    caDir = tempDir("mailmoat-sni-ca-")
    caCert = join(caDir, "ca.pem")
    ;[dovecot] = await Promise.all([
      startDovecot([makeMessage(1)]),
      Interception.initCa({ certPath: caCert, keyPath: join(caDir, "ca.key") })
    ])
    next = configWith(ALLOWED)
    gw = await gateway(next, { log: (l) => logs.push(l), reloadConfig: () => GatewayConfig.decode(next) })
  }, 90_000)
  afterAll(async () => {
    await gw?.close()
    await dovecot?.stop()
    rmSync(caDir, { recursive: true, force: true })
  })

  const portOf = (leg: Leg) => {
    const upstream = { imaps: dovecot.ports.imaps, imap: dovecot.ports.imap, pop3: dovecot.ports.pop3 }[leg]
    return gw.proxies.find((p) => p.upstream === `127.0.0.1:${upstream}`)!.listen.port
  }

  /**
   * What openssl s_client is shown on `leg` when it asks for `servername` (undefined: no SNI),
   * trusting our CA only: the handshake aborts on a chain that does not verify.
   */
  const handshake = async (leg: Leg, servername: string | undefined) => {
    const r = await run(
      "openssl",
      [
        "s_client",
        "-connect",
        `127.0.0.1:${portOf(leg)}`,
        ...(leg === "imaps" ? [] : ["-starttls", leg]),
        ...(servername === undefined ? ["-noservername"] : ["-servername", servername]),
        "-CAfile",
        caCert,
        "-verify_return_error",
        // Reads on after its input ends, until the server closes (LOGOUT, QUIT).
        "-ign_eof"
      ],
      { input: leg === "pop3" ? "QUIT\r\n" : "a LOGOUT\r\n", timeoutMs: 20_000 }
    )
    const out = r.stdout.toString("latin1") + r.stderr
    const pem = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(out)?.[0]
    expect(pem, out).toBeDefined()
    expect(out).toContain("Verify return code: 0 (ok)")
    // The session went on through the proxy to Dovecot after the handshake.
    expect(out).toMatch(leg === "pop3" ? /^\+OK/m : /^\* BYE/m)
    const cert = new X509Certificate(pem!)
    return { cn: /CN=([^\n]+)/.exec(cert.subject)?.[1], san: cert.subjectAltName }
  }

  const DEFAULT = { cn: "127.0.0.1", san: "IP Address:127.0.0.1, DNS:localhost" }

  for (const leg of ["imaps", "imap", "pop3"] as const) {
    test(`${leg}: an allowed name gets its own certificate; other names and no SNI get the default`, async () => {
      expect(await handshake(leg, "imap.example.com")).toEqual({ cn: "imap.example.com", san: "DNS:imap.example.com" })
      expect(await handshake(leg, "Acme.Customers.Example.NET")).toEqual({
        cn: "acme.customers.example.net",
        san: "DNS:acme.customers.example.net"
      })
      for (const other of ["mail.example.org", "customers.example.net", "a.b.customers.example.net", undefined])
        expect(await handshake(leg, other), String(other)).toEqual(DEFAULT)
    })
  }

  test("a name served the default is logged at debug once (a client retrying adds no line)", async () => {
    await handshake("imaps", "retry.example.org")
    await handshake("imaps", "retry.example.org")
    const lines = logs.filter((l) => l.includes("sni_default_certificate") && l.includes("retry.example.org"))
    expect(lines).toHaveLength(1)
    expect(lines[0]).toMatch(/^\S+ debug sni_default_certificate .*reason="not-allowed"/)
  })

  test("a reload adds and removes names without a restart; a bad name refuses the reload", async () => {
    const reload = async (serverNames: ReadonlyArray<string>) => {
      next = configWith(serverNames)
      return (await api(gw, "POST", "/api/reload")).json
    }
    expect(await handshake("imaps", "vanity.example.org")).toEqual(DEFAULT)
    expect(await reload([...ALLOWED, "vanity.example.org"])).toEqual({ ok: true, restartNeeded: [] })
    for (const leg of ["imaps", "imap", "pop3"] as const)
      expect(await handshake(leg, "vanity.example.org")).toEqual({
        cn: "vanity.example.org",
        san: "DNS:vanity.example.org"
      })
    expect(logs.filter((l) => l.includes("proxy_server_names"))).toHaveLength(3)

    const refused = (await reload(["vanity.example.org", "*.org"])) as { ok: boolean; problems: Array<string> }
    expect(refused.ok).toBe(false)
    expect(refused.problems).toEqual([
      'protocols.listeners[0].serverNames[1]: expected a wildcard over at least two labels (*.example.com), never a whole top-level domain, got "*.org"',
      'protocols.listeners[1].serverNames[1]: expected a wildcard over at least two labels (*.example.com), never a whole top-level domain, got "*.org"',
      'protocols.listeners[2].serverNames[1]: expected a wildcard over at least two labels (*.example.com), never a whole top-level domain, got "*.org"'
    ])
    expect(await handshake("imaps", "vanity.example.org")).toEqual({
      cn: "vanity.example.org",
      san: "DNS:vanity.example.org"
    })

    expect(await reload(ALLOWED)).toEqual({ ok: true, restartNeeded: [] })
    expect(await handshake("imap", "vanity.example.org")).toEqual(DEFAULT)
    expect(await handshake("imap", "imap.example.com")).toEqual({ cn: "imap.example.com", san: "DNS:imap.example.com" })
  })

  test("a reload changes the mint rates (protocols.mint) in place; a bad value refuses it", async () => {
    const base = configWith(ALLOWED)
    const mintGate = async () =>
      ((await api(gw, "GET", "/status")).json as { modules: { protocols: { mintGate: Record<string, number> } } })
        .modules.protocols.mintGate
    expect(await mintGate()).toMatchObject({ perSecond: 20, burst: 20, concurrency: 2, maxWaiting: 100 })
    next = { ...base, protocols: { ...base.protocols, mint: { perSecond: 5, maxWaiting: 10 } } }
    expect((await api(gw, "POST", "/api/reload")).json).toEqual({ ok: true, restartNeeded: [] })
    expect(await mintGate()).toMatchObject({ perSecond: 5, burst: 20, concurrency: 2, maxWaiting: 10 })
    expect(logs.filter((l) => l.includes("proxy_mint_rates"))).toHaveLength(1)
    expect(logs.find((l) => l.includes("proxy_mint_rates"))).toMatch(/perSecond=5 burst=20 concurrency=2 maxWaiting=10/)
    next = { ...base, protocols: { ...base.protocols, mint: { concurrency: 0, perSecond: 0 } } }
    const refused = (await api(gw, "POST", "/api/reload")).json as { ok: boolean; problems: Array<string> }
    expect(refused.problems).toEqual([
      "protocols.mint.perSecond: expected a number from 0.1 to 1000, got 0",
      "protocols.mint.concurrency: expected an integer from 1 to 64, got 0"
    ])
    expect(await mintGate()).toMatchObject({ perSecond: 5, maxWaiting: 10 })
    next = base
    expect((await api(gw, "POST", "/api/reload")).json).toEqual({ ok: true, restartNeeded: [] })
    expect(await mintGate()).toMatchObject({ perSecond: 20, maxWaiting: 100 })
  })

  test("changing anything else about a listener still needs a restart, and says so", async () => {
    next = { ...configWith(ALLOWED), protocols: { ...configWith(ALLOWED).protocols, onSpam: "none" } }
    expect((await api(gw, "POST", "/api/reload")).json).toEqual({ ok: true, restartNeeded: ["protocols"] })
  })
})
