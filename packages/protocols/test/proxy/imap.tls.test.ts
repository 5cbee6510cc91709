// IMAP proxy TLS: STARTTLS on both legs (curl --ssl-reqd, openssl s_client, a raw injection
// attempt), implicit TLS (imaps), upstream certificate verification, and upstream failures.
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { type Dovecot, freePort, startDovecot } from "./support/dovecot.ts"
import { ImapClient } from "./support/imapClient.ts"
import { plainProxy, startProxy, type TestProxyOptions, withProxy } from "./support/proxy.ts"
import { curl, makeMessage, run, tag, taggingScanner } from "./support/tools.ts"

const messages = Array.from({ length: 5 }, (_, i) => makeMessage(i + 1, { spam: i + 1 === 2 }))

let dovecot: Dovecot
beforeAll(async () => {
  dovecot = await startDovecot(messages)
})
afterAll(async () => {
  await dovecot?.stop()
})

const tlsProxy = (
  mode: "plain" | "implicit-tls",
  upstreamTls: { ca?: string; servername?: string } = {}
): TestProxyOptions => ({
  upstream: { host: "127.0.0.1", port: mode === "plain" ? dovecot.ports.imap : dovecot.ports.imaps },
  protocol: "imap",
  mode,
  scanner: taggingScanner().scanner,
  clientTls: { key: dovecot.pki.proxy.key, cert: dovecot.pki.proxy.cert },
  upstreamTls: { ca: dovecot.pki.caPem, servername: "localhost", ...upstreamTls }
})

const auth = () => ["--user", `${dovecot.user}:${dovecot.password}`]

describe("IMAP proxy TLS", () => {
  it("STARTTLS with curl --ssl-reqd: both legs upgraded, spam tagged, ham identical", async () => {
    await withProxy(tlsProxy("plain"), async (proxy) => {
      for (const uid of [1, 2]) {
        const direct = await curl(`imap://127.0.0.1:${dovecot.ports.imap}/INBOX;UID=${uid}`, auth())
        const via = await curl(`imap://localhost:${proxy.port}/INBOX;UID=${uid}`, [
          ...auth(),
          "--ssl-reqd",
          "--cacert",
          dovecot.pki.proxy.certFile
        ])
        expect(via.code, via.stderr).toBe(0)
        if (uid === 2) expect(via.stdout.toString("latin1")).toBe(tag(direct.stdout.toString("latin1")))
        else expect(via.stdout.equals(direct.stdout)).toBe(true)
      }
      expect(proxy.logs.filter((l) => l.includes("tls_established"))).toHaveLength(2)
    })
  })

  it("openssl s_client -starttls imap through the proxy", async () => {
    await withProxy(tlsProxy("plain"), async (proxy) => {
      const r = await run(
        "openssl",
        [
          "s_client",
          "-connect",
          `127.0.0.1:${proxy.port}`,
          "-starttls",
          "imap",
          "-CAfile",
          dovecot.pki.proxy.certFile,
          "-verify_return_error",
          "-quiet",
          "-servername",
          "localhost"
        ],
        {
          input: `a LOGIN ${dovecot.user} ${dovecot.password}\r\nb EXAMINE INBOX\r\nc FETCH 2 BODY.PEEK[]\r\nd LOGOUT\r\n`,
          timeoutMs: 20_000
        }
      )
      const out = r.stdout.toString("latin1")
      expect(out).toContain("Subject: [SPAM] message 2")
      const m = /BODY\[\] \{(\d+)\}\r\n/.exec(out)!
      const literal = out.slice(m.index + m[0].length, m.index + m[0].length + Number(m[1]))
      expect(literal).toBe(tag(messages[1]!.toString("latin1")))
      expect(out).toContain("d OK")
    })
  })

  it("STARTTLS injection: a LOGIN sent with STARTTLS in one write is discarded, never executed", async () => {
    await withProxy(tlsProxy("plain"), async (proxy) => {
      const c = await ImapClient.connect(proxy.port)
      c.wire.write(`a STARTTLS\r\nb LOGIN ${dovecot.user} ${dovecot.password}\r\n`)
      expect((await c.wire.line()).toString("latin1")).toMatch(/^a OK/)
      await c.wire.startTls({ ca: dovecot.pki.proxy.cert, servername: "localhost" })
      c.wire.write("c EXAMINE INBOX\r\n")
      const reply = (await c.wire.line()).toString("latin1")
      // Not authenticated: the injected LOGIN never ran, and no reply tagged `b` ever came.
      expect(reply).toMatch(/^c (BAD|NO)/)
      c.wire.write("d NOOP\r\n")
      expect((await c.wire.line()).toString("latin1")).toMatch(/^d OK/)
      expect(proxy.logs.some((l) => l.includes("starttls_plaintext_discarded"))).toBe(true)
      c.close()
    })
  })

  it("without clientTls, STARTTLS is refused by the server and the session stays usable in plaintext", async () => {
    const { scanner } = taggingScanner()
    await withProxy(plainProxy(dovecot.ports.imap, "imap", scanner), async (proxy) => {
      const c = await ImapClient.connect(proxy.port)
      expect((await c.command("STARTTLS")).status).toMatch(/BAD|NO/)
      await c.login(dovecot.user, dovecot.password)
      c.close()
    })
  })

  it("implicit TLS (imaps): curl imaps:// through the proxy", async () => {
    await withProxy(tlsProxy("implicit-tls"), async (proxy) => {
      const direct = await curl(`imap://127.0.0.1:${dovecot.ports.imap}/INBOX;UID=2`, auth())
      const via = await curl(`imaps://localhost:${proxy.port}/INBOX;UID=2`, [
        ...auth(),
        "--cacert",
        dovecot.pki.proxy.certFile
      ])
      expect(via.code, via.stderr).toBe(0)
      expect(via.stdout.toString("latin1")).toBe(tag(direct.stdout.toString("latin1")))
      const c = await ImapClient.connect(proxy.port, { tls: { ca: dovecot.pki.proxy.cert, servername: "localhost" } })
      await c.login(dovecot.user, dovecot.password)
      await c.command("EXAMINE INBOX")
      const r = await c.command("FETCH 1:* (BINARY.PEEK[] RFC822.SIZE)")
      expect(r.literals).toHaveLength(messages.length)
      expect(r.literals.filter((l) => l.bytes.includes("X-Mailmoat-Spam"))).toHaveLength(1)
      c.close()
    })
  })

  it("refuses an upstream certificate it cannot verify (untrusted CA, wrong name), for implicit TLS and STARTTLS", async () => {
    const untrusted = await startProxy(tlsProxy("implicit-tls", { ca: dovecot.pki.proxy.cert }))
    const wrongName = await startProxy(tlsProxy("implicit-tls", { servername: "imap.real.test" }))
    const starttls = await startProxy(tlsProxy("plain", { ca: dovecot.pki.proxy.cert }))
    try {
      for (const proxy of [untrusted, wrongName]) {
        const c = await ImapClient.connect(proxy.port, { tls: { ca: dovecot.pki.proxy.cert, servername: "localhost" } })
        expect(c.greeting).toMatch(/^\* BYE upstream unavailable/)
        await c.wire.rest(3000)
        expect(c.wire.closed).toBe(true)
      }
      expect(
        untrusted.logs.some((l) => /upstream_failed.*(self-signed|unable to (get|verify)|certificate)/i.test(l))
      ).toBe(true)
      expect(wrongName.logs.some((l) => /upstream_failed.*(altnames|Hostname)/i.test(l))).toBe(true)
      const c = await ImapClient.connect(starttls.port)
      c.wire.write("a STARTTLS\r\n")
      const line = (await c.wire.line()).toString("latin1")
      expect(line).toMatch(/^\* BYE upstream TLS verification failed/)
      await c.wire.rest(3000)
      expect(c.wire.closed).toBe(true)
    } finally {
      await untrusted.close()
      await wrongName.close()
      await starttls.close()
    }
  })

  it("upstream down: the client gets * BYE and a close; other connections are unaffected", async () => {
    const { scanner } = taggingScanner()
    const dead = await startProxy(plainProxy(await freePort(), "imap", scanner))
    const live = await startProxy(plainProxy(dovecot.ports.imap, "imap", scanner))
    try {
      const ok = await ImapClient.connect(live.port)
      await ok.login(dovecot.user, dovecot.password)
      const c = await ImapClient.connect(dead.port)
      expect(c.greeting).toMatch(/^\* BYE upstream unavailable/)
      await c.wire.rest(3000)
      expect(c.wire.closed).toBe(true)
      expect((await ok.command("EXAMINE INBOX")).status).toBe("OK")
      expect((await ok.command("FETCH 2 BODY.PEEK[]")).literals[0]!.bytes.includes("X-Mailmoat-Spam")).toBe(true)
      ok.close()
      expect(dead.connections()).toBe(0)
    } finally {
      await dead.close()
      await live.close()
    }
  })
})
