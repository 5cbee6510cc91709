// Certificate rotation without a restart, seen by a real client (openssl s_client): a reload
// (POST /api/reload, what SIGHUP runs) after the files were renewed in place serves the new
// certificate to new handshakes, on SMTP STARTTLS and on an IMAPS proxy listener (a new
// interception CA, Dovecot upstream); a session in TLS before the reload finishes under the old
// one; a key that does not belong to its certificate, or an expired certificate, refuses the
// reload (422, the key and the file named, an error line) and the old certificate is still served.
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { GatewayConfig } from "@mailmoat/antispam"
import { Interception } from "@mailmoat/protocols"
import { ConfigFile } from "@mailmoat/platform-node"
import { afterAll, beforeAll, describe, expect, test } from "vitest"
import { type Dovecot, startDovecot } from "../../../packages/protocols/test/proxy/support/dovecot.ts"
import { makeMessage } from "../../../packages/protocols/test/proxy/support/tools.ts"
import {
  type CertFiles,
  makeServerCert,
  SClient,
  sendAndQuit,
  servedCertificate,
  shownCertificate,
  smtpSessionInTls
} from "../../../packages/protocols/test/smtp/support/sclient.ts"
import { type RunningGateway, startGateway } from "../src/index.ts"
import { api, TOKEN } from "./support/admin.ts"
import { gateway, tempDir } from "./support/peers.ts"

/** A gateway with only its SMTP listener (and the lines given): the spam checks off. */
const smtpOnlyYaml = (dir: string, tls: string, ...more: ReadonlyArray<string>) =>
  [
    `dataDir: ${dir}/data`,
    "smtp:",
    "  host: 127.0.0.1",
    "  port: 0",
    "  hostname: gw.test",
    tls,
    ...more,
    "antispam: { enabled: false }",
    "classifier: { enabled: false }",
    ""
  ].join("\n")

const errorLines = (logs: ReadonlyArray<string>) => logs.filter((l) => / error reload_refused /.test(l))

describe("smtp.tls: a reload puts renewed certificate files in force", () => {
  const dir = tempDir("mailmoat-tlsreload-")
  const live = join(dir, "live")
  const file = join(dir, "mailmoat.yaml")
  const logs: Array<string> = []
  let gw: RunningGateway
  let a: CertFiles
  let b: CertFiles
  let c: CertFiles
  let expired: CertFiles

  const writeConfig = (tls: string) =>
    writeFileSync(file, smtpOnlyYaml(dir, tls, `admin: { host: 127.0.0.1, port: 0, token: ${TOKEN} }`))
  const LIVE = "  tls: { certFile: live/cert.pem, keyFile: live/key.pem }"
  // As certbot's renewal does: the same paths, new contents.
  const renew = (cert: CertFiles, key: CertFiles = cert) => {
    copyFileSync(cert.certFile, join(live, "cert.pem"))
    copyFileSync(key.keyFile, join(live, "key.pem"))
  }
  const served = async () =>
    (await servedCertificate(gw.smtp.port, { starttls: "smtp", input: "QUIT\r\n" })).cert.serialNumber

  beforeAll(async () => {
    const certs = join(dir, "certs")
    a = makeServerCert(certs, "mx-a.test", { serial: 0xa1 })
    b = makeServerCert(certs, "mx-b.test", { serial: 0xb2 })
    c = makeServerCert(certs, "mx-c.test", { serial: 0xc3 })
    expired = makeServerCert(certs, "mx-old.test", { serial: 0xd4, expired: true })
    mkdirSync(live)
    renew(a)
    writeConfig(LIVE)
    const load = () => ConfigFile.load(GatewayConfig.codec, { file })
    const first = load()
    if (!first.ok) throw new Error(first.problems.join("\n"))
    gw = await startGateway(first.config, {
      base: dir,
      log: (l) => logs.push(l),
      reloadConfig: load,
      shutdownTimeoutMs: 5000
    })
  }, 60_000)
  afterAll(async () => {
    await gw?.close()
    rmSync(dir, { recursive: true, force: true })
  })

  test("new STARTTLS handshakes get the renewed certificate; a session in TLS finishes under the old one", async () => {
    expect(await served()).toBe("A1")
    const inFlight = await smtpSessionInTls(gw.smtp.port)
    try {
      renew(b)
      const r = await api(gw, "POST", "/api/reload")
      expect(r.json).toEqual({ ok: true, restartNeeded: [] })
      expect(await served()).toBe("B2")
      expect(logs.join("\n")).toMatch(/ info tls_certificate_reloaded listener="smtp" .*serial="B2"/)

      const sent = await sendAndQuit(
        inFlight,
        { from: "s@a.test", to: "u@example.test" },
        "Subject: across a rotation\r\n\r\nbody"
      )
      expect(sent).toMatch(/^250 /)
    } finally {
      await inFlight.close()
    }
    expect(shownCertificate(inFlight.output).serialNumber).toBe("A1")
  })

  test("a key that is not the certificate's, or an expired certificate, refuses the reload; the old one is still served", async () => {
    renew(c, a)
    let r = await api(gw, "POST", "/api/reload")
    expect(r.status).toBe(422)
    expect((r.json.problems as Array<string>)[0]).toMatch(
      /^smtp\.tls\.keyFile: live\/key\.pem does not belong to the certificate live\/cert\.pem/
    )
    expect(await served()).toBe("B2")

    renew(expired)
    r = await api(gw, "POST", "/api/reload")
    expect(r.status).toBe(422)
    expect((r.json.problems as Array<string>)[0]).toMatch(
      /^smtp\.tls\.certFile: live\/cert\.pem expired: valid from 2020-01-01T00:00:00\.000Z to 2020-01-02T00:00:00\.000Z/
    )
    expect(await served()).toBe("B2")
    const refused = errorLines(logs)
    expect(refused).toHaveLength(2)
    expect(refused[1]).toContain("the certificate in use stays in force")
  })

  test("other paths count too; removing smtp.tls needs a restart and the certificate stays", async () => {
    writeConfig(`  tls: { certFile: ${c.certFile}, keyFile: ${c.keyFile} }`)
    expect((await api(gw, "POST", "/api/reload")).json).toEqual({ ok: true, restartNeeded: [] })
    expect(await served()).toBe("C3")

    writeConfig("")
    expect((await api(gw, "POST", "/api/reload")).json).toEqual({ ok: true, restartNeeded: ["smtp.tls"] })
    expect(await served()).toBe("C3")
  })
})

describe("protocols.ca: a reload puts a new interception CA in force on an IMAPS proxy listener", () => {
  let dovecot: Dovecot
  let gw: RunningGateway
  const caDir = tempDir("mailmoat-tlsreload-ca-")
  const caCert = join(caDir, "ca.pem")
  const caKey = join(caDir, "ca.key")
  const logs: Array<string> = []
  let config: Record<string, unknown>

  beforeAll(async () => {
    ;[dovecot] = await Promise.all([
      startDovecot([makeMessage(1)]),
      Interception.initCa({ certPath: caCert, keyPath: caKey, commonName: "Rotation CA one" })
    ])
    config = {
      antispam: { enabled: false },
      classifier: { enabled: false },
      admin: { token: TOKEN },
      protocols: {
        tlsPorts: String(dovecot.ports.imaps),
        listeners: [{ listen: "127.0.0.1:0", upstream: `127.0.0.1:${dovecot.ports.imaps}`, protocol: "imap" }],
        ca: { cert: caCert, key: caKey },
        upstreamCa: dovecot.pki.caFile
      }
    }
    gw = await gateway(config, { log: (l) => logs.push(l), reloadConfig: () => GatewayConfig.decode(current()) })
  }, 90_000)
  afterAll(async () => {
    await gw?.close()
    await dovecot?.stop()
    rmSync(caDir, { recursive: true, force: true })
  })

  // A reload compares with what the gateway started with: the same sections, as the helper fills them.
  const current = () => ({
    ...config,
    dataDir: gw.settings.dataDir,
    smtp: { host: "127.0.0.1", port: 0, hostname: "gw.test" },
    admin: { host: "127.0.0.1", port: 0, token: TOKEN }
  })
  const port = () => gw.proxies[0]!.listen.port
  // Trusting the CA file as it is now only: the handshake aborts on a chain that does not verify.
  const verified = () => ["-CAfile", caCert, "-verify_return_error"]
  const issuer = async () => {
    const { cert, output } = await servedCertificate(port(), { extra: verified(), input: "a LOGOUT\r\n" })
    expect(output).toContain("Verify return code: 0 (ok)")
    return /CN=([^\n]+)/.exec(cert.issuer)?.[1]
  }

  test("new handshakes get leaves of the new CA; a session open before the reload goes on under the old leaf", async () => {
    expect(await issuer()).toBe("Rotation CA one")
    const inFlight = SClient.start(port(), { extra: verified() })
    try {
      await inFlight.waitFor(/^\* OK/m)

      await Interception.initCa({ certPath: caCert, keyPath: caKey, commonName: "Rotation CA two", force: true })
      expect((await api(gw, "POST", "/api/reload")).json).toEqual({ ok: true, restartNeeded: [] })
      expect(await issuer()).toBe("Rotation CA two")
      expect(logs.join("\n")).toMatch(/ info tls_certificate_reloaded listener="proxies" .*Rotation CA two/)

      const mark = inFlight.output.length
      inFlight.write("a CAPABILITY\r\nb LOGOUT\r\n")
      await inFlight.waitFor(/^b OK/m, mark)
    } finally {
      await inFlight.close()
    }
    expect(/CN=([^\n]+)/.exec(shownCertificate(inFlight.output).issuer)?.[1]).toBe("Rotation CA one")
  })

  test("a CA key that is not the certificate's refuses the reload; the current CA's leaves are still served", async () => {
    const otherDir = tempDir("mailmoat-tlsreload-other-")
    const keyBefore = readFileSync(caKey)
    const before = await issuer()
    try {
      await Interception.initCa({ certPath: join(otherDir, "ca.pem"), keyPath: join(otherDir, "ca.key") })
      writeFileSync(caKey, readFileSync(join(otherDir, "ca.key")), { mode: 0o600 })
      const r = await api(gw, "POST", "/api/reload")
      expect(r.status).toBe(422)
      expect((r.json.problems as Array<string>)[0]).toMatch(
        /^protocols\.ca: .*ca\.key.*does not belong|^protocols\.ca: .*ca\.key.*matching/
      )
      expect(errorLines(logs).at(-1)).toContain("the certificate in use stays in force")
      expect(await issuer()).toBe(before)
    } finally {
      writeFileSync(caKey, keyBefore, { mode: 0o600 })
      rmSync(otherDir, { recursive: true, force: true })
    }
  })

  test("upstreamCa: new connections verify the real server with the reloaded trust; a file that is no certificate is refused", async () => {
    const otherDir = tempDir("mailmoat-tlsreload-trust-")
    const protocols = config.protocols as Record<string, unknown>
    const before = await issuer()
    try {
      const notPem = join(otherDir, "junk.pem")
      writeFileSync(notPem, "not a certificate\n")
      config = { ...config, protocols: { ...protocols, upstreamCa: notPem } }
      const r = await api(gw, "POST", "/api/reload")
      expect(r.status).toBe(422)
      expect((r.json.problems as Array<string>)[0]).toMatch(
        /^protocols\.upstreamCa: .*junk\.pem is not a PEM certificate bundle/
      )
      expect(await issuer()).toBe(before)

      // A CA that did not sign Dovecot's certificate: the proxy must now refuse the upstream.
      await Interception.initCa({ certPath: join(otherDir, "ca.pem"), keyPath: join(otherDir, "ca.key") })
      config = { ...config, protocols: { ...protocols, upstreamCa: join(otherDir, "ca.pem") } }
      expect((await api(gw, "POST", "/api/reload")).json).toEqual({ ok: true, restartNeeded: [] })
      const refused = await servedCertificate(port(), { extra: verified(), input: "a LOGOUT\r\n" }).catch(
        (e: Error) => ({ output: e.message })
      )
      expect(refused.output).not.toMatch(/^\* OK/m)
      expect(logs.join("\n")).toMatch(/event=upstream_failed error=\\"unable to verify the first certificate/)
      expect(logs.join("\n")).toMatch(/ info proxy_upstream_ca_reloaded /)

      config = { ...config, protocols }
      expect((await api(gw, "POST", "/api/reload")).json).toEqual({ ok: true, restartNeeded: [] })
      expect(await issuer()).toBe(before)
    } finally {
      config = { ...config, protocols }
      rmSync(otherDir, { recursive: true, force: true })
    }
  })
})

describe("smtp.tls: a start with an expired certificate", () => {
  test("starts, serves it and says so at error (an MX that stays down loses more mail than one with an expired certificate)", async () => {
    const dir = tempDir("mailmoat-tlsexpired-")
    const old = makeServerCert(join(dir, "certs"), "mx-expired.test", { serial: 0xe5, expired: true })
    const file = join(dir, "mailmoat.yaml")
    writeFileSync(file, smtpOnlyYaml(dir, `  tls: { certFile: ${old.certFile}, keyFile: ${old.keyFile} }`))
    const loaded = ConfigFile.load(GatewayConfig.codec, { file })
    if (!loaded.ok) throw new Error(loaded.problems.join("\n"))
    const logs: Array<string> = []
    const gw = await startGateway(loaded.config, { base: dir, log: (l) => logs.push(l), shutdownTimeoutMs: 5000 })
    try {
      const shown = await servedCertificate(gw.smtp.port, { starttls: "smtp", input: "QUIT\r\n" })
      expect(shown.cert.serialNumber).toBe("E5")
      expect(logs.join("\n")).toMatch(
        / error tls_certificate_dates listener="smtp" .*expired: valid from 2020-01-01T00:00:00\.000Z/
      )
    } finally {
      await gw.close()
      rmSync(dir, { recursive: true, force: true })
    }
  }, 60_000)
})
