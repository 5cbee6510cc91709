// The POP3 proxy in front of a real Dovecot pop3d: RETR scanned and re-stuffed, TOP/LIST/UIDL/CAPA
// passed through, STLS and implicit TLS, STLS injection discarded.
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { type Dovecot, startDovecot } from "./support/dovecot.ts"
import { Pop3Client } from "./support/pop3Client.ts"
import { plainProxy, startProxy, withProxy } from "./support/proxy.ts"
import { curl, makeMessage, run, tag, taggingScanner } from "./support/tools.ts"

const COUNT = 40
const SPAM = new Set([2, 30])
const messages = Array.from({ length: COUNT }, (_, i) => makeMessage(i + 1, { spam: SPAM.has(i + 1) }))

let dovecot: Dovecot
beforeAll(async () => {
  dovecot = await startDovecot(messages)
})
afterAll(async () => {
  await dovecot?.stop()
})

const session = async (port: number, tls?: { ca: string }) => {
  const c = await Pop3Client.connect(port, tls ? { tls: { ca: tls.ca, servername: "localhost" } } : {})
  await c.login(dovecot.user, dovecot.password)
  return c
}

/** The proxy's certificate towards clients and its trust in Dovecot's, for STLS and pop3s. */
const tlsLegs = () => ({
  clientTls: { key: dovecot.pki.proxy.key, cert: dovecot.pki.proxy.cert },
  upstreamTls: { ca: dovecot.pki.caPem, servername: "localhost" }
})

describe("POP3 proxy with Dovecot", () => {
  it("RETR of every message: ham identical (raw wire bytes too), spam tagged and correctly dot-stuffed", async () => {
    const { scanner, calls } = taggingScanner()
    await withProxy(plainProxy(dovecot.ports.pop3, "pop3", scanner), async (proxy) => {
      const direct = await session(dovecot.ports.pop3)
      const via = await session(proxy.port)
      for (const command of ["STAT", "LIST 1", "NOOP"])
        expect(await via.single(command)).toBe(await direct.single(command))
      for (const command of ["CAPA", "LIST", "UIDL", "TOP 2 3", "TOP 1 0"]) {
        const d = await direct.multi(command)
        const p = await via.multi(command)
        expect(p.status, command).toBe(d.status)
        expect(p.raw.equals(d.raw), command).toBe(true)
      }
      let tagged = 0
      for (let i = 1; i <= COUNT; i++) {
        const d = await direct.multi(`RETR ${i}`)
        const p = await via.multi(`RETR ${i}`)
        expect(p.status).toBe(d.status)
        if (d.body.includes("SPAMWORD")) {
          tagged++
          expect(p.body.toString("latin1")).toBe(tag(d.body.toString("latin1")))
          expect(p.raw.includes("\r\n..leading dot line\r\n")).toBe(true)
        } else {
          expect(p.raw.equals(d.raw)).toBe(true)
        }
      }
      expect(tagged).toBe(SPAM.size)
      expect(calls).toHaveLength(COUNT)
      // TOP is partial and never scanned; a second RETR comes from the cache.
      await via.multi("RETR 2")
      expect(calls).toHaveLength(COUNT)
      direct.close()
      via.close()
    })
  })

  it("pipelined commands in one write are matched to their replies", async () => {
    const { scanner } = taggingScanner()
    await withProxy(plainProxy(dovecot.ports.pop3, "pop3", scanner), async (proxy) => {
      const direct = await session(dovecot.ports.pop3)
      const via = await session(proxy.port)
      const script = "LIST\r\nRETR 2\r\nTOP 2 1\r\nRETR 3\r\nNOOP\r\n"
      direct.wire.write(script)
      via.wire.write(script)
      const read = async (c: Pop3Client) => {
        const parts: Array<Buffer> = []
        for (const multi of [true, true, true, true, false]) {
          parts.push(await c.wire.line())
          if (multi) {
            for (;;) {
              const l = await c.wire.line()
              parts.push(l)
              if (l.equals(Buffer.from(".\r\n"))) break
            }
          }
        }
        return Buffer.concat(parts).toString("latin1")
      }
      const d = await read(direct)
      const p = await read(via)
      expect(p).not.toBe(d)
      expect(p.replace("X-Mailmoat-Spam: yes\r\n", "").replace("Subject: [SPAM] ", "Subject: ")).toBe(d)
      expect(p.match(/X-Mailmoat-Spam/g)).toHaveLength(1)
      direct.close()
      via.close()
    })
  })

  it("a RETR pipelined after AUTH PLAIN with its response is scanned (the server reads it as a command)", async () => {
    const { scanner, calls } = taggingScanner()
    await withProxy(plainProxy(dovecot.ports.pop3, "pop3", scanner), async (proxy) => {
      const via = await Pop3Client.connect(proxy.port)
      const response = Buffer.from(`\0${dovecot.user}\0${dovecot.password}`, "latin1").toString("base64")
      via.wire.write(`AUTH PLAIN ${response}\r\nRETR 2\r\n`)
      expect((await via.wire.line()).toString("latin1")).toMatch(/^\+OK/)
      expect((await via.wire.line()).toString("latin1")).toMatch(/^\+OK/)
      const body: Array<Buffer> = []
      for (;;) {
        const l = await via.wire.line()
        if (l.equals(Buffer.from(".\r\n"))) break
        body.push(l)
      }
      expect(Buffer.concat(body).toString("latin1")).toContain("X-Mailmoat-Spam: yes")
      expect(calls).toHaveLength(1)
      via.close()
    })
  })

  it("curl pop3:// plain, STLS (--ssl-reqd) and pop3s:// through the proxy", async () => {
    const { scanner } = taggingScanner()
    const plain = await startProxy(plainProxy(dovecot.ports.pop3, "pop3", scanner, tlsLegs()))
    const implicit = await startProxy({
      upstream: { host: "127.0.0.1", port: dovecot.ports.pop3s },
      protocol: "pop3",
      mode: "implicit-tls",
      scanner,
      ...tlsLegs()
    })
    try {
      const auth = ["--user", `${dovecot.user}:${dovecot.password}`]
      const direct = await curl(`pop3://127.0.0.1:${dovecot.ports.pop3}/2`, auth)
      expect(direct.code, direct.stderr).toBe(0)
      const expected = tag(direct.stdout.toString("latin1"))
      const viaPlain = await curl(`pop3://127.0.0.1:${plain.port}/2`, auth)
      expect(viaPlain.stdout.toString("latin1")).toBe(expected)
      const viaStls = await curl(`pop3://localhost:${plain.port}/2`, [
        ...auth,
        "--ssl-reqd",
        "--cacert",
        dovecot.pki.proxy.certFile
      ])
      expect(viaStls.code, viaStls.stderr).toBe(0)
      expect(viaStls.stdout.toString("latin1")).toBe(expected)
      expect(plain.logs.some((l) => l.includes("tls_established"))).toBe(true)
      const viaPop3s = await curl(`pop3s://localhost:${implicit.port}/2`, [
        ...auth,
        "--cacert",
        dovecot.pki.proxy.certFile
      ])
      expect(viaPop3s.code, viaPop3s.stderr).toBe(0)
      expect(viaPop3s.stdout.toString("latin1")).toBe(expected)
      const ham = await curl(`pop3s://localhost:${implicit.port}/1`, [...auth, "--cacert", dovecot.pki.proxy.certFile])
      const hamDirect = await curl(`pop3://127.0.0.1:${dovecot.ports.pop3}/1`, auth)
      expect(ham.stdout.equals(hamDirect.stdout)).toBe(true)
    } finally {
      await plain.close()
      await implicit.close()
    }
  })

  it("openssl s_client -starttls pop3 through the proxy", async () => {
    const { scanner } = taggingScanner()
    await withProxy(plainProxy(dovecot.ports.pop3, "pop3", scanner, tlsLegs()), async (proxy) => {
      const r = await run(
        "openssl",
        [
          "s_client",
          "-connect",
          `127.0.0.1:${proxy.port}`,
          "-starttls",
          "pop3",
          "-CAfile",
          dovecot.pki.proxy.certFile,
          "-verify_return_error",
          "-quiet",
          "-servername",
          "localhost"
        ],
        { input: `USER ${dovecot.user}\r\nPASS ${dovecot.password}\r\nRETR 2\r\nQUIT\r\n`, timeoutMs: 20_000 }
      )
      const out = r.stdout.toString("latin1")
      expect(out).toContain("X-Mailmoat-Spam: yes")
      expect(out).toContain("Subject: [SPAM] message 2")
      expect(out).toMatch(/\+OK Logging out/)
    })
  })

  it("STLS injection: commands sent with STLS in one write are discarded, never executed", async () => {
    const { scanner } = taggingScanner()
    await withProxy(plainProxy(dovecot.ports.pop3, "pop3", scanner, tlsLegs()), async (proxy) => {
      const c = await Pop3Client.connect(proxy.port)
      c.wire.write(`STLS\r\nUSER ${dovecot.user}\r\nPASS ${dovecot.password}\r\n`)
      expect((await c.wire.line()).toString("latin1")).toMatch(/^\+OK/)
      await c.wire.startTls({ ca: dovecot.pki.proxy.cert, servername: "localhost" })
      // Not logged in: the injected USER/PASS never reached the server.
      expect(await c.single("STAT")).toMatch(/^-ERR/)
      expect(proxy.logs.some((l) => l.includes("starttls_plaintext_discarded"))).toBe(true)
      c.close()
    })
  })

  it("auto mode detects POP3 from the greeting", async () => {
    const { scanner } = taggingScanner()
    await withProxy(plainProxy(dovecot.ports.pop3, "auto", scanner), async (proxy) => {
      const via = await session(proxy.port)
      const p = await via.multi("RETR 2")
      expect(p.body.includes("X-Mailmoat-Spam: yes")).toBe(true)
      via.close()
    })
  })
})
