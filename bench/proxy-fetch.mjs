// IMAP proxy benchmark: starts a real Dovecot (as the integration tests do) with 200 messages,
// then times `FETCH 1:200 BODY.PEEK[]` direct to Dovecot and through the built proxy
// (packages/protocols/dist) with a pass-through scanner and with a "real-ish" scanner (parses the
// header block, scans the body for words, tags a few messages). The verdict cache is bypassed
// (a fresh proxy per round) so every round really scans. Prints medians and ratios.
// Run: npx turbo run build --filter=@mailmoat/protocols && node bench/proxy-fetch.mjs [rounds=15]
// Loopback only; bounded in count and time.
import { execFileSync, spawn } from "node:child_process"
import { chownSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync, chmodSync } from "node:fs"
import * as net from "node:net"
import { tmpdir, userInfo } from "node:os"
import { join } from "node:path"
import { MailProxy } from "../packages/protocols/dist/index.js"

const ROUNDS = Number(process.argv[2] ?? 15)
const COUNT = 200
const dir = mkdtempSync(join(tmpdir(), "mailmoat-bench-dovecot-"))
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

/** Minimal IMAP client: runs commands, returns total bytes of the FETCH reply. */
const client = (p) =>
  new Promise((resolve, reject) => {
    const s = net.connect(p, "127.0.0.1")
    s.on("error", reject)
    let chunks = []
    let waiting
    let greeted = false
    s.on("data", (d) => {
      chunks.push(d)
      if (!greeted) {
        greeted = true
        chunks = []
        resolve(api)
      }
      waiting?.()
    })
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
      send: (line) => s.write(`${line}\r\n`),
      close: () => s.destroy()
    }
  })

const fetchOnce = async (p) => {
  const c = await client(p)
  await new Promise((r) => setTimeout(r, 0))
  c.send("a LOGIN user pw")
  await c.until("a")
  c.send("b EXAMINE INBOX")
  await c.until("b")
  const t0 = process.hrtime.bigint()
  c.send("c FETCH 1:* BODY.PEEK[]")
  const reply = await c.until("c")
  const ms = Number(process.hrtime.bigint() - t0) / 1e6
  c.close()
  return { ms, bytes: reply.length }
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

const viaProxy = (scanner) => async () => {
  const proxy = await MailProxy.listen({
    listen: { host: "127.0.0.1", port: 0 },
    upstream: { host: "127.0.0.1", port },
    protocol: "imap",
    mode: "plain",
    scanner
  })
  return { p: proxy.address.port, close: () => proxy.close() }
}

try {
  const direct = await time("direct to Dovecot", async () => ({ p: port, close: async () => undefined }))
  const pass = await time("proxy, pass-through scanner", viaProxy(MailProxy.passThrough))
  const real = await time("proxy, real-ish scanner", viaProxy(realish))
  console.log(
    `ratio proxy/direct: pass-through ${(pass / direct).toFixed(2)}x, real-ish ${(real / direct).toFixed(2)}x`
  )
} finally {
  clearTimeout(killer)
  dovecot.kill("SIGTERM")
  await new Promise((r) => dovecot.once("exit", r))
  rmSync(dir, { recursive: true, force: true })
}
