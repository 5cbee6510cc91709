// The SMTP path's virus scan end to end: swaks and a raw SMTP client -> the gateway (its own
// wiring from `antispam.virus`) -> a real clamd (Debian clamav-daemon, two EICAR signatures) ->
// smtp-sink or the quarantine. EICAR as a base64 attachment, inline, and past the scan view is
// refused, quarantined or dropped per `onVirus`; a clean message is delivered; clamd paused,
// killed, or a fake clamd answering garbage gives 451 and nothing is lost (the retry once clamd is
// back is delivered once); `onUnavailable: deliver` and `onOversize` add the warning header; the
// bypass option; a reload turns the scan on and off.
import { writeFileSync } from "node:fs"
import { readdirSync, readFileSync } from "node:fs"
import { createServer, type Server } from "node:net"
import { join } from "node:path"
import { GatewayConfig } from "@mailmoat/antispam"
import { ConfigFile } from "@mailmoat/platform-node"
import { afterAll, beforeAll, describe, expect, test } from "vitest"
import { type ClamdPeer, eicar, startClamd } from "../../../packages/antispam/test/threat/support/clamd.ts"
import { type RunningGateway, startGateway } from "../src/index.ts"
import { api, resultCount, TOKEN } from "./support/admin.ts"
import { freePort, gateway, SmtpSink, sendRaw, swaks, tempDir } from "./support/peers.ts"

const SIGNATURE = /Mailmoat\.Test\.EICAR\.(Hash|Body)\.UNOFFICIAL/
const EICAR = new TextDecoder().decode(eicar())
const base64Lines = (bytes: Uint8Array | string): string =>
  (
    Buffer.from(bytes)
      .toString("base64")
      .match(/.{1,76}/g) ?? []
  ).join("\r\n")

/** A two-part message: a text part (`padding` lines of filler first) and a base64 attachment. */
const withAttachment = (subject: string, attachment: Uint8Array | string, paddingLines = 0): string =>
  [
    "From: Sender <sender@client.test>",
    "To: user@example.test",
    `Subject: ${subject}`,
    "MIME-Version: 1.0",
    'Content-Type: multipart/mixed; boundary="b1"',
    "",
    "--b1",
    "Content-Type: text/plain; charset=us-ascii",
    "",
    "Please find the file attached.",
    ...Array.from({ length: paddingLines }, (_, i) => `filler line ${i} ${"x".repeat(60)}`),
    "--b1",
    'Content-Type: application/octet-stream; name="sample.txt"',
    'Content-Disposition: attachment; filename="sample.txt"',
    "Content-Transfer-Encoding: base64",
    "",
    base64Lines(attachment),
    "--b1--",
    ""
  ].join("\r\n")

const plain = (subject: string, body: string) =>
  `From: Sender <sender@client.test>\r\nTo: user@example.test\r\nSubject: ${subject}\r\n\r\n${body}\r\n`

const send = (gw: RunningGateway, message: string) =>
  sendRaw(gw.smtp.port, { from: "sender@client.test", to: ["user@example.test"] }, message)

let clamd: ClamdPeer
let sink: SmtpSink
const running: Array<RunningGateway> = []
beforeAll(async () => {
  ;[clamd, sink] = await Promise.all([startClamd(), SmtpSink.start()])
})
afterAll(async () => {
  for (const g of running) await g.close()
  await Promise.all([clamd?.stop(), sink?.stop()])
})

/** A gateway relaying to smtp-sink whose only verdict-changing check is the virus scan. */
const start = async (
  virus: Record<string, unknown> | undefined,
  antispam: Record<string, unknown> = {},
  log?: Array<string>
): Promise<RunningGateway> => {
  const gw = await gateway(
    {
      admin: { token: TOKEN },
      delivery: { downstream: { host: "127.0.0.1", port: sink.port } },
      classifier: { enabled: false },
      antispam: {
        endUserBlocklist: { enabled: false },
        auth: { enabled: false },
        ...antispam,
        ...(virus ? { virus } : {})
      }
    },
    log ? { log: (l) => log.push(l) } : {}
  )
  running.push(gw)
  return gw
}

/**
 * Copies smtp-sink kept of a subject. The relay opens its downstream transaction at RCPT, so a
 * refused message leaves a dump file that smtp-sink removes when the transaction is aborted: a
 * listing can name a file gone by the time it is read, then it is read again.
 */
const copies = (subject: string): number => {
  for (;;)
    try {
      return sink.dumps().filter((d) => d.includes(`Subject: ${subject}\n`)).length
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error
    }
}
const metric = (gw: RunningGateway, result: string): Promise<number> =>
  resultCount(gw, "mailmoat_virus_scans_total", result)

describe("onVirus: reject (the default), real clamd over its unix socket", () => {
  let gw: RunningGateway
  const log: Array<string> = []
  beforeAll(async () => {
    gw = await start({ clamd: { socket: clamd.socket, timeoutSeconds: 20 } }, {}, log)
  })

  test("EICAR in a base64 attachment, sent by swaks: 554 5.7.1 naming the signature, nothing delivered", async () => {
    const dir = tempDir()
    writeFileSync(join(dir, "eicar.txt"), eicar())
    const r = await swaks(gw.smtp.port, [
      "--from",
      "sender@client.test",
      "--to",
      "user@example.test",
      "--header",
      "Subject: virus attachment swaks",
      "--attach-type",
      "application/octet-stream",
      "--attach-name",
      "eicar.txt",
      "--attach",
      `@${join(dir, "eicar.txt")}`
    ])
    expect(r.out).toMatch(
      /<\*\* +554 5\.7\.1 Message rejected: virus found: Mailmoat\.Test\.EICAR\.(Hash|Body)\.UNOFFICIAL/
    )
    expect(copies("virus attachment swaks")).toBe(0)
    const line = log.find((l) => l.includes(" info message ") && l.includes("code=554"))
    expect(line).toMatch(/virus="found Mailmoat\.Test\.EICAR\.(Hash|Body)\.UNOFFICIAL"/)
    expect(line).toMatch(/rule="virus: Mailmoat\.Test\.EICAR/)
    expect(await metric(gw, "found")).toBeGreaterThanOrEqual(1)
  })

  test("EICAR inline in a text body is refused too", async () => {
    const r = await send(gw, plain("virus inline", `Hello,\r\n${EICAR}\r\nBye`))
    expect(r.data).toMatch(/^554 5\.7\.1 Message rejected: virus found: /)
    expect(r.data).toMatch(SIGNATURE)
    expect(copies("virus inline")).toBe(0)
  })

  test("a clean message is delivered; the line says clean", async () => {
    const r = await send(gw, withAttachment("clean attachment", "just some text, nothing to see\r\n"))
    expect(r.data).toMatch(/^250 /)
    expect(copies("clean attachment")).toBe(1)
    expect(log.find((l) => l.includes(" info message ") && l.includes('virus="clean"'))).toBeDefined()
    expect(await metric(gw, "clean")).toBeGreaterThanOrEqual(1)
  })
})

describe("the whole message is scanned, not the scan view", () => {
  test("EICAR after 2 MB of text (past the 1 MiB spool head and a 64 KB maxScanSizeKB) is refused", async () => {
    const gw = await start({ clamd: { socket: clamd.socket, timeoutSeconds: 30 } }, { maxScanSizeKB: 64 })
    const message = withAttachment("virus past the view", eicar(), 30_000)
    expect(message.length).toBeGreaterThan(2 * 1024 * 1024)
    const r = await send(gw, message)
    expect(r.data).toMatch(/^554 5\.7\.1 Message rejected: virus found: /)
    expect(copies("virus past the view")).toBe(0)
    const clean = await send(gw, withAttachment("large clean", "nothing here\r\n", 30_000))
    expect(clean.data).toMatch(/^250 /)
    expect(copies("large clean")).toBe(1)
  })
})

describe("onVirus: quarantine and drop", () => {
  test("quarantine: 250, kept with the signature in the reason and the verdict's symbols; drop: 250, nothing kept", async () => {
    const q = await start({ clamd: { socket: clamd.socket }, onVirus: "quarantine" })
    const r = await send(q, withAttachment("virus quarantined", eicar()))
    expect(r.data).toMatch(/^250 /)
    expect(copies("virus quarantined")).toBe(0)
    const entries = join(q.quarantine, "entries")
    const ids = readdirSync(entries)
    expect(ids).toHaveLength(1)
    const meta = JSON.parse(readFileSync(join(entries, ids[0]!, "meta.json"), "utf8"))
    expect(meta.reason).toMatch(/^virus found: Mailmoat\.Test\.EICAR/)
    expect(meta.verdict.symbols).toContainEqual(
      expect.objectContaining({ name: "VIRUS_FOUND", detail: expect.stringMatching(SIGNATURE) })
    )

    const d = await start({ clamd: { socket: clamd.socket }, onVirus: "drop" })
    const dropped = await send(d, withAttachment("virus dropped", eicar()))
    expect(dropped.data).toMatch(/^250 /)
    expect(copies("virus dropped")).toBe(0)
    expect(
      readdirSync(d.quarantine, { recursive: true })
        .map(String)
        .filter((f) => f.endsWith("meta.json"))
    ).toEqual([])
  })
})

describe("clamd unavailable", () => {
  test("paused, then killed: 451 4.7.1 with a reason and a warn line; each retry once clamd is back is delivered once", async () => {
    const own = await startClamd()
    const log: Array<string> = []
    try {
      const gw = await start({ clamd: { host: "127.0.0.1", port: own.port, timeoutSeconds: 3 } }, {}, log)
      expect((await send(gw, plain("before the outage", "hello"))).data).toMatch(/^250 /)

      process.kill(own.pid, "SIGSTOP")
      const paused = await send(gw, plain("while paused", "hello"))
      expect(paused.data).toMatch(/^451 4\.7\.1 Try again later: virus scanner unavailable \(timeout\)/)
      expect(log.find((l) => l.includes(" warn virus_scan_unavailable "))).toMatch(/reason="timeout"/)
      process.kill(own.pid, "SIGCONT")
      expect((await send(gw, plain("while paused", "hello"))).data).toMatch(/^250 /)
      expect(copies("while paused")).toBe(1)

      await own.stop()
      const down = await send(gw, plain("while down", "hello"))
      expect(down.data).toMatch(/^451 4\.7\.1 Try again later: virus scanner unavailable \(connect\)/)
      const back = await startClamd({ port: own.port })
      try {
        expect((await send(gw, plain("while down", "hello"))).data).toMatch(/^250 /)
        // A virus is found again once clamd is back.
        expect((await send(gw, plain("after the outage", EICAR))).data).toMatch(/^554 /)
      } finally {
        await back.stop()
      }
      expect(copies("while down")).toBe(1)
      expect(
        readdirSync(gw.quarantine, { recursive: true })
          .map(String)
          .filter((f) => f.endsWith(".eml"))
      ).toEqual([])
      expect(await metric(gw, "unavailable")).toBe(2)
    } finally {
      await own.stop()
    }
  })

  test("a fake clamd answering garbage on a loopback port: 451, never a 250", async () => {
    const fake: Server = createServer((socket) => {
      socket.on("error", () => {})
      socket.once("data", () => socket.end("HELLO, I AM NOT CLAMD\0"))
    })
    await new Promise<void>((r) => fake.listen(0, "127.0.0.1", () => r()))
    try {
      const port = (fake.address() as { port: number }).port
      const gw = await start({ clamd: { host: "127.0.0.1", port, timeoutSeconds: 5 } })
      const r = await send(gw, plain("garbage clamd", "hello"))
      expect(r.data).toMatch(/^451 4\.7\.1 Try again later: virus scanner unavailable \(protocol\)/)
      expect(copies("garbage clamd")).toBe(0)
    } finally {
      await new Promise((r) => fake.close(r))
    }
  })

  test("onUnavailable: deliver delivers with X-Mailmoat-Warning saying it was not scanned", async () => {
    const gw = await start({
      clamd: { host: "127.0.0.1", port: await freePort(), timeoutSeconds: 3 },
      onUnavailable: "deliver"
    })
    const r = await send(gw, plain("unscanned but allowed", "hello"))
    expect(r.data).toMatch(/^250 /)
    expect(sink.dumpWith("Subject: unscanned but allowed")).toContain(
      "X-Mailmoat-Warning: not scanned for threats (scanner unavailable: connect)"
    )
  })
})

describe("oversize", () => {
  test("over maxSizeMB: delivered with the warning header by default, 552 5.3.4 with onOversize: reject", async () => {
    const big = (subject: string) => withAttachment(subject, eicar(), 20_000)
    const deliver = await start({ clamd: { socket: clamd.socket }, maxSizeMB: 1 })
    expect((await send(deliver, big("too large, delivered"))).data).toMatch(/^250 /)
    expect(sink.dumpWith("Subject: too large, delivered")).toMatch(
      /X-Mailmoat-Warning: not scanned for threats \(\d+ bytes, over maxSizeMB 1\)/
    )
    const reject = await start({ clamd: { socket: clamd.socket }, maxSizeMB: 1, onOversize: "reject" })
    const r = await send(reject, big("too large, refused"))
    expect(r.data).toMatch(/^552 5\.3\.4 Message rejected: too large to be scanned for viruses/)
    expect(copies("too large, refused")).toBe(0)
  })

  test("over clamd's own StreamMaxLength: clamd's size-limit answer is oversize, not unavailable", async () => {
    const small = await startClamd({ streamMaxLength: "1M" })
    try {
      const gw = await start({ clamd: { socket: small.socket } })
      const r = await send(gw, withAttachment("over StreamMaxLength", "clean\r\n", 30_000))
      expect(r.data).toMatch(/^250 /)
      expect(sink.dumpWith("Subject: over StreamMaxLength")).toContain(
        "X-Mailmoat-Warning: not scanned for threats (over clamd's StreamMaxLength"
      )
    } finally {
      await small.stop()
    }
  })
})

describe("bypasses", () => {
  test("an allowed IP is scanned by default; with bypass: [allowedIps] it is not", async () => {
    const allowed = { bypass: { allowedIps: ["127.0.0.1/32"] } }
    const scanned = await start({ clamd: { socket: clamd.socket } }, allowed)
    expect((await send(scanned, withAttachment("allowed ip scanned", eicar()))).data).toMatch(/^554 5\.7\.1 /)
    const log: Array<string> = []
    const spared = await start({ clamd: { socket: clamd.socket }, bypass: ["allowedIps"] }, allowed, log)
    expect((await send(spared, withAttachment("allowed ip spared", eicar()))).data).toMatch(/^250 /)
    expect(copies("allowed ip spared")).toBe(1)
    expect(log.find((l) => l.includes(" info message "))).toContain('virus="skipped (bypass allowedIps)"')
    expect(await metric(spared, "skipped")).toBe(1)
  })
})

describe("reload", () => {
  test("a reload turns the scan on, changes its action and turns it off", async () => {
    const dir = tempDir()
    const file = join(dir, "mailmoat.yaml")
    const yaml = (virus: string) =>
      [
        `dataDir: ${dir}/data`,
        "smtp: { host: 127.0.0.1, port: 0, hostname: gw.test }",
        `admin: { host: 127.0.0.1, port: 0, token: ${TOKEN} }`,
        `delivery: { downstream: { host: 127.0.0.1, port: ${sink.port} } }`,
        "classifier: { enabled: false }",
        "antispam:",
        "  endUserBlocklist: { enabled: false }",
        "  auth: { enabled: false }",
        virus,
        ""
      ].join("\n")
    writeFileSync(file, yaml(""))
    const load = () => ConfigFile.load(GatewayConfig.codec, { file })
    const first = load()
    if (!first.ok) throw new Error(first.problems.join("\n"))
    const gw = await startGateway(first.config, { base: dir, reloadConfig: load, shutdownTimeoutMs: 5000 })
    running.push(gw)
    expect((await send(gw, withAttachment("reload off", eicar()))).data).toMatch(/^250 /)

    writeFileSync(file, yaml(`  virus: { clamd: { socket: ${clamd.socket} } }`))
    expect((await api(gw, "POST", "/api/reload")).status).toBe(200)
    expect((await send(gw, withAttachment("reload on", eicar()))).data).toMatch(/^554 5\.7\.1 /)
    expect(gw.status().modules.antispam).toMatchObject({ virus: { scanner: clamd.socket, onVirus: "reject" } })

    writeFileSync(file, yaml(`  virus: { clamd: { socket: ${clamd.socket} }, onVirus: bounce }`))
    const refused = await api(gw, "POST", "/api/reload")
    expect(refused.status).toBe(422)
    expect(refused.json.problems).toEqual([
      'antispam.virus.onVirus: expected one of reject | quarantine | drop, got "bounce"'
    ])
    expect((await send(gw, withAttachment("reload refused", eicar()))).data).toMatch(/^554 /)

    writeFileSync(file, yaml(`  virus: { clamd: { socket: ${clamd.socket} }, onVirus: drop }`))
    expect((await api(gw, "POST", "/api/reload")).status).toBe(200)
    expect((await send(gw, withAttachment("reload drop", eicar()))).data).toMatch(/^250 /)
    expect(copies("reload drop")).toBe(0)

    writeFileSync(file, yaml(""))
    expect((await api(gw, "POST", "/api/reload")).status).toBe(200)
    expect((await send(gw, withAttachment("reload off again", eicar()))).data).toMatch(/^250 /)
    expect(copies("reload off again")).toBe(1)
  })
})
