// Runtime smoke suite: the built engine (core), protocols and gateway, run as they are on
// Node 20/24, Bun and Deno (`node runtime-tests/smoke.mjs`, `bun runtime-tests/smoke.mjs`,
// `deno run -A runtime-tests/smoke.mjs`). Imports the built dist (run the build first), starts the
// gateway on 127.0.0.1:0 with a temporary Maildir, sends messages over a raw SMTP socket and
// checks the replies and the delivered files. Prints "N passed, N failed"; exits non-zero on any
// failure. Loopback only; every wait is bounded.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs"
import * as net from "node:net"
import { tmpdir } from "node:os"
import { dirname, join, resolve } from "node:path"
import * as tls from "node:tls"
import { fileURLToPath } from "node:url"

const root = fileURLToPath(new URL("..", import.meta.url))
const runtime =
  typeof globalThis.Deno !== "undefined"
    ? `deno ${globalThis.Deno.version.deno}`
    : typeof globalThis.Bun !== "undefined"
      ? `bun ${globalThis.Bun.version}`
      : `node ${process.versions.node}`
for (const dist of ["packages/core/dist/index.js", "packages/protocols/dist/index.js", "apps/gateway/dist/index.js"]) {
  if (!existsSync(join(root, dist))) {
    console.error(`missing ${dist}: build first (npm run build)`)
    process.exit(1)
  }
}
const core = await import(join(root, "packages/core/dist/index.js"))
const protocols = await import(join(root, "packages/protocols/dist/index.js"))
const { startGateway } = await import(join(root, "apps/gateway/dist/index.js"))
// Sender authentication's DNS questions go to a loopback resolver (NXDOMAIN), never off the machine.
const { startLoopbackResolver } = await import(join(root, "test/support/loopback-resolver.mjs"))
const resolver = await startLoopbackResolver()

let passed = 0
let failed = 0
const check = async (name, f) => {
  try {
    await f()
    passed++
    console.log(`  ok   ${name}`)
  } catch (error) {
    failed++
    console.log(`  FAIL ${name}: ${error?.stack ?? error}`)
  }
}
const assert = (cond, message) => {
  if (!cond) throw new Error(message)
}

/** One SMTP transaction over a raw socket; resolves with the reply to each step. */
const smtp = (port, from, to, body) =>
  new Promise((resolve, reject) => {
    const socket = net.connect({ host: "127.0.0.1", port })
    const steps = [
      null,
      "EHLO smoke.test",
      `MAIL FROM:<${from}>`,
      ...to.map((r) => `RCPT TO:<${r}>`),
      "DATA",
      `${body}\r\n.`,
      "QUIT"
    ]
    const replies = []
    let buffer = ""
    const timer = setTimeout(() => {
      socket.destroy()
      reject(new Error(`timed out; replies so far: ${JSON.stringify(replies)}`))
    }, 15_000)
    socket.on("error", (e) => {
      clearTimeout(timer)
      reject(e)
    })
    socket.on("close", () => {
      clearTimeout(timer)
      resolve(replies)
    })
    socket.on("data", (d) => {
      buffer += d.toString("latin1")
      for (let i = buffer.indexOf("\r\n"); i !== -1; i = buffer.indexOf("\r\n")) {
        const line = buffer.slice(0, i)
        buffer = buffer.slice(i + 2)
        if (line[3] === "-") continue
        replies.push(line)
        steps.shift()
        if (steps.length === 0) return
        socket.write(`${steps[0]}\r\n`)
      }
    })
  })

/**
 * EHLO, STARTTLS, and a handshake trusting `ca` only: resolves with the CN of the certificate the
 * listener served.
 */
const starttlsName = (port, ca) =>
  new Promise((resolve, reject) => {
    const socket = net.connect({ host: "127.0.0.1", port })
    const timer = setTimeout(() => {
      socket.destroy()
      reject(new Error("STARTTLS timed out"))
    }, 15_000)
    const fail = (e) => {
      clearTimeout(timer)
      socket.destroy()
      reject(e)
    }
    socket.on("error", fail)
    let buffer = ""
    const steps = ["EHLO smoke.test", "STARTTLS"]
    const onData = (d) => {
      buffer += d.toString("latin1")
      for (let i = buffer.indexOf("\r\n"); i !== -1; i = buffer.indexOf("\r\n")) {
        const line = buffer.slice(0, i)
        buffer = buffer.slice(i + 2)
        if (line[3] === "-") continue
        if (steps.length > 0) {
          socket.write(`${steps.shift()}\r\n`)
          continue
        }
        if (!line.startsWith("220 ")) return fail(new Error(`STARTTLS reply: ${line}`))
        socket.removeListener("data", onData)
        // The leaves name other hosts than 127.0.0.1: the chain is verified, the name is what we read.
        const secure = tls.connect({ socket, ca, checkServerIdentity: () => undefined })
        secure.on("error", fail)
        secure.once("secureConnect", () => {
          clearTimeout(timer)
          const cn = secure.getPeerCertificate().subject?.CN
          secure.end("QUIT\r\n")
          resolve(cn)
        })
        return
      }
    }
    socket.on("data", onData)
  })

console.log(`mailmoat smoke on ${runtime}`)
const dataDir = mkdtempSync(join(tmpdir(), "mailmoat-smoke-"))
let gateway
try {
  await check("temporary files go under $TMPDIR (the test command looks there for leftovers)", () => {
    const wanted = process.env.TMPDIR
    assert(wanted === undefined || dirname(dataDir) === resolve(wanted), `${dataDir} is not under TMPDIR=${wanted}`)
  })

  await check("engine: envelope and actions (core dist)", () => {
    const e = core.Envelope.make({ clientAddress: "::ffff:192.0.2.7", rcptTo: ["a@example.test"] })
    assert(e.clientAddress === "192.0.2.7", `normaliseIp: ${e.clientAddress}`)
    assert(core.Action.quarantine("x")._tag === "Quarantine", "Action.quarantine")
  })

  await check("protocols: wire encoder dot-stuffs and neutralises bare LF (protocols dist)", () => {
    const out = new TextDecoder().decode(protocols.Smtp.encodeForWire(new TextEncoder().encode("A\n.\r\nB\0")))
    assert(out === "A\r\n..\r\nB\r\n.\r\n", JSON.stringify(out))
  })

  await check("interception CA: init, load, mint a leaf (protocols dist; certificate code on first use)", async () => {
    const { initCa, loadCa, LeafMinter } = protocols.Interception
    const certPath = join(dataDir, "ca", "ca.pem")
    const keyPath = join(dataDir, "ca", "ca.key")
    const made = await initCa({ certPath, keyPath, commonName: "Smoke CA" })
    assert(made.isCa && made.keyKind === "ecdsa-p256", JSON.stringify(made))
    const minter = await LeafMinter.make(await loadCa({ certPath, keyPath }))
    const leaf = await minter.mint("imap.example.test")
    assert(leaf.certPem.startsWith("-----BEGIN CERTIFICATE-----"), leaf.certPem.slice(0, 40))
    assert(leaf.names[0] === "imap.example.test", JSON.stringify(leaf.names))
  })

  await check("SMTP STARTTLS: setTls serves a new certificate to new handshakes (protocols dist)", async () => {
    const { initCa, loadCa, LeafMinter } = protocols.Interception
    const certPath = join(dataDir, "rotation-ca", "ca.pem")
    const keyPath = join(dataDir, "rotation-ca", "ca.key")
    await initCa({ certPath, keyPath, commonName: "Smoke rotation CA" })
    const minter = await LeafMinter.make(await loadCa({ certPath, keyPath }))
    const [a, b] = [await minter.mint("a.smoke.test"), await minter.mint("b.smoke.test")]
    const handler = { onData: async () => ({ code: 250, enhanced: "2.0.0", text: "Ok" }) }
    const server = await protocols.Smtp.SmtpServer.listen(
      { hostname: "smoke.test", tls: { key: a.keyPem, cert: a.certPem }, freeSpace: false, authLimit: false },
      handler
    )
    try {
      const ca = readFileSync(certPath, "utf8")
      assert((await starttlsName(server.address.port, ca)) === "a.smoke.test", "first certificate")
      server.setTls({ key: b.keyPem, cert: b.certPem })
      const after = await starttlsName(server.address.port, ca)
      assert(after === "b.smoke.test", `after setTls: ${after}`)
    } finally {
      await server.close({ graceful: false })
    }
  })

  await check("gateway starts on 127.0.0.1:0 with a temporary Maildir", async () => {
    gateway = await startGateway({
      dataDir,
      smtp: { host: "127.0.0.1", port: 0, hostname: "smoke.test" },
      admin: { enabled: false },
      antispam: { dns: { servers: [resolver.server] } }
    })
    assert(gateway.smtp.port > 0, "no port")
    assert(gateway.delivery === `maildir ${join(dataDir, "maildir")}`, gateway.delivery)
  })

  await check("SMTP round trip: 250 only once the file is in new/", async () => {
    const replies = await smtp(
      gateway.smtp.port,
      "sender@example.test",
      ["rcpt@example.test"],
      `From: Sender <sender@example.test>\r\nDate: Thu, 03 Dec 2026 09:00:00 +0000\r\nMessage-ID: <smoke@example.test>\r\nSubject: smoke\r\n\r\nhello\r\n..dot`
    )
    assert(replies[0]?.startsWith("220 "), `greeting: ${replies[0]}`)
    const dataReply = replies.at(-2)
    assert(dataReply?.startsWith("250 2.0.0 Ok"), `DATA reply: ${dataReply} (all: ${JSON.stringify(replies)})`)
    const dir = join(dataDir, "maildir", "rcpt@example.test", "new")
    const files = readdirSync(dir)
    assert(files.length === 1, `files in new/: ${files.length}`)
    const text = readFileSync(join(dir, files[0]), "latin1")
    assert(/^Received: from smoke\.test \(\[127\.0\.0\.1\]\)/.test(text), "no Received header")
    // Sender authentication (mailauth, a CommonJS dependency) ran in this runtime.
    // (the header writer folds the value itself, at 78 columns)
    assert(
      /^Authentication-Results: smoke\.test;\s+spf=/m.test(text),
      `no Authentication-Results header: ${JSON.stringify(text.slice(0, 400))}`
    )
    assert(text.endsWith("Subject: smoke\r\n\r\nhello\r\n.dot\r\n"), JSON.stringify(text.slice(-60)))
  })

  await check("status counts the message", () => {
    const s = gateway.status()
    assert(s.counters.messagesAccepted === 1 && s.counters.recipientsDelivered === 1, JSON.stringify(s.counters))
  })

  await check("message model: headers, RFC 2047, Received hop, body hosts (core dist)", () => {
    const text =
      "Received: from a (a [203.0.113.5]) by b\r\nSubject: =?utf-8?q?h=C3=A9?=\r\n\r\nsee http://spam.example.com/x\r\n"
    const m = core.MessageModel.fromBytes(new TextEncoder().encode(text), {
      envelope: core.Envelope.make({ clientAddress: "192.0.2.1" })
    })
    assert(m.headers.decoded("subject") === "h\u00e9", `subject: ${m.headers.decoded("subject")}`)
    assert(m.received[0]?.ip === "203.0.113.5", `received: ${JSON.stringify(m.received[0])}`)
    assert(m.body.hosts.includes("spam.example.com"), `hosts: ${m.body.hosts}`)
  })

  await check("antispam + classifier: a GTUBE message is quarantined, not delivered", async () => {
    const gtube = "XJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X"
    const replies = await smtp(
      gateway.smtp.port,
      "sender@example.test",
      ["victim@example.test"],
      `Subject: offer\r\n\r\n${gtube}`
    )
    assert(replies.at(-2)?.startsWith("250 "), `DATA reply: ${JSON.stringify(replies)}`)
    assert(!existsSync(join(dataDir, "maildir", "victim@example.test")), "GTUBE was delivered")
    assert(gateway.status().counters.recipientsQuarantined === 1, JSON.stringify(gateway.status().counters))
  })

  await check("graceful shutdown", async () => {
    await gateway.close()
    gateway = undefined
  })
} finally {
  await gateway?.close()
  await resolver.stop()
  rmSync(dataDir, { recursive: true, force: true })
}
console.log(`${passed} passed, ${failed} failed`)
process.exit(failed === 0 ? 0 : 1)
