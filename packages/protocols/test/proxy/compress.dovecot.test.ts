// IMAP COMPRESS=DEFLATE (RFC 4978) through the proxy in front of a real Dovecot (imap_zlib
// loaded, so it offers COMPRESS after login): the proxy compresses the client's leg itself and
// still scans every fetched message, since the server's leg stays uncompressed.
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { type Dovecot, startDovecot } from "./support/dovecot.ts"
import { ImapClient } from "./support/imapClient.ts"
import { plainProxy, type TestProxyOptions, withProxy } from "./support/proxy.ts"
import { makeMessage, tag, taggingScanner } from "./support/tools.ts"

const COUNT = 40
const SPAM = new Set([2, 17, 40])
const messages = Array.from({ length: COUNT }, (_, i) => makeMessage(i + 1, { spam: SPAM.has(i + 1), bodyLines: 200 }))

let dovecot: Dovecot
beforeAll(async () => {
  dovecot = await startDovecot(messages)
})
afterAll(async () => {
  await dovecot?.stop()
})

const loggedIn = async (port: number): Promise<ImapClient> => {
  const c = await ImapClient.connect(port)
  await c.login(dovecot.user, dovecot.password)
  return c
}

/** How often a response names COMPRESS=DEFLATE. */
const compressNamed = (raw: Buffer): number => raw.toString("latin1").match(/COMPRESS=DEFLATE/gi)?.length ?? 0

/** Sends COMPRESS DEFLATE by hand and returns its tagged answer; on OK the client compresses. */
const compress = async (c: ImapClient, tagName: string): Promise<string> => {
  c.wire.write(`${tagName} COMPRESS DEFLATE\r\n`)
  for (;;) {
    const line = (await c.wire.line()).toString("latin1")
    if (!line.startsWith(`${tagName} `)) continue
    if (line.startsWith(`${tagName} OK`)) c.wire.startDeflate()
    return line
  }
}

describe("IMAP proxy: COMPRESS=DEFLATE with Dovecot", () => {
  it("answers COMPRESS itself and fetches compressed, every message scanned, literals exact", async () => {
    const { scanner, calls } = taggingScanner()
    await withProxy(plainProxy(dovecot.ports.imap, "imap", scanner), async (proxy) => {
      const via = await loggedIn(proxy.port)
      // Dovecot offers COMPRESS=DEFLATE once logged in, and so does the proxy: named once.
      expect(compressNamed((await via.command("CAPABILITY")).raw)).toBe(1)
      expect(await compress(via, "z")).toBe("z OK DEFLATE active\r\n")
      expect((await via.command("EXAMINE INBOX")).status).toBe("OK")
      const fetched = await via.command("FETCH 1:* BODY.PEEK[]")
      expect(fetched.status).toBe("OK")
      expect(fetched.literals).toHaveLength(COUNT)
      for (const lit of fetched.literals) {
        const original = messages[lit.seq - 1]!.toString("latin1")
        expect(lit.bytes.toString("latin1")).toBe(SPAM.has(lit.seq) ? tag(original) : original)
      }
      expect(calls).toHaveLength(COUNT)
      // A second COMPRESS is refused in order, over the compressed leg; the session goes on.
      const again = await via.command("COMPRESS DEFLATE")
      expect(again.status).toBe("NO")
      expect(again.raw.toString("latin1")).toContain("[COMPRESSIONACTIVE]")
      expect((await via.command("NOOP")).status).toBe("OK")
      expect((await via.command("LOGOUT")).status).toBe("OK")
      via.close()
      expect(proxy.logs.some((l) => l.includes("compression_started"))).toBe(true)
    })
  })

  it("before login COMPRESS gets BAD, as from Dovecot itself; after login it is served", async () => {
    const direct = await ImapClient.connect(dovecot.ports.imap)
    const fromDovecot = await direct.command("COMPRESS DEFLATE")
    direct.close()
    const { scanner } = taggingScanner()
    await withProxy(plainProxy(dovecot.ports.imap, "imap", scanner), async (proxy) => {
      const c = await ImapClient.connect(proxy.port)
      expect(compressNamed(Buffer.from(c.greeting))).toBe(0)
      const early = await c.command("COMPRESS DEFLATE")
      expect(early.status).toBe(fromDovecot.status)
      expect(early.status).toBe("BAD")
      expect(early.raw.toString("latin1")).toContain("COMPRESS is valid once authenticated")
      await c.login(dovecot.user, dovecot.password)
      expect(await compress(c, "z")).toBe("z OK DEFLATE active\r\n")
      expect((await c.command("EXAMINE INBOX")).status).toBe("OK")
      c.close()
    })
  })

  it("another mechanism gets BAD and the session stays uncompressed", async () => {
    const { scanner } = taggingScanner()
    await withProxy(plainProxy(dovecot.ports.imap, "imap", scanner), async (proxy) => {
      const via = await loggedIn(proxy.port)
      const r = await via.command("COMPRESS X-UNKNOWN")
      expect(r.status).toBe("BAD")
      expect((await via.command("EXAMINE INBOX")).status).toBe("OK")
      via.close()
    })
  })

  it("a client whose compressed stream is corrupt is closed; the proxy serves the next one", async () => {
    const { scanner } = taggingScanner()
    await withProxy(plainProxy(dovecot.ports.imap, "imap", scanner), async (proxy) => {
      const bad = await loggedIn(proxy.port)
      expect(await compress(bad, "z")).toBe("z OK DEFLATE active\r\n")
      const closed = new Promise<void>((r) => bad.wire.socket.once("close", () => r()))
      // Garbage written under the compression layer, straight onto the socket.
      bad.wire.socket.write(Buffer.from([0xff, 0xfe, 0xfd, 0xfc, 0x00, 0x11, 0x22]))
      await closed
      expect(proxy.logs.some((l) => l.includes("client_compress_error"))).toBe(true)
      const next = await loggedIn(proxy.port)
      expect((await next.command("EXAMINE INBOX")).status).toBe("OK")
      next.close()
    })
  })

  it("bytes pipelined after COMPRESS are discarded, never read as commands", async () => {
    const { scanner } = taggingScanner()
    await withProxy(plainProxy(dovecot.ports.imap, "imap", scanner), async (proxy) => {
      const c = await loggedIn(proxy.port)
      c.wire.write("z COMPRESS DEFLATE\r\nx DELETE INBOX\r\n")
      let line = ""
      while (!line.startsWith("z ")) line = (await c.wire.line()).toString("latin1")
      expect(line).toBe("z OK DEFLATE active\r\n")
      c.wire.startDeflate()
      expect((await c.command("EXAMINE INBOX")).status).toBe("OK")
      c.close()
      expect(proxy.logs.some((l) => l.includes("compress_early_bytes_discarded"))).toBe(true)
    })
  })

  it("over TLS: implicit (imaps) and after STARTTLS; STARTTLS once compressed is refused", async () => {
    const { scanner, calls } = taggingScanner()
    const tlsOptions = (mode: "plain" | "implicit-tls"): TestProxyOptions => ({
      upstream: { host: "127.0.0.1", port: mode === "plain" ? dovecot.ports.imap : dovecot.ports.imaps },
      protocol: "imap",
      mode,
      scanner,
      clientTls: { key: dovecot.pki.proxy.key, cert: dovecot.pki.proxy.cert },
      upstreamTls: { ca: dovecot.pki.caPem, servername: "localhost" }
    })
    const trust = { ca: dovecot.pki.proxy.cert, servername: "localhost" }
    const fetchAll = async (c: ImapClient) => {
      expect((await c.command("EXAMINE INBOX")).status).toBe("OK")
      const r = await c.command("FETCH 1:* BODY.PEEK[]")
      expect(r.literals).toHaveLength(COUNT)
      expect(r.literals.filter((l) => l.bytes.includes("X-Mailmoat-Spam"))).toHaveLength(SPAM.size)
    }
    await withProxy(tlsOptions("implicit-tls"), async (proxy) => {
      const c = await ImapClient.connect(proxy.port, { tls: trust })
      await c.login(dovecot.user, dovecot.password)
      expect(await compress(c, "z")).toBe("z OK DEFLATE active\r\n")
      await fetchAll(c)
      c.close()
    })
    await withProxy(tlsOptions("plain"), async (proxy) => {
      const c = await ImapClient.connect(proxy.port)
      c.wire.write("a STARTTLS\r\n")
      expect((await c.wire.line()).toString("latin1")).toMatch(/^a OK/)
      await c.wire.startTls(trust)
      await c.login(dovecot.user, dovecot.password)
      expect(await compress(c, "z")).toBe("z OK DEFLATE active\r\n")
      await fetchAll(c)
      expect((await c.command("STARTTLS")).status).toBe("BAD")
      expect((await c.command("NOOP")).status).toBe("OK")
      c.close()
    })
    expect(calls.length).toBeGreaterThanOrEqual(COUNT)
  })
})

describe("IMAP proxy: COMPRESS=DEFLATE in front of a Dovecot that does not offer it", () => {
  let plain: Dovecot
  beforeAll(async () => {
    plain = await startDovecot(messages, { compress: false })
  })
  afterAll(async () => {
    await plain?.stop()
  })

  it("advertises it once logged in (the login's answer and CAPABILITY), not before, and serves it", async () => {
    const direct = await ImapClient.connect(plain.ports.imap)
    await direct.login(plain.user, plain.password)
    expect(compressNamed((await direct.command("CAPABILITY")).raw)).toBe(0)
    direct.close()
    const { scanner, calls } = taggingScanner()
    await withProxy(plainProxy(plain.ports.imap, "imap", scanner), async (proxy) => {
      const c = await ImapClient.connect(proxy.port)
      expect(compressNamed(Buffer.from(c.greeting))).toBe(0)
      expect(compressNamed((await c.command("CAPABILITY")).raw)).toBe(0)
      // Having seen CAPABILITY, Dovecot sends the new list untagged before the login's OK.
      const login = await c.command(`LOGIN ${plain.user} ${plain.password}`)
      expect(login.status).toBe("OK")
      expect(compressNamed(login.raw)).toBe(1)
      const other = await ImapClient.connect(proxy.port)
      const bare = await other.command(`LOGIN ${plain.user} ${plain.password}`)
      expect(bare.raw.toString("latin1")).toMatch(/OK \[CAPABILITY [^\]]* COMPRESS=DEFLATE\]/)
      other.close()
      expect(compressNamed((await c.command("CAPABILITY")).raw)).toBe(1)
      expect(await compress(c, "z")).toBe("z OK DEFLATE active\r\n")
      expect((await c.command("EXAMINE INBOX")).status).toBe("OK")
      const fetched = await c.command("FETCH 1:* BODY.PEEK[]")
      expect(fetched.literals).toHaveLength(COUNT)
      for (const lit of fetched.literals) {
        const original = messages[lit.seq - 1]!.toString("latin1")
        expect(lit.bytes.toString("latin1")).toBe(SPAM.has(lit.seq) ? tag(original) : original)
      }
      expect(calls).toHaveLength(COUNT)
      expect(compressNamed((await c.command("CAPABILITY")).raw)).toBe(1)
      expect((await c.command("LOGOUT")).status).toBe("OK")
      c.close()
    })
  })
})
