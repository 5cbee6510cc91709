// The proxy against a scripted fake IMAP/POP3 upstream: big literals stream through without being
// buffered whole, a mid-literal upstream close never hands the client a "complete" partial
// message, and POP3 messages over the limit are streamed once they pass it.
import { join } from "node:path"
import { afterEach, describe, expect, it } from "vitest"
import { fakeServer } from "./support/fakeUpstream.ts"
import { ImapClient } from "./support/imapClient.ts"
import { makePki } from "./support/pki.ts"
import { Pop3Client } from "./support/pop3Client.ts"
import { startProxy } from "./support/proxy.ts"
import { taggingScanner } from "./support/tools.ts"
import { tempDir } from "../../../../test/support/temp-dirs.ts"

const cleanups: Array<() => Promise<void>> = []
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c()
})

const MB = 1024 * 1024

describe("proxy streaming and upstream faults", () => {
  // 24 MB: its first half alone is three times the 4 MB limit (at 50 MB each half took ~30 s at
  // load 80, the whole case near its timeout).
  it("streams a 24 MB literal over the limit before the upstream has finished sending it", async () => {
    const size = 24 * MB
    const chunk = Buffer.alloc(MB, 0x61)
    let release: () => void = () => undefined
    const released = new Promise<void>((r) => (release = r))
    const upstream = await fakeServer("* OK fake\r\n", (s, line) => {
      const tag = line.split(" ")[0]
      if (!line.includes("FETCH")) return void s.write(`${tag} OK done\r\n`)
      void (async () => {
        s.write(`* 1 FETCH (BODY[] {${size}}\r\n`)
        for (let sent = 0; sent < size / 2; sent += MB)
          if (!s.write(chunk)) await new Promise((r) => s.once("drain", r))
        await released
        for (let sent = size / 2; sent < size; sent += MB)
          if (!s.write(chunk)) await new Promise((r) => s.once("drain", r))
        s.write(`)\r\n${tag} OK FETCH done\r\n`)
      })()
    })
    cleanups.push(upstream.close)
    const { scanner, calls } = taggingScanner()
    const proxy = await startProxy({
      upstream: { host: "127.0.0.1", port: upstream.port },
      protocol: "imap",
      mode: "plain",
      scanner,
      limits: { maxMessageBytes: 4 * MB }
    })
    cleanups.push(proxy.close)
    const client = await ImapClient.connect(proxy.port)
    const reply = client.command("FETCH 1 BODY[]", 60_000)
    // The client receives far more than the limit while the upstream holds back the second half
    // (it comes: the bound only ends a wait that went wrong; 0.3 s in a full run, 30 s at load 80).
    const deadline = Date.now() + 60_000
    let received = 0
    client.wire.socket.on("data", (d: Buffer) => (received += d.length))
    while (received < size / 2 - 2 * MB && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20))
    expect(received).toBeGreaterThan(size / 2 - 2 * MB)
    release()
    const r = await reply
    expect(r.status).toBe("OK")
    expect(r.literals[0]!.bytes.length).toBe(size)
    expect(calls).toHaveLength(0)
    expect(proxy.logs.some((l) => l.includes("message_too_large_unscanned") && l.includes(`size=${size}`))).toBe(true)
    client.close()
  })

  it("upstream closing mid-literal: the client never gets the partial message, just the close", async () => {
    const upstream = await fakeServer("* OK fake\r\n", (s, line) => {
      const tag = line.split(" ")[0]
      if (!line.includes("FETCH")) return void s.write(`${tag} OK done\r\n`)
      s.write("* 1 FETCH (BODY[] {1000}\r\nSubject: half")
      setTimeout(() => s.destroy(), 50)
    })
    cleanups.push(upstream.close)
    const { scanner, calls } = taggingScanner()
    const proxy = await startProxy({
      upstream: { host: "127.0.0.1", port: upstream.port },
      protocol: "imap",
      mode: "plain",
      scanner
    })
    cleanups.push(proxy.close)
    const client = await ImapClient.connect(proxy.port)
    client.wire.write("a FETCH 1 BODY[]\r\n")
    const rest = await client.wire.rest(5000)
    expect(client.wire.closed).toBe(true)
    expect(rest.toString("latin1")).toBe("* 1 FETCH (BODY[] ")
    expect(calls).toHaveLength(0)
  })

  it("POP3: a RETR body is buffered up to the limit, then streamed unscanned and unchanged", async () => {
    const body = `Subject: big SPAMWORD\r\n\r\n${"..dotted line\r\n".repeat(20_000)}`
    const upstream = await fakeServer("+OK fake\r\n", (s, line) => {
      if (line.startsWith("RETR")) s.write(`+OK\r\n${body}.\r\n`)
      else s.write("+OK\r\n")
    })
    cleanups.push(upstream.close)
    const { scanner, calls } = taggingScanner()
    const proxy = await startProxy({
      upstream: { host: "127.0.0.1", port: upstream.port },
      protocol: "pop3",
      mode: "plain",
      scanner,
      limits: { maxMessageBytes: 64 * 1024 }
    })
    cleanups.push(proxy.close)
    const client = await Pop3Client.connect(proxy.port)
    const r = await client.multi("RETR 1")
    expect(r.raw.toString("latin1")).toBe(`${body}.\r\n`)
    expect(calls).toHaveLength(0)
    expect(proxy.logs.some((l) => l.includes("message_too_large_unscanned"))).toBe(true)
    client.close()
  })

  it("IMAP: what the server sends after refusing STARTTLS, in the same read, reaches the client", async () => {
    const upstream = await fakeServer("* OK fake\r\n", (s, line) => {
      const tag = line.split(" ")[0]
      // The refusal and an untagged response after it, in one write (one read at the proxy).
      if (line.endsWith("STARTTLS"))
        return void s.write(`${tag} NO [UNAVAILABLE] not now\r\n* OK [ALERT] plaintext only today\r\n`)
      s.write(`${tag} OK done\r\n`)
    })
    cleanups.push(upstream.close)
    const pki = makePki(join(tempDir("mm-starttls-"), "pki"))
    const { scanner } = taggingScanner()
    const proxy = await startProxy({
      upstream: { host: "127.0.0.1", port: upstream.port },
      protocol: "imap",
      mode: "plain",
      clientTls: { key: pki.proxy.key, cert: pki.proxy.cert },
      scanner
    })
    cleanups.push(proxy.close)
    const client = await ImapClient.connect(proxy.port)
    expect((await client.command("STARTTLS")).status).toBe("NO")
    const noop = await client.command("NOOP", 5000)
    expect(noop.status).toBe("OK")
    expect(noop.raw.toString("latin1")).toBe("* OK [ALERT] plaintext only today\r\nt2 OK done\r\n")
    client.close()
  })

  it("IMAP: a server-refused synchronising literal and a LITERAL+ APPEND are relayed without desync", async () => {
    const upstream = await fakeServer("* OK fake\r\n", (s, line) => {
      const tag = line.split(" ")[0]
      if (line.includes("APPEND") && line.endsWith("{5}")) return void s.write(`${tag} NO [TOOBIG] refused\r\n`)
      if (line.includes("FETCH")) return void s.write(`* 1 FETCH (RFC822 {8}\r\nSPAMWORD)\r\n${tag} OK done\r\n`)
      if (tag !== "" && !line.startsWith("hello")) s.write(`${tag} OK done\r\n`)
    })
    cleanups.push(upstream.close)
    const { scanner } = taggingScanner()
    const proxy = await startProxy({
      upstream: { host: "127.0.0.1", port: upstream.port },
      protocol: "imap",
      mode: "plain",
      scanner
    })
    cleanups.push(proxy.close)
    const client = await ImapClient.connect(proxy.port)
    expect((await client.command("APPEND INBOX {5}")).status).toBe("NO")
    const r = await client.command("FETCH 1 RFC822")
    expect(r.literals[0]!.bytes.toString("latin1")).toBe("X-Mailmoat-Spam: yes\r\nSPAMWORD")
    client.close()
  })
})
