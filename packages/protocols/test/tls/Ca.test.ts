import { readFileSync, readdirSync, statSync, writeFileSync, chmodSync } from "node:fs"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { CaError, initCa, LeafMinter, loadCa, showCa, trustInstructions } from "../../src/tls/index.ts"
import { openssl, requireOpenssl, tempDir } from "./support/openssl.ts"

const tmp = tempDir()
afterAll(() => tmp.remove())
beforeAll(() => requireOpenssl())

const reasonOf = async (p: Promise<unknown>): Promise<string> => {
  try {
    await p
  } catch (e) {
    expect(e).toBeInstanceOf(CaError)
    return (e as CaError).reason
  }
  throw new Error("expected a CaError")
}

describe.each(["ecdsa-p256", "rsa-2048"] as const)("initCa (%s)", (keyType) => {
  const certPath = tmp.path(`${keyType}/pub/ca.pem`)
  const keyPath = tmp.path(`${keyType}/private/ca.key`)

  it("writes a CA openssl reads as CA:TRUE, key 0600 in a new 0700 dir, cert 0644", async () => {
    const made = await initCa({ certPath, keyPath, keyType, commonName: "Test Interception CA" })
    expect(statSync(keyPath).mode & 0o777).toBe(0o600)
    expect(statSync(tmp.path(`${keyType}/private`)).mode & 0o777).toBe(0o700)
    expect(statSync(certPath).mode & 0o777).toBe(0o644)
    const text = await openssl(["x509", "-in", certPath, "-noout", "-text"])
    expect(text.code).toBe(0)
    expect(text.out).toMatch(/X509v3 Basic Constraints: critical\s+CA:TRUE, pathlen:0/)
    expect(text.out).toMatch(/X509v3 Key Usage: critical\s+Certificate Sign, CRL Sign/)
    expect(text.out).toContain("X509v3 Subject Key Identifier")
    expect(text.out).toContain("Subject: CN = Test Interception CA, O = Mailmoat")
    expect(text.out).toContain(keyType === "rsa-2048" ? "Public-Key: (2048 bit)" : "ASN1 OID: prime256v1")
    // A self-signed CA verifies against itself.
    expect((await openssl(["verify", "-CAfile", certPath, certPath])).out).toContain(": OK")
    // The key file is a PKCS#8 key openssl accepts and matches the certificate.
    const pubFromKey = await openssl(["pkey", "-in", keyPath, "-pubout"])
    const pubFromCert = await openssl(["x509", "-in", certPath, "-noout", "-pubkey"])
    expect(pubFromKey.out).toBe(pubFromCert.out)
    const years = (made.notAfter.getTime() - made.notBefore.getTime()) / (365.25 * 24 * 3600_000)
    expect(years).toBeGreaterThan(9.9)
    expect(years).toBeLessThan(10.1)
  })

  it("showCa's fingerprint equals openssl's SHA-256 fingerprint", async () => {
    const shown = await showCa({ certPath })
    const fp = await openssl(["x509", "-in", certPath, "-noout", "-fingerprint", "-sha256"])
    expect(fp.out.trim()).toMatch(/^sha256 Fingerprint=/i)
    expect(shown.fingerprintSha256).toBe(fp.out.trim().split("=")[1])
    expect(shown.subject).toBe("CN=Test Interception CA, O=Mailmoat")
    expect(shown.isCa).toBe(true)
    expect(shown.keyKind).toBe(keyType === "rsa-2048" ? "rsa" : "ecdsa-p256")
  })

  it("refuses to overwrite without force and leaves the files untouched; force replaces both", async () => {
    const cert = readFileSync(certPath, "utf8")
    const key = readFileSync(keyPath, "utf8")
    expect(await reasonOf(initCa({ certPath, keyPath, keyType }))).toBe("Exists")
    // Either file alone is enough to refuse.
    expect(await reasonOf(initCa({ certPath, keyPath: tmp.path(`${keyType}/other.key`), keyType }))).toBe("Exists")
    expect(readFileSync(certPath, "utf8")).toBe(cert)
    expect(readFileSync(keyPath, "utf8")).toBe(key)
    const again = await initCa({ certPath, keyPath, keyType, force: true, commonName: "Test Interception CA" })
    expect(readFileSync(keyPath, "utf8")).not.toBe(key)
    expect(statSync(keyPath).mode & 0o777).toBe(0o600)
    expect(again.fingerprintSha256).toBe((await showCa({ certPath })).fingerprintSha256)
    await loadCa({ certPath, keyPath })
  })

  it("mints leaves that `openssl verify` accepts for the right name and purpose", async () => {
    const minter = await LeafMinter.make(await loadCa({ certPath, keyPath }))
    const leaf = await minter.mint("IMAP.Example.Test.")
    expect(leaf.names).toEqual(["imap.example.test"])
    const leafPath = tmp.path(`${keyType}/leaf.pem`)
    writeFileSync(leafPath, leaf.certPem)
    const ok = await openssl([
      "verify",
      "-CAfile",
      certPath,
      "-purpose",
      "sslserver",
      "-verify_hostname",
      "imap.example.test",
      leafPath
    ])
    expect(ok.out).toContain(": OK")
    expect(ok.code).toBe(0)
    const wrong = await openssl(["verify", "-CAfile", certPath, "-verify_hostname", "pop.example.test", leafPath])
    expect(wrong.code).not.toBe(0)
    const text = (await openssl(["x509", "-in", leafPath, "-noout", "-text"])).out
    expect(text).toMatch(/Subject Alternative Name:\s+DNS:imap\.example\.test/)
    expect(text).toMatch(/Extended Key Usage:\s+TLS Web Server Authentication/)
    expect(text).toMatch(/Basic Constraints: critical\s+CA:FALSE/)
    expect(text).toContain("Subject: CN = imap.example.test")
    const days = (leaf.notAfter.getTime() - leaf.notBefore.getTime()) / (24 * 3600_000)
    expect(days).toBeCloseTo(30 + 1 / 24, 3)
    expect(Date.now() - leaf.notBefore.getTime()).toBeGreaterThanOrEqual(3600_000 - 1000)

    const ipLeaf = await minter.mint("192.0.2.10")
    writeFileSync(leafPath, ipLeaf.certPem)
    expect((await openssl(["verify", "-CAfile", certPath, "-verify_ip", "192.0.2.10", leafPath])).out).toContain(": OK")
    expect((await openssl(["x509", "-in", leafPath, "-noout", "-ext", "subjectAltName"])).out).toContain(
      "IP Address:192.0.2.10"
    )
  })
})

describe("loadCa refuses what it cannot trust", () => {
  const certPath = tmp.path("load/ca.pem")
  const keyPath = tmp.path("load/ca.key")
  beforeAll(async () => {
    await initCa({ certPath, keyPath })
  })

  it("a key file readable by others", async () => {
    chmodSync(keyPath, 0o644)
    try {
      expect(await reasonOf(loadCa({ certPath, keyPath }))).toBe("InsecureKeyFile")
    } finally {
      chmodSync(keyPath, 0o600)
    }
  })

  it("a key that belongs to another certificate", async () => {
    const other = { certPath: tmp.path("load/other.pem"), keyPath: tmp.path("load/other.key") }
    await initCa(other)
    expect(await reasonOf(loadCa({ certPath, keyPath: other.keyPath }))).toBe("KeyMismatch")
    // An RSA key for an ECDSA certificate fails too.
    const rsa = { certPath: tmp.path("load/rsa.pem"), keyPath: tmp.path("load/rsa.key") }
    await initCa({ ...rsa, keyType: "rsa-2048" })
    expect(await reasonOf(loadCa({ certPath, keyPath: rsa.keyPath }))).toBe("KeyMismatch")
  })

  it("a certificate that is not a CA, an expired CA, and files that are not PEM", async () => {
    const minter = await LeafMinter.make(await loadCa({ certPath, keyPath }))
    const leaf = await minter.mint("leaf.example.test")
    const leafCert = tmp.path("load/leaf.pem")
    const leafKey = tmp.path("load/leaf.key")
    writeFileSync(leafCert, leaf.certPem)
    writeFileSync(leafKey, leaf.keyPem, { mode: 0o600 })
    expect(await reasonOf(loadCa({ certPath: leafCert, keyPath: leafKey }))).toBe("NotUsable")
    expect(await reasonOf(loadCa({ certPath, keyPath, now: new Date(Date.now() + 11 * 365 * 24 * 3600_000) }))).toBe(
      "NotUsable"
    )
    const junk = tmp.path("load/junk.pem")
    writeFileSync(junk, "hello\n", { mode: 0o600 })
    expect(await reasonOf(showCa({ certPath: junk }))).toBe("Malformed")
    expect(await reasonOf(loadCa({ certPath, keyPath: junk }))).toBe("Malformed")
    expect(await reasonOf(showCa({ certPath: tmp.path("load/missing.pem") }))).toBe("Io")
  })
})

describe("trustInstructions", () => {
  it("names the certificate and every platform's tool", () => {
    const text = trustInstructions("/etc/mailmoat/ca.pem")
    for (const needle of [
      "update-ca-certificates",
      "security add-trusted-cert",
      "certutil -addstore",
      "Firefox",
      "Thunderbird",
      "/etc/mailmoat/ca.pem"
    ])
      expect(text).toContain(needle)
  })
})

describe("initCa races", () => {
  it("of several inits at once on the same paths exactly one writes; the others say Exists; no temporary file stays", async () => {
    const certPath = tmp.path("race/pub/ca.pem")
    const keyPath = tmp.path("race/private/ca.key")
    const outcomes = await Promise.allSettled(
      Array.from({ length: 4 }, () => initCa({ certPath, keyPath, keyType: "ecdsa-p256" }))
    )
    expect(outcomes.filter((o) => o.status === "fulfilled")).toHaveLength(1)
    for (const o of outcomes) if (o.status === "rejected") expect((o.reason as CaError).reason).toBe("Exists")
    expect(readdirSync(tmp.path("race/private"))).toEqual(["ca.key"])
    expect(readdirSync(tmp.path("race/pub"))).toEqual(["ca.pem"])
    expect(statSync(keyPath).mode & 0o777).toBe(0o600)
    const pubFromKey = await openssl(["pkey", "-in", keyPath, "-pubout"])
    const pubFromCert = await openssl(["x509", "-in", certPath, "-noout", "-pubkey"])
    expect(pubFromKey.out).toBe(pubFromCert.out)
  })
})
