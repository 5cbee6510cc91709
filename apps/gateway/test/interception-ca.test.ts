// The proxies' interception CA checked by one set of rules (`InterceptionCa.ts`) at start, at a
// reload and in `mailmoat config validate`: certificates made by `mailmoat ca init`'s code and by
// openssl (a CA whose keyUsage lacks keyCertSign, a plain server certificate, one that expires
// within days), keys that are not the certificate's or that others can read.
import { chmodSync, copyFileSync, readFileSync } from "node:fs"
import { join } from "node:path"
import { X509Certificate } from "node:crypto"
import { GatewayConfig } from "@mailmoat/antispam"
import { Interception } from "@mailmoat/protocols"
import { afterAll, beforeAll, describe, expect, test } from "vitest"
import { checkInterceptionCa } from "../src/InterceptionCa.ts"
import { type RunningGateway, StartupError } from "../src/index.ts"
import { api, TOKEN } from "./support/admin.ts"
import { opensslCa, opensslCertificate, type PemPair } from "./support/opensslCa.ts"
import { gateway } from "./support/peers.ts"
import { tempDir } from "../../../test/support/temp-dirs.ts"

const dir = tempDir("mailmoat-ca-check-")

type Pair = PemPair

const protocolsOf = (protocols: Record<string, unknown>) => {
  const decoded = GatewayConfig.decode({ protocols })
  if (!decoded.ok) throw new Error(decoded.problems.join("; "))
  return decoded.config.protocols
}
const protocolsWith = (ca: Pair, more: Record<string, unknown> = {}) =>
  protocolsOf({ listeners: [{ listen: "127.0.0.1:0", upstream: "127.0.0.1:993", protocol: "imap" }], ca, ...more })

let good: Pair
let noCertSign: Pair
let notCa: Pair
let soon: Pair
beforeAll(async () => {
  good = { cert: join(dir, "good.pem"), key: join(dir, "good.key") }
  await Interception.initCa({ certPath: good.cert, keyPath: good.key, commonName: "Check CA" })
  noCertSign = opensslCa(dir, "no-certsign", 365, "digitalSignature")
  notCa = opensslCertificate(dir, "server", 365, ["basicConstraints=critical,CA:FALSE", "subjectAltName=DNS:localhost"])
  soon = opensslCa(dir, "soon", 3, "keyCertSign,cRLSign")
})

describe("checkInterceptionCa (what config validate reports)", () => {
  test("a CA from `mailmoat ca init`: no problem, no warning", async () => {
    expect(await checkInterceptionCa(protocolsWith(good), dir)).toEqual({ problems: [], warnings: [] })
  })

  test("keyUsage without keyCertSign: a problem naming it", async () => {
    const r = await checkInterceptionCa(protocolsWith(noCertSign), dir)
    expect(r.problems).toEqual([
      expect.stringMatching(
        /^protocols\.ca: \S*no-certsign\.pem cannot sign certificates: its keyUsage lacks keyCertSign/
      )
    ])
  })

  test("a server certificate is no CA", async () => {
    const r = await checkInterceptionCa(protocolsWith(notCa), dir)
    expect(r.problems).toEqual([expect.stringMatching(/^protocols\.ca: \S*server\.pem is not a CA certificate/)])
  })

  test("dates: expired and not yet valid are problems; a week left is a warning", async () => {
    const cert = new X509Certificate(readFileSync(good.cert))
    const expired = await checkInterceptionCa(protocolsWith(good), dir, Date.parse(cert.validTo) + 1000)
    expect(expired.problems).toEqual([expect.stringMatching(/^protocols\.ca: \S*good\.pem is valid from .* to /)])
    const early = await checkInterceptionCa(protocolsWith(good), dir, Date.parse(cert.validFrom) - 1000)
    expect(early.problems).toEqual([expect.stringMatching(/is valid from/)])
    const r = await checkInterceptionCa(protocolsWith(soon), dir)
    expect(r.problems).toEqual([])
    expect(r.warnings).toEqual([
      expect.stringMatching(/^protocols\.ca\.cert: \S*soon\.pem expires \d{4}-.*make a new CA/)
    ])
  })

  test("a key that is not the certificate's, or that others can read, or no files at all", async () => {
    const mismatch = await checkInterceptionCa(protocolsWith({ cert: good.cert, key: soon.key }), dir)
    expect(mismatch.problems).toEqual([expect.stringMatching(/^protocols\.ca: .*(does not belong|matching)/)])
    const open = join(dir, "open.key")
    copyFileSync(good.key, open)
    chmodSync(open, 0o644)
    const readable = await checkInterceptionCa(protocolsWith({ cert: good.cert, key: open }), dir)
    expect(readable.problems).toEqual([expect.stringMatching(/readable by other users .*chmod 600/)])
    const missing = await checkInterceptionCa(protocolsWith({ cert: "nope.pem", key: "nope.key" }), dir)
    expect(missing.problems).toEqual([expect.stringMatching(/cannot be read .*npx mailmoat ca init/)])
  })

  test("no listener, or tlsFiltering off: the CA is not used, so not checked", async () => {
    const missing = { cert: "nope.pem", key: "nope.key" }
    expect((await checkInterceptionCa(protocolsWith(missing, { tlsFiltering: false }), dir)).problems).toEqual([])
    const none = protocolsOf({ ca: missing })
    expect((await checkInterceptionCa(none, dir)).problems).toEqual([])
  })
})

describe("the gateway takes in a CA by the same rules", () => {
  const configWith = (ca: Pair) => ({
    antispam: { enabled: false },
    classifier: { enabled: false },
    admin: { token: TOKEN },
    protocols: {
      listeners: [{ listen: "127.0.0.1:0", upstream: "127.0.0.1:9", protocol: "imap" }],
      ca
    }
  })

  test("start: a CA without keyCertSign is refused (StartupError on protocols.ca)", async () => {
    const started = gateway(configWith(noCertSign))
    await expect(started).rejects.toBeInstanceOf(StartupError)
    await expect(started).rejects.toThrow(/^protocols\.ca: .*lacks keyCertSign/)
  })

  describe("reload", () => {
    let gw: RunningGateway
    const live: Pair = { cert: join(dir, "live.pem"), key: join(dir, "live.key") }
    const logs: Array<string> = []
    beforeAll(async () => {
      copyFileSync(good.cert, live.cert)
      copyFileSync(good.key, live.key)
      const config = configWith(live)
      gw = await gateway(config, {
        log: (l) => logs.push(l),
        reloadConfig: () =>
          GatewayConfig.decode({
            ...config,
            dataDir: gw.settings.dataDir,
            smtp: { host: "127.0.0.1", port: 0, hostname: "gw.test" },
            admin: { host: "127.0.0.1", port: 0, token: TOKEN }
          })
      })
    })
    afterAll(async () => {
      await gw?.close()
    })

    test("CA files rewritten with one lacking keyCertSign: 422 naming it, an error line", async () => {
      copyFileSync(noCertSign.cert, live.cert)
      copyFileSync(noCertSign.key, live.key)
      const r = await api(gw, "POST", "/api/reload")
      expect(r.status).toBe(422)
      expect((r.json.problems as Array<string>)[0]).toMatch(/^protocols\.ca: \S*live\.pem cannot sign certificates/)
      expect(logs.filter((l) => / error reload_refused /.test(l)).at(-1)).toMatch(/lacks keyCertSign/)
    })
  })
})
