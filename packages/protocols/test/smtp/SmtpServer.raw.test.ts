// Integration with raw node:net / node:tls sockets, for byte-exact attacks (smuggling in one
// segment, early talkers, pipelining violations, a 10 MiB line, plaintext injected behind
// STARTTLS, stalled handshakes, idle and flooding clients) and the spool's 50 MB path. Loopback
// only; every wait is bounded.
import { createHash } from "node:crypto"
import { rmSync } from "node:fs"
import * as net from "node:net"
import { afterAll, describe, expect, it, vi } from "vitest"
import { type SmtpHandler, SmtpServer } from "../../src/smtp/index.ts"
import { makeCert, RawClient, recorder, REPLY_WAIT_MS } from "./support/peers.ts"
import { cmd, greeted, withServer } from "./support/server.ts"

const cert = makeCert()
afterAll(() => rmSync(cert.dir, { recursive: true, force: true }))

describe("SmtpServer over raw sockets", () => {
  it("accepts a message and passes the envelope and body", async () => {
    const rec = recorder()
    await withServer({}, rec.handler, async (server) => {
      const c = await greeted(server.address.port)
      expect(await cmd(c, "EHLO client.test")).toContain("250 ENHANCEDSTATUSCODES")
      expect(await cmd(c, "MAIL FROM:<s@a.test> BODY=8BITMIME")).toMatch(/^250 2\.1\.0/)
      expect(await cmd(c, "RCPT TO:<r@b.test>")).toMatch(/^250 2\.1\.5/)
      expect(await cmd(c, "DATA")).toMatch(/^354 /)
      expect(await cmd(c, "Subject: t\r\n\r\n..dot\r\nbody\r\n.")).toMatch(/^250 2\.0\.0 Queued as 1/)
      expect(await cmd(c, "QUIT")).toMatch(/^221 2\.0\.0/)
      await c.waitClosed()
      expect(rec.messages).toHaveLength(1)
      expect(rec.messages[0]!.body!.toString("latin1")).toBe("Subject: t\r\n\r\n.dot\r\nbody\r\n")
      expect(rec.messages[0]!.envelope).toMatchObject({
        clientAddress: "127.0.0.1",
        helo: "client.test",
        mailFrom: "s@a.test",
        rcptTo: ["r@b.test"],
        tls: false
      })
    })
  })

  it("smuggling payload in one segment gives exactly one message (A1)", async () => {
    const rec = recorder()
    await withServer({}, rec.handler, async (server) => {
      const c = await greeted(server.address.port)
      await cmd(c, "EHLO c")
      await cmd(c, "MAIL FROM:<s@a.test>")
      await cmd(c, "RCPT TO:<u@local.test>")
      await cmd(c, "DATA")
      const reply = await cmd(
        c,
        "Subject: x\r\n\r\nA\n.\r\nMAIL FROM:<spoof@victim.test>\r\nRCPT TO:<u@local.test>\r\nDATA\r\nFrom: ceo@victim.test\r\n\r\nB\r\n."
      )
      expect(reply).toMatch(/^250 /)
      expect(await cmd(c, "NOOP")).toMatch(/^250 /)
      expect(rec.messages).toHaveLength(1)
      expect(rec.messages[0]!.body!.toString("latin1")).toContain("A\r\n.\r\nMAIL FROM:<spoof@victim.test>")
    })
  })

  it("early talker before the greeting gets 554 and is closed (A6a)", async () => {
    const rec = recorder()
    await withServer({ greetingDelayMs: 500 }, rec.handler, async (server) => {
      const c = await RawClient.connect(server.address.port)
      c.write("EHLO early.test\r\n")
      await c.waitFor(/^554 5\.5\.1 .*\r\n/)
      await c.waitClosed()
      expect(c.received).not.toContain("220")
    })
  })

  it("input pipelined after DATA before the 354 is a protocol violation (A6c)", async () => {
    const rec = recorder()
    await withServer({}, rec.handler, async (server) => {
      const c = await greeted(server.address.port)
      await cmd(c, "EHLO c")
      c.write("MAIL FROM:<a@b.test>\r\nRCPT TO:<c@d.test>\r\nDATA\r\nSubject: x\r\n\r\nhi\r\n.\r\n")
      await c.waitFor(/554 5\.5\.0 .*\r\n/)
      await c.waitClosed()
      expect(c.received).toMatch(/250 2\.1\.0.*\r\n250 2\.1\.5.*\r\n554 5\.5\.0/)
      expect(rec.messages).toHaveLength(0)
      expect(rec.aborts).toHaveLength(1)
    })
  })

  it("pipelining without EHLO/PIPELINING is a synchronisation error: 554 and close (A6b)", async () => {
    const rec = recorder()
    await withServer({}, rec.handler, async (server) => {
      const c = await greeted(server.address.port)
      expect(await cmd(c, "HELO c")).toMatch(/^250 mx\.test/)
      c.write("MAIL FROM:<a@b.test>\r\nRCPT TO:<c@d.test>\r\nDATA\r\n")
      await c.waitFor(/554 5\.5\.0 .*\r\n/)
      await c.waitClosed()
      expect(c.received).not.toContain("354")
    })
  })

  it("a 10 MiB line without LF gets 500 5.5.2 and close (A7)", async () => {
    await withServer({}, recorder().handler, async (server) => {
      const c = await greeted(server.address.port)
      const chunk = Buffer.alloc(1024 * 1024, 0x41)
      for (let i = 0; i < 10 && !c.closed; i++) c.write(chunk)
      await c.waitFor(/500 5\.5\.2 Line too long\r\n/)
      await c.waitClosed()
    })
  })

  it("STARTTLS: plaintext injected behind STARTTLS is discarded, state resets (B9, CVE-2011-0411)", async () => {
    const mailFroms: Array<string> = []
    const rec = recorder()
    const handler: SmtpHandler = {
      ...rec.handler,
      onMailFrom: async (_s, a) => {
        mailFroms.push(a)
        return undefined
      }
    }
    await withServer({ tls: { key: cert.key, cert: cert.cert } }, handler, async (server) => {
      const c = await greeted(server.address.port)
      expect(await cmd(c, "EHLO c")).toMatch(/250[ -]STARTTLS\r\n/)
      c.write("STARTTLS\r\nMAIL FROM:<injected@evil.test>\r\n")
      await c.waitFor(/^220 2\.0\.0 .*\r\n/m)
      await c.startTls()
      expect(await cmd(c, "MAIL FROM:<ok@x.test>")).toMatch(/^503 5\.5\.1/)
      const ehlo = await cmd(c, "EHLO c")
      expect(ehlo).toContain("250 AUTH PLAIN LOGIN")
      expect(ehlo).not.toContain("STARTTLS")
      expect(await cmd(c, "STARTTLS")).toMatch(/^503 /)
      expect(await cmd(c, "MAIL FROM:<ok@x.test>")).toMatch(/^250 /)
      expect(mailFroms).toEqual(["ok@x.test"])
      c.close()
    })
  })

  it("STARTTLS: a partial plaintext command is not prefixed to the first TLS line", async () => {
    await withServer({ tls: { key: cert.key, cert: cert.cert } }, recorder().handler, async (server) => {
      const c = await greeted(server.address.port)
      await cmd(c, "EHLO c")
      c.write("STARTTLS\r\nRSE")
      await c.waitFor(/^220 2\.0\.0 .*\r\n/m)
      await c.startTls()
      expect(await cmd(c, "T")).toMatch(/^500 5\.5\.1/)
      c.close()
    })
  })

  it("AUTH over TLS reaches onAuth; before TLS it is 538 (B, AUTH)", async () => {
    const rec = recorder()
    await withServer({ tls: { key: cert.key, cert: cert.cert } }, rec.handler, async (server) => {
      const c = await greeted(server.address.port)
      expect(await cmd(c, "EHLO c")).not.toContain("AUTH")
      expect(await cmd(c, `AUTH PLAIN ${Buffer.from("\0user\0secret").toString("base64")}`)).toMatch(/^538 5\.7\.11/)
      expect(await cmd(c, "STARTTLS")).toMatch(/^220 /)
      await c.startTls()
      await cmd(c, "EHLO c")
      expect(await cmd(c, `AUTH PLAIN ${Buffer.from("\0user\0wrong").toString("base64")}`)).toMatch(/^535 5\.7\.8/)
      expect(await cmd(c, `AUTH PLAIN ${Buffer.from("\0user\0secret").toString("base64")}`)).toMatch(/^235 2\.7\.0/)
      await cmd(c, "MAIL FROM:<u@a.test>")
      await cmd(c, "RCPT TO:<r@b.test>")
      await cmd(c, "DATA")
      expect(await cmd(c, "hi\r\n.")).toMatch(/^250 /)
      expect(rec.messages[0]!.envelope).toMatchObject({ tls: true, authenticatedUser: "user" })
      c.close()
    })
  })

  it("a stalled TLS handshake is closed after the handshake timeout (H48c)", async () => {
    await withServer(
      { tls: { key: cert.key, cert: cert.cert }, tlsHandshakeTimeoutMs: 300 },
      recorder().handler,
      async (server) => {
        const c = await greeted(server.address.port)
        await cmd(c, "EHLO c")
        await cmd(c, "STARTTLS")
        await c.waitClosed()
      }
    )
  })

  it("idle clients get 421 4.4.2 and are closed; a trickled command does not keep them alive (H48)", async () => {
    await withServer({ idleTimeoutMs: 400 }, recorder().handler, async (server) => {
      const c = await greeted(server.address.port)
      await c.waitFor(/421 4\.4\.2 .*\r\n/)
      await c.waitClosed()
      const t = await greeted(server.address.port)
      let i = 0
      const trickle = setInterval(() => !t.closed && i < 40 && t.write(String.fromCharCode(65 + (i++ % 26))), 50)
      try {
        await t.waitFor(/421 4\.4\.2 .*\r\n/)
      } finally {
        clearInterval(trickle)
      }
      await t.waitClosed()
    })
  })

  it("limits connections in total and per IP with 421 4.7.0 (H49)", async () => {
    await withServer({ maxConnections: 2 }, recorder().handler, async (server) => {
      const a = await greeted(server.address.port)
      const b = await greeted(server.address.port)
      const c = await RawClient.connect(server.address.port)
      await c.waitFor(/^421 4\.7\.0 .*\r\n/)
      await c.waitClosed()
      a.close()
      b.close()
    })
    await withServer({ maxConnectionsPerIp: 1 }, recorder().handler, async (server) => {
      const a = await greeted(server.address.port)
      const b = await RawClient.connect(server.address.port)
      await b.waitFor(/^421 4\.7\.0 .*\r\n/)
      a.close()
    })
  })

  it("handler that hangs or throws gives 451 4.3.0, never 250", async () => {
    const rec = recorder({ onData: () => Promise.reject(new Error("store down\r\n250 fake")) })
    const lines: Array<string> = []
    let lateAnswered = false
    const handler: SmtpHandler = {
      ...rec.handler,
      onMailFrom: (_s, address) => {
        if (address.startsWith("throw")) throw new Error("thrown at once")
        return Promise.resolve(undefined)
      },
      onRcptTo: (_s, _f, r) =>
        r.startsWith("hang")
          ? new Promise(() => undefined)
          : r.startsWith("late")
            ? // Answers 250 after its deadline: the session has answered 451 and moved on.
              new Promise((resolve) =>
                setTimeout(() => {
                  lateAnswered = true
                  resolve(undefined)
                }, 600)
              )
            : Promise.resolve(undefined)
    }
    await withServer({ commandTimeoutMs: 300, log: (l) => lines.push(l) }, handler, async (server) => {
      const c = await greeted(server.address.port)
      await cmd(c, "EHLO c")
      expect(await cmd(c, "MAIL FROM:<throw@b.test>")).toMatch(/^451 4\.3\.0/)
      await cmd(c, "MAIL FROM:<a@b.test>")
      expect(await cmd(c, "RCPT TO:<late@b.test>")).toMatch(/^451 4\.3\.0/)
      const afterTimeout = c.received.length
      await vi.waitFor(() => expect(lateAnswered).toBe(true), { timeout: 10_000 })
      expect(await cmd(c, "NOOP")).toMatch(/^250 /)
      // The late answer added no reply of its own: only the NOOP's came after the 451.
      expect(c.received.slice(afterTimeout)).toMatch(/^250 [^\r\n]*\r\n$/)
      expect(await cmd(c, "RCPT TO:<hang@b.test>")).toMatch(/^451 4\.3\.0/)
      expect(await cmd(c, "RCPT TO:<ok@b.test>")).toMatch(/^250 /)
      await cmd(c, "DATA")
      expect(await cmd(c, "x\r\n.")).toMatch(/^451 4\.3\.0/)
      c.close()
    })
    const failure = lines.find((l) => l.includes("store down"))
    expect(failure).toContain("store down\\r\\n250 fake")
    expect(lines.some((l) => l.includes("thrown at once"))).toBe(true)
    for (const l of lines) expect(l).not.toMatch(/[\r\n]/)
  })

  it("quietEvents: those session events are not logged, the others are", async () => {
    const lines: Array<string> = []
    const quietEvents = new Set(["connect", "data_end", "close"])
    await withServer({ log: (l) => lines.push(l), quietEvents }, recorder().handler, async (server) => {
      const c = await greeted(server.address.port)
      await cmd(c, "EHLO c")
      await cmd(c, "MAIL FROM:<a@b.test>")
      await cmd(c, "RCPT TO:<c@d.test>")
      await cmd(c, "DATA")
      expect(await cmd(c, "x\r\n.")).toMatch(/^250 /)
      expect(await cmd(c, "FROB")).toMatch(/^500 /)
      expect(await cmd(c, "QUIT")).toMatch(/^221 /)
      await c.waitClosed()
    })
    const events = lines.map((l) => / event=(\S+)/.exec(l)?.[1])
    expect(events).toContain("unknown_command")
    for (const quiet of quietEvents) expect(events).not.toContain(quiet)
  })

  it("a 50 MB message goes to disk through a real socket with a bounded head", async () => {
    const rec = recorder({ keepBody: 0 })
    await withServer({ maxMessageSize: 60 * 1024 * 1024 }, rec.handler, async (server) => {
      const c = await greeted(server.address.port)
      await cmd(c, "EHLO c")
      await cmd(c, "MAIL FROM:<a@b.test> SIZE=52428800")
      await cmd(c, "RCPT TO:<c@d.test>")
      await cmd(c, "DATA")
      const line = Buffer.from(`${"0123456789".repeat(99)}\r\n`)
      const hash = createHash("sha256")
      let sent = 0
      const block = Buffer.concat(Array.from({ length: 64 }, () => line))
      while (sent < 50 * 1000 * 1000) {
        hash.update(block)
        sent += block.length
        if (!c.socket.write(block)) await new Promise((r) => c.socket.once("drain", r))
      }
      expect(await cmd(c, ".")).toMatch(/^250 /)
      const m = rec.messages[0]!
      expect(m.size).toBe(sent)
      expect(m.sha256).toBe(hash.digest("hex"))
      expect(m.onDisk).toBe(true)
      expect(m.headLength).toBe(1024 * 1024)
      c.close()
    })
  })

  it("graceful close: idle sessions get 421, a transaction in flight finishes first", async () => {
    const rec = recorder()
    const server = await SmtpServer.listen({ hostname: "mx.test" }, rec.handler)
    const idle = await greeted(server.address.port)
    const busy = await greeted(server.address.port)
    await cmd(busy, "EHLO c")
    await cmd(busy, "MAIL FROM:<a@b.test>")
    await cmd(busy, "RCPT TO:<c@d.test>")
    const closing = server.close({ graceful: true, timeoutMs: 10_000 })
    await idle.waitFor(/421 4\.3\.2 .*\r\n/)
    await idle.waitClosed()
    await expect(
      new Promise((resolve, reject) =>
        net.connect(server.address.port, "127.0.0.1").once("connect", resolve).once("error", reject)
      )
    ).rejects.toThrow(/ECONNREFUSED/)
    expect(await cmd(busy, "DATA")).toMatch(/^354/)
    const from = busy.received.length
    busy.write("late\r\n.\r\n")
    await busy.waitFor(/250 .*\r\n421 4\.3\.2 .*\r\n/, REPLY_WAIT_MS, from)
    await closing
    expect(rec.messages).toHaveLength(1)
    expect(server.connections()).toBe(0)
  })
})
