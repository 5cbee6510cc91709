// IMAP proxy benchmark: starts a real Dovecot (as the integration tests do) with 200 messages,
// then times `FETCH 1:200 BODY.PEEK[]` direct to Dovecot and through the built proxy
// (packages/protocols/dist) with a pass-through scanner and with a "real-ish" scanner (parses the
// header block, scans the body for words, tags a few messages). The verdict cache is bypassed
// (a fresh proxy per round) so every round really scans. Prints medians and ratios.
// Run: npx turbo run build --filter=@mailmoat/protocols && node bench/proxy-fetch.mjs [rounds=15]
//
// `--compress`: the client sends COMPRESS DEFLATE (RFC 4978) after login and reads the FETCH
// compressed (Dovecot loads imap_zlib, so "direct" is compressed by Dovecot itself), and the
// pass-through proxy is also timed uncompressed in the same sitting. Per fetch it prints the wall
// time, the process CPU (user + system: proxy and client share this process), the bytes on the
// client's wire and the sync flushes seen in the compressed stream (empty stored blocks,
// 00 00 FF FF). `--dist DIR/index.js` runs another build's proxy (e.g. /tmp/mm-base's);
// `--base DIR` adds that tree's proxy, timed in alternated rounds with this one.
// Loopback only; bounded in count and time.
import { execFileSync, spawn } from "node:child_process"
import { chownSync, mkdirSync, readdirSync, rmSync, writeFileSync, chmodSync } from "node:fs"
import * as net from "node:net"
import { userInfo } from "node:os"
import { join, resolve } from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"
import * as zlib from "node:zlib"
import { benchTempDir } from "./temp-dir.mjs"

const flag = (name) => process.argv.includes(`--${name}`)
const option = (name) => {
  const i = process.argv.indexOf(`--${name}`)
  return i > 0 ? process.argv[i + 1] : undefined
}
const here = fileURLToPath(new URL("..", import.meta.url))
const loadProxy = async (dist) => (await import(pathToFileURL(resolve(dist)).href)).MailProxy
const { MailProxy } = { MailProxy: await loadProxy(option("dist") ?? join(here, "packages/protocols/dist/index.js")) }
const baseTree = option("base")
const BaseProxy =
  baseTree === undefined ? undefined : await loadProxy(join(baseTree, "packages/protocols/dist/index.js"))
const COMPRESS = flag("compress")
const ROUNDS = Number(process.argv[2] !== undefined && !process.argv[2].startsWith("--") ? process.argv[2] : 15)
const COUNT = 200
const dir = benchTempDir("mailmoat-bench-dovecot-")
chmodSync(dir, 0o755)

const freePort = () =>
  new Promise((resolve) => {
    const s = net.createServer()
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address()
      s.close(() => resolve(port))
    })
  })

const message = (i) => {
  const body = Array.from(
    { length: 60 },
    (_, k) => `line ${k} of message ${i}: lorem ipsum dolor sit amet, consectetur adipiscing`
  ).join("\r\n")
  return `From: s${i}@example.test\r\nTo: u@example.test\r\nSubject: bench ${i}\r\nMessage-ID: <b${i}@example.test>\r\n\r\n${i % 17 === 0 ? "SPAMWORD\r\n" : ""}${body}\r\n`
}

// Dovecot with a Maildir of COUNT messages.
const root = process.getuid() === 0
const mailUser = root ? "nobody" : userInfo().username
const maildir = join(dir, "Maildir")
for (const sub of ["cur", "new", "tmp"]) mkdirSync(join(maildir, sub), { recursive: true })
for (let i = 1; i <= COUNT; i++) writeFileSync(join(maildir, "cur", `${1e9 + i}.M${i}.bench:2,`), message(i))
if (root) {
  const uid = Number(execFileSync("id", ["-u", mailUser], { encoding: "utf8" }))
  const gid = Number(execFileSync("id", ["-g", mailUser], { encoding: "utf8" }))
  for (const sub of ["", "cur", "new", "tmp"]) chownSync(join(maildir, sub), uid, gid)
  for (const f of readdirSync(join(maildir, "cur"))) chownSync(join(maildir, "cur", f), uid, gid)
}
const port = await freePort()
mkdirSync(join(dir, "base"))
mkdirSync(join(dir, "state"))
writeFileSync(join(dir, "passwd"), "user:{PLAIN}pw::::::\n")
const group = root ? "nogroup" : execFileSync("id", ["-gn"], { encoding: "utf8" }).trim()
writeFileSync(
  join(dir, "dovecot.conf"),
  `base_dir = ${dir}/base
state_dir = ${dir}/state
instance_name = mailmoat-bench-${port}
protocols = imap
listen = 127.0.0.1
ssl = no
default_internal_user = ${mailUser}
default_internal_group = ${group}
default_login_user = ${root ? "dovenull" : mailUser}
first_valid_uid = 1
login_trusted_networks = 127.0.0.0/8
auth_mechanisms = plain
disable_plaintext_auth = no
mail_location = maildir:${maildir}
mail_plugins = $mail_plugins zlib
protocol imap {
  mail_plugins = $mail_plugins imap_zlib
}
log_path = ${dir}/dovecot.log
passdb {
  driver = passwd-file
  args = scheme=PLAIN ${dir}/passwd
}
userdb {
  driver = static
  args = uid=${mailUser} gid=${group} home=${dir}
}
service imap-login {
  chroot =
  inet_listener imap {
    port = ${port}
  }
  inet_listener imaps {
    port = 0
  }
}
service anvil {
  chroot =
}
`
)
const dovecot = spawn("/usr/sbin/dovecot", ["-F", "-c", join(dir, "dovecot.conf")], { stdio: "ignore" })
const killer = setTimeout(() => dovecot.kill("SIGKILL"), 300_000)

/** Minimal IMAP client: runs commands, returns the FETCH reply (inflated once compressed). */
const client = (p) =>
  new Promise((resolve, reject) => {
    const s = net.connect(p, "127.0.0.1")
    s.on("error", reject)
    let chunks = []
    let waiting
    let greeted = false
    let out = s
    const wire = { bytes: 0, flushes: 0, tail: Buffer.alloc(0) }
    const received = (d) => {
      chunks.push(d)
      if (!greeted) {
        greeted = true
        chunks = []
        resolve(api)
      }
      waiting?.()
    }
    s.on("data", received)
    const until = (tag) =>
      new Promise((res) => {
        const check = () => {
          const text = Buffer.concat(chunks).subarray(-4000).toString("latin1")
          if (new RegExp(`(^|\\r\\n)${tag} (OK|NO|BAD)`).test(text)) {
            const all = Buffer.concat(chunks)
            chunks = []
            waiting = undefined
            res(all)
          }
        }
        waiting = check
        check()
      })
    const api = {
      until,
      send: (line) => out.write(`${line}\r\n`),
      close: () => s.destroy(),
      wire,
      /** From here on both directions are raw DEFLATE, as after `OK DEFLATE active`. */
      compress: () => {
        s.removeListener("data", received)
        const inflate = zlib.createInflateRaw({ flush: zlib.constants.Z_SYNC_FLUSH })
        const deflate = zlib.createDeflateRaw({ flush: zlib.constants.Z_SYNC_FLUSH })
        deflate.on("data", (d) => s.write(d))
        s.on("data", (d) => {
          wire.bytes += d.length
          // Sync flush markers, also when one straddles two reads.
          const joined = Buffer.concat([wire.tail, d])
          for (let i = joined.indexOf(SYNC_MARK); i !== -1; i = joined.indexOf(SYNC_MARK, i + 1))
            if (i + 4 > wire.tail.length) wire.flushes++
          wire.tail = joined.subarray(Math.max(0, joined.length - 3))
          inflate.write(d)
        })
        inflate.on("data", received)
        out = deflate
      }
    }
  })
const SYNC_MARK = Buffer.from([0x00, 0x00, 0xff, 0xff])

const fetchOnce = async (p, compress = false) => {
  const c = await client(p)
  await new Promise((r) => setTimeout(r, 0))
  c.send("a LOGIN user pw")
  await c.until("a")
  if (compress) {
    c.send("z COMPRESS DEFLATE")
    const ok = (await c.until("z")).toString("latin1")
    if (!/z OK/.test(ok)) throw new Error(`COMPRESS refused: ${ok}`)
    c.compress()
  }
  c.send("b EXAMINE INBOX")
  await c.until("b")
  const wire0 = { ...c.wire }
  const cpu0 = process.cpuUsage()
  const t0 = process.hrtime.bigint()
  c.send("c FETCH 1:* BODY.PEEK[]")
  const reply = await c.until("c")
  const ms = Number(process.hrtime.bigint() - t0) / 1e6
  const cpu = process.cpuUsage(cpu0)
  c.close()
  return {
    ms,
    cpuMs: (cpu.user + cpu.system) / 1000,
    bytes: reply.length,
    reply,
    wireBytes: compress ? c.wire.bytes - wire0.bytes : reply.length,
    flushes: c.wire.flushes - wire0.flushes
  }
}

// Wait for Dovecot.
for (let i = 0; ; i++) {
  try {
    await fetchOnce(port)
    break
  } catch (e) {
    if (i > 100) throw e
    await new Promise((r) => setTimeout(r, 100))
  }
}

const realish = async ({ bytes }) => {
  const text = Buffer.from(bytes).toString("latin1")
  const split = text.indexOf("\r\n\r\n")
  const headers = new Map()
  for (const line of text.slice(0, split).split("\r\n")) {
    const i = line.indexOf(":")
    if (i > 0) headers.set(line.slice(0, i).toLowerCase(), line.slice(i + 1).trim())
  }
  let score = 0
  for (const word of text.slice(split + 4).split(/\s+/)) if (word === "SPAMWORD" || word === "viagra") score += 5
  if (score < 5) return { kind: "pass" }
  return {
    kind: "rewrite",
    bytes: Buffer.from(`X-Spam: yes\r\n${text.replace(/^Subject: /m, "Subject: [SPAM] ")}`, "latin1")
  }
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]

const time = async (label, makePort) => {
  const samples = []
  let bytes = 0
  for (let r = 0; r < ROUNDS; r++) {
    const { p, close } = await makePort()
    const s = await fetchOnce(p)
    await close()
    samples.push(s.ms)
    bytes = s.bytes
  }
  const m = median(samples)
  console.log(
    `${label.padEnd(28)} median ${m.toFixed(1)} ms  min ${Math.min(...samples).toFixed(1)} ms  (${COUNT} messages, ${(bytes / 1024).toFixed(0)} KiB reply)`
  )
  return m
}

const viaProxy =
  (scanner, Proxy = MailProxy) =>
  async () => {
    const proxy = await Proxy.listen({
      listen: { host: "127.0.0.1", port: 0 },
      upstream: { host: "127.0.0.1", port },
      protocol: "imap",
      mode: "plain",
      scanner
    })
    return { p: proxy.address.port, close: () => proxy.close() }
  }

/** Compressed against plain, every configuration once per round, in an order that alternates. */
const compressed = async () => {
  const direct = async () => ({ p: port, close: async () => undefined })
  const configs = [
    { label: "direct, plain", makePort: direct, compress: false },
    { label: "direct, compressed", makePort: direct, compress: true },
    { label: "proxy, plain", makePort: viaProxy(MailProxy.passThrough), compress: false },
    { label: "proxy, compressed", makePort: viaProxy(MailProxy.passThrough), compress: true },
    ...(BaseProxy === undefined
      ? []
      : [
          { label: "base proxy, plain", makePort: viaProxy(BaseProxy.passThrough, BaseProxy), compress: false },
          { label: "base proxy, compressed", makePort: viaProxy(BaseProxy.passThrough, BaseProxy), compress: true }
        ])
  ]
  const runs = configs.map(() => [])
  for (let r = 0; r < ROUNDS; r++) {
    const order = configs.map((_, i) => i)
    if (r % 2 === 1) order.reverse()
    for (const i of order) {
      const { p, close } = await configs[i].makePort()
      runs[i].push(await fetchOnce(p, configs[i].compress))
      await close()
    }
  }
  const med = (i, key) => median(runs[i].map((x) => x[key]))
  configs.forEach((c, i) =>
    console.log(
      `${c.label.padEnd(24)} wall ${med(i, "ms").toFixed(1)} ms  cpu ${med(i, "cpuMs").toFixed(1)} ms  wire ${(med(i, "wireBytes") / 1024).toFixed(0)} KiB  flushes ${med(i, "flushes")}  (reply ${(med(i, "bytes") / 1024).toFixed(0)} KiB, medians of ${ROUNDS})`
    )
  )
  /** Per-round ratios of configuration a to b: median (min-max). */
  const ratio = (a, b, key) => {
    const xs = runs[a].map((x, r) => x[key] / runs[b][r][key])
    return `x${median(xs).toFixed(2)} (${Math.min(...xs).toFixed(2)}-${Math.max(...xs).toFixed(2)})`
  }
  console.log(`proxy compressed/plain: wall ${ratio(3, 2, "ms")}, cpu ${ratio(3, 2, "cpuMs")}`)
  console.log(`direct compressed/plain: wall ${ratio(1, 0, "ms")}, cpu ${ratio(1, 0, "cpuMs")}`)
  if (BaseProxy !== undefined) {
    console.log(`this/base, compressed: wall ${ratio(3, 5, "ms")}, cpu ${ratio(3, 5, "cpuMs")}`)
    console.log(`this/base, plain: wall ${ratio(2, 4, "ms")}, cpu ${ratio(2, 4, "cpuMs")}`)
  }
  await flushCost(runs[2][0].reply, med(3, "flushes"))
}

/**
 * What the per-chunk flush costs by itself: the plain reply deflated as the proxy's client leg
 * does it, in `chunks` pieces each written with a sync flush and awaited (one per server read),
 * against the same pieces written without a flush and flushed once at the end (one per burst).
 * Process CPU (zlib works on the thread pool, which this counts) and bytes out, alternated rounds.
 */
const flushCost = async (reply, chunks) => {
  const size = Math.ceil(reply.length / chunks)
  const pieces = Array.from({ length: chunks }, (_, i) => reply.subarray(i * size, (i + 1) * size))
  const deflated = async (perChunk) => {
    const deflate = zlib.createDeflateRaw({ flush: perChunk ? zlib.constants.Z_SYNC_FLUSH : zlib.constants.Z_NO_FLUSH })
    let bytes = 0
    deflate.on("data", (d) => (bytes += d.length))
    const cpu0 = process.cpuUsage()
    for (const piece of pieces)
      if (perChunk) await new Promise((r) => deflate.write(piece, r))
      else deflate.write(piece)
    if (!perChunk) await new Promise((r) => deflate.flush(zlib.constants.Z_SYNC_FLUSH, r))
    const cpu = process.cpuUsage(cpu0)
    deflate.destroy()
    return { cpuMs: (cpu.user + cpu.system) / 1000, bytes }
  }
  const per = []
  const once = []
  for (let r = 0; r < ROUNDS * 2; r++) {
    if (r % 2 === 0) {
      per.push(await deflated(true))
      once.push(await deflated(false))
    } else {
      once.push(await deflated(false))
      per.push(await deflated(true))
    }
  }
  const xs = per.map((p, r) => p.cpuMs / once[r].cpuMs)
  console.log(
    `deflate of the ${(reply.length / 1024).toFixed(0)} KiB reply in ${chunks} pieces: a sync flush per piece ${median(per.map((p) => p.cpuMs)).toFixed(1)} ms cpu, ${median(per.map((p) => p.bytes))} B; one flush at the end ${median(once.map((p) => p.cpuMs)).toFixed(1)} ms cpu, ${median(once.map((p) => p.bytes))} B; per-piece/once cpu x${median(xs).toFixed(2)} (${Math.min(...xs).toFixed(2)}-${Math.max(...xs).toFixed(2)})`
  )
}

try {
  if (COMPRESS) await compressed()
  else {
    const direct = await time("direct to Dovecot", async () => ({ p: port, close: async () => undefined }))
    const pass = await time("proxy, pass-through scanner", viaProxy(MailProxy.passThrough))
    const real = await time("proxy, real-ish scanner", viaProxy(realish))
    console.log(
      `ratio proxy/direct: pass-through ${(pass / direct).toFixed(2)}x, real-ish ${(real / direct).toFixed(2)}x`
    )
  }
} finally {
  clearTimeout(killer)
  dovecot.kill("SIGTERM")
  await new Promise((r) => dovecot.once("exit", r))
  rmSync(dir, { recursive: true, force: true })
}
