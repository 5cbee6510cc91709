// Long fuzz run against the built gateway (opt-in; not part of `npm test`): hostile SMTP clients,
// hostile IMAP/POP3 clients (IMAP ones also after COMPRESS: DEFLATE bombs, corrupt or cut streams) and
// upstream servers behind the proxies, hostile DNS answers and
// hostile admin-API requests, all at once, for --duration seconds. What must hold:
// - the gateway never exits;
// - every SMTP reply is a well-formed reply line (three digits, then space, hyphen or nothing);
// - a canary message sent every second from a clean client (its own address, bypassed) gets 250
//   and reaches the Maildir; so does every fuzz message that got 250 (found by its marker in the
//   Maildir or the quarantine: nothing accepted is lost);
// - the admin API answers every request with an HTTP status within a minute, never a dropped
//   connection (the slowest answer is printed: listings of a large quarantine take seconds).
// Prints the seed; `--seed=N` replays a run's choices (timing still differs).
//
// Run: npm run build && npm run fuzz -- [--duration=300] [--seed=N] [--concurrency=6]
// Loopback only (127.0.0.0/8); stops the gateway it started by PID; exit 1 on any violation.
import { execFileSync, spawn } from "node:child_process"
import { randomBytes } from "node:crypto"
import * as dgram from "node:dgram"
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs"
import * as net from "node:net"
import { loadavg, tmpdir } from "node:os"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"
import * as zlib from "node:zlib"

const arg = (name, fallback) => {
  const hit = process.argv.find((a) => a.startsWith(`--${name}=`))
  return hit === undefined ? fallback : Number(hit.slice(name.length + 3))
}
const durationS = arg("duration", 300)
const seed = arg("seed", randomBytes(4).readUInt32LE(0))
const concurrency = arg("concurrency", 6)
const root = join(dirname(fileURLToPath(import.meta.url)), "..")
const main = join(root, "apps/gateway/dist/main.js")
if (!existsSync(main)) {
  console.error(`fuzz-gateway: ${main} is missing: run npm run build first`)
  process.exit(2)
}
const dir = mkdtempSync(join(tmpdir(), "mailmoat-fuzz-"))
const sleep = (ms) => new Promise((r) => setTimeout(r, ms))

// A seeded generator (mulberry32), so a run's choices can be replayed.
let state = seed >>> 0
const rnd = () => {
  state = (state + 0x6d2b79f5) >>> 0
  let t = state
  t = Math.imul(t ^ (t >>> 15), t | 1)
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296
}
const int = (n) => Math.floor(rnd() * n)
const pick = (xs) => xs[int(xs.length)]
const chance = (p) => rnd() < p
const bytes = (n) => Buffer.from(Array.from({ length: n }, () => int(256)))
const junk = () =>
  pick([
    () => bytes(int(64)),
    () => Buffer.from("A".repeat(int(5000))),
    () => Buffer.from("\r\n".repeat(int(20))),
    () => Buffer.from("\n\r\0\t ".repeat(int(50))),
    () => Buffer.from(`${"%".repeat(int(40))}{${int(1e9)}}\r\n`),
    () => Buffer.from("=?utf-8?B?" + Buffer.from(bytes(int(40))).toString("base64") + "?=")
  ])()

const violations = []
const violation = (what) => {
  if (violations.length < 50) console.error(`VIOLATION: ${what}`)
  violations.push(what)
}

// ---- Hostile DNS: every answer a random choice of the usual and the broken.
const dns = dgram.createSocket("udp4")
dns.on("message", (msg, rinfo) => {
  if (msg.length < 12) return
  const id = msg.subarray(0, 2)
  let end = 12
  while (end < msg.length && msg[end] !== 0) end += msg[end] + 1
  const question = msg.subarray(12, Math.min(msg.length, end + 5))
  const header = (flags, an) => {
    const h = Buffer.alloc(12)
    id.copy(h, 0)
    h.writeUInt16BE(flags, 2)
    h.writeUInt16BE(1, 4)
    h.writeUInt16BE(an, 6)
    return h
  }
  const a = (ip) =>
    Buffer.concat([
      Buffer.from([0xc0, 0x0c, 0, 1, 0, 1, 0, 0, 0, int(600)]),
      Buffer.from([0, 4, ...ip.split(".").map(Number)])
    ])
  const r = rnd()
  let reply
  if (r < 0.35)
    reply = Buffer.concat([header(0x8183, 0), question]) // NXDOMAIN
  else if (r < 0.5)
    reply = Buffer.concat([header(0x8180, 0), question]) // NODATA
  else if (r < 0.62) reply = Buffer.concat([header(0x8180, 1), question, a(`127.0.0.${2 + int(10)}`)])
  else if (r < 0.67) reply = Buffer.concat([header(0x8180, 1), question, a("8.8.8.8")])
  else if (r < 0.72)
    reply = Buffer.concat([header(0x8180, 5), question, a("127.0.0.2")]) // claims 5, has 1
  else if (r < 0.77)
    reply = Buffer.concat([header(0x8182, 0), question]) // SERVFAIL
  else if (r < 0.82)
    reply = Buffer.concat([header(0x8185, 0), question]) // REFUSED
  else if (r < 0.87) reply = bytes(int(80))
  else if (r < 0.9) reply = Buffer.concat([Buffer.from([id[0] ^ 0xff, id[1]]), header(0x8180, 0).subarray(2), question])
  else if (r < 0.93)
    reply = Buffer.concat([header(0x8380, 0), question]) // truncated, no TCP to follow
  else if (r < 0.96) {
    // A compression pointer to itself.
    reply = Buffer.concat([header(0x8180, 1), question, Buffer.from([0xc0, 12 + question.length, 0, 1, 0, 1])])
  } else return // no answer: the question times out
  dns.send(reply, rinfo.port, rinfo.address)
})
await new Promise((r) => dns.bind(0, "127.0.0.1", r))
const dnsPort = dns.address().port

// ---- Hostile upstream servers behind the proxies.
const fuzzMessage = () => {
  const parts = [
    "From: <a@b.example>\r\nSubject: ",
    junk().toString("latin1"),
    "\r\nContent-Type: multipart/mixed; boundary=",
    pick(['"b"', "", '"' + "x".repeat(int(200)) + '"', "b"]),
    "\r\n\r\n--b\r\nContent-Transfer-Encoding: ",
    pick(["base64", "quoted-printable", "x-uue", "7bit"]),
    "\r\n\r\n",
    junk().toString("latin1"),
    pick(["\r\n--b--\r\n", "", "\r\n--b\r\n"])
  ]
  return Buffer.from(parts.join(""), "latin1")
}
const imapServer = net.createServer((s) => {
  s.on("error", () => {})
  s.write(pick(["* OK fake IMAP ready\r\n", "* OK [CAPABILITY IMAP4rev1 IDLE] hi\r\n", "* PREAUTH x\r\n"]))
  let buf = ""
  s.on("data", (d) => {
    buf += d.toString("latin1")
    let i
    while ((i = buf.indexOf("\r\n")) >= 0) {
      const line = buf.slice(0, i)
      buf = buf.slice(i + 2)
      const tag = line.split(" ")[0] || "*"
      const body = fuzzMessage()
      const declared = chance(0.8) ? body.length : int(body.length * 2 + 1)
      const r = rnd()
      if (r < 0.5) {
        s.write(`* 1 FETCH (UID ${int(100)} BODY[] {${declared}}\r\n`)
        s.write(body)
        s.write(`)\r\n${tag} OK done\r\n`)
      } else if (r < 0.6) s.write(junk())
      else if (r < 0.65) s.destroy()
      else if (r < 0.7) s.write(`* 1 FETCH (BODY[] {${int(1e10)}}\r\n`)
      else s.write(`${tag} ${pick(["OK", "NO", "BAD"])} ${junk().toString("latin1").replace(/\r|\n/g, "")}\r\n`)
    }
  })
})
const popServer = net.createServer((s) => {
  s.on("error", () => {})
  s.write("+OK fake POP3\r\n")
  let buf = ""
  s.on("data", (d) => {
    buf += d.toString("latin1")
    let i
    while ((i = buf.indexOf("\r\n")) >= 0) {
      const line = buf.slice(0, i).toUpperCase()
      buf = buf.slice(i + 2)
      const r = rnd()
      if (line.startsWith("RETR") || line.startsWith("TOP")) {
        if (r < 0.7) s.write(Buffer.concat([Buffer.from("+OK\r\n"), fuzzMessage(), Buffer.from("\r\n.\r\n")]))
        else if (r < 0.8)
          s.write(Buffer.concat([Buffer.from("+OK\r\n"), fuzzMessage()])) // never ends
        else s.write(junk())
      } else if (r < 0.1) s.write(junk())
      else if (r < 0.13) s.destroy()
      else s.write(pick(["+OK\r\n", "-ERR no\r\n", "+OK 2 messages\r\n1 10\r\n2 20\r\n.\r\n"]))
    }
  })
})
await Promise.all([imapServer, popServer].map((srv) => new Promise((r) => srv.listen(0, "127.0.0.1", r))))

// ---- The gateway.
execFileSync(
  "openssl",
  [
    "req",
    "-x509",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-keyout",
    join(dir, "key.pem"),
    "-out",
    join(dir, "cert.pem")
  ].concat(["-days", "1", "-subj", "/CN=localhost"]),
  { stdio: "pipe" }
)
const token = randomBytes(16).toString("hex")
const config = {
  dataDir: join(dir, "data"),
  smtp: {
    host: "127.0.0.1",
    port: 0,
    hostname: "fuzz.test",
    maxMessageSizeKB: 256,
    tls: { certFile: join(dir, "cert.pem"), keyFile: join(dir, "key.pem") },
    auth: { users: [{ username: "fuzz", password: "right-password" }] },
    limits: { authMaxFailures: 1000 }
  },
  admin: { enabled: true, host: "127.0.0.1", port: 0, token },
  antispam: {
    bypass: { allowedIps: ["127.0.0.2/32"] },
    rbl: { servers: ["bl.fuzz"], timeoutSeconds: 1 },
    dnsbl: { servers: ["dbl.fuzz"], timeoutSeconds: 1 },
    dns: { servers: [`127.0.0.1:${dnsPort}`] },
    auth: { timeoutSeconds: 1 },
    tempReject: { enabled: true },
    reputation: { enabled: true, minMessages: 2 }
  },
  protocols: {
    tlsFiltering: false,
    listeners: [
      { listen: "127.0.0.1:0", upstream: `127.0.0.1:${imapServer.address().port}`, protocol: "imap" },
      { listen: "127.0.0.1:0", upstream: `127.0.0.1:${popServer.address().port}`, protocol: "pop3" }
    ]
  },
  log: { level: "warn" }
}
writeFileSync(join(dir, "gateway.yaml"), JSON.stringify(config))
const gateway = spawn(process.execPath, [main, "--config", join(dir, "gateway.yaml")], {
  stdio: ["ignore", "pipe", "pipe"]
})
let stderrTail = ""
gateway.stderr.on("data", (d) => {
  stderrTail = (stderrTail + d).slice(-20_000)
})
// The gateway's own lines (warn and up) from the start, the last 200 KB: written beside the
// configuration when a violation keeps the folder, to tell a stall of the gateway from one of
// the machine.
let stdoutTail = ""
gateway.stdout.on("data", (d) => {
  stdoutTail = (stdoutTail + d).slice(-200_000)
})
let exited = false
const ports = await new Promise((resolve, reject) => {
  let out = ""
  gateway.stdout.on("data", (d) => {
    out += d
    if (!out.includes("Press Ctrl+C")) return
    const find = (re) => Number(re.exec(out)?.[1])
    resolve({
      smtp: find(/SMTP\s+127\.0\.0\.1:(\d+)/),
      admin: find(/admin\s+http:\/\/127\.0\.0\.1:(\d+)/),
      imap: find(/IMAP proxy\s+127\.0\.0\.1:(\d+)/i),
      pop3: find(/POP3 proxy\s+127\.0\.0\.1:(\d+)/i)
    })
  })
  gateway.once("exit", (code) => reject(new Error(`gateway exited with ${code}:\n${out}\n${stderrTail}`)))
})
gateway.once("exit", (code, signal) => {
  exited = true
  if (!stopping) violation(`gateway exited (${signal ?? code}); stderr tail:\n${stderrTail.slice(-4000)}`)
})
const rss = () => {
  try {
    return Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${gateway.pid}/status`, "utf8"))?.[1] ?? 0) / 1024
  } catch {
    return 0
  }
}
let maxRss = rss()
const rssTimer = setInterval(() => {
  maxRss = Math.max(maxRss, rss())
}, 1000)
console.log(`seed ${seed}, ${durationS} s, concurrency ${concurrency}; gateway pid ${gateway.pid}, ports`, ports)

// ---- One connection: writes what `plan` yields, reads replies, checks SMTP reply syntax.
const session = (port, host, local, script) =>
  new Promise((resolve) => {
    const s = net.connect({ port, host, localAddress: local })
    const replies = []
    let pending = ""
    const finish = () => {
      clearTimeout(timer)
      s.destroy()
      resolve(replies)
    }
    const timer = setTimeout(finish, 15_000)
    s.on("error", finish)
    s.on("close", finish)
    s.on("data", (d) => {
      pending += d.toString("latin1")
      let i
      while ((i = pending.indexOf("\n")) >= 0) {
        replies.push(pending.slice(0, i).replace(/\r$/, ""))
        pending = pending.slice(i + 1)
      }
    })
    s.on("connect", async () => {
      try {
        await script(s, replies)
      } catch {}
      if (chance(0.5)) s.end()
      else setTimeout(finish, int(300))
    })
  })

const waitReplies = async (replies, n, ms = 3000) => {
  for (let t = 0; replies.length < n && t < ms; t += 10) await sleep(10)
}
/** The first reply line at or after `from` that `test` accepts (waiting up to `ms`), or undefined. */
const waitFor = async (replies, from, test, ms) => {
  for (let t = 0; t <= ms; t += 10) {
    const hit = replies.slice(from).find(test)
    if (hit !== undefined) return hit
    await sleep(10)
  }
  return undefined
}
const final = (l) => /^\d{3}(?: |$)/.test(l)

const markers = new Map() // marker -> "accepted" | "sent"
let fuzzN = 0
const smtpCommand = () =>
  pick([
    () => `EHLO ${pick(["x.test", "", junk().toString("latin1").slice(0, 80), "[127.0.0.1]", "a".repeat(600)])}`,
    () => `HELO ${pick(["x", ""])}`,
    () =>
      `MAIL FROM:${pick(["<a@b.example>", "<>", "a@b", "<" + "x".repeat(400) + "@y>", "<a@b.example> SIZE=99999999999", "<a@b.example> BODY=8BITMIME SMTPUTF8", "<@route:a@b>", "<a@[1.2.3.4]>", '<"q u"@b.example>'])}`,
    () =>
      `RCPT TO:${pick(["<u@example.test>", "<postmaster>", "<>", "<u@" + "d.".repeat(150) + "x>", "<u@example.test> NOTIFY=NEVER", "u@example.test"])}`,
    () =>
      pick([
        "RSET",
        "NOOP",
        "VRFY u",
        "EXPN l",
        "HELP",
        "QUIT",
        "STARTTLS",
        "DATA",
        "BDAT 10",
        "BDAT 0 LAST",
        "BDAT x",
        "AUTH PLAIN",
        "AUTH LOGIN",
        "AUTH CRAM-MD5",
        "AUTH PLAIN " + Buffer.from("\0fuzz\0wrong").toString("base64")
      ]),
    () => junk().toString("latin1").replace(/\r?\n/g, " ")
  ])()

const smtpFuzz = (s, replies) => async () => {
  const steps = 1 + int(12)
  for (let k = 0; k < steps && !s.destroyed; k++) {
    const r = rnd()
    if (r < 0.55) {
      s.write(`${smtpCommand()}\r\n`)
      await waitReplies(replies, replies.length + 1, int(2) ? 500 : 50)
    } else if (r < 0.75) {
      // A whole transaction with a marked body (maybe broken MIME, bare line endings, huge lines).
      const marker = `fz-${seed}-${fuzzN++}`
      // EHLO first, answered, then the transaction pipelined (RFC 2920 allows no earlier batch).
      const hello = replies.length
      s.write("EHLO f.test\r\n")
      await waitFor(replies, hello, final, 2000)
      const before = replies.length
      s.write("MAIL FROM:<a@b.example>\r\nRCPT TO:<u@example.test>\r\nDATA\r\n")
      const go = await waitFor(replies, before, (l) => l.startsWith("354"), 3000)
      const body = Buffer.concat([
        Buffer.from(`X-Fuzz-Marker: ${marker}\r\n`),
        fuzzMessage(),
        chance(0.2) ? Buffer.from("\n.\n") : Buffer.alloc(0),
        chance(0.1) ? Buffer.alloc(300_000, 0x41) : Buffer.alloc(0)
      ])
      s.write(body)
      s.write("\r\n.\r\n")
      const at = replies.length
      markers.set(marker, "sent")
      const answer = await waitFor(replies, at, final, 8000)
      if (go !== undefined && answer?.startsWith("250")) markers.set(marker, "accepted")
    } else if (r < 0.85) {
      s.write(junk())
    } else if (r < 0.92) {
      // BDAT with a size that does not match what follows.
      const n = int(200)
      s.write(`BDAT ${n}${chance(0.5) ? " LAST" : ""}\r\n`)
      s.write(bytes(int(400)))
      await waitReplies(replies, replies.length + 1, 500)
    } else {
      // Pipelined batch.
      s.write(Array.from({ length: 1 + int(30) }, smtpCommand).join("\r\n") + "\r\n")
      await sleep(int(200))
    }
  }
}

const checkReplies = (replies) => {
  for (const l of replies)
    if (!/^[2-5]\d\d(?:[ -].*)?$/.test(l)) violation(`malformed SMTP reply line: ${JSON.stringify(l.slice(0, 200))}`)
}

const imapFuzz = (s) => async () => {
  const cmds = [
    () => `a${int(99)} LOGIN u p`,
    () => `a${int(99)} SELECT INBOX`,
    () => `a${int(99)} UID FETCH 1:* (BODY.PEEK[] FLAGS)`,
    () => `a${int(99)} FETCH 1 BODY[]`,
    () => `a${int(99)} APPEND INBOX {${int(1e12)}}`,
    () => `a${int(99)} APPEND INBOX {${int(40)}+}\r\n${bytes(int(60)).toString("latin1")}`,
    () => `a${int(99)} COMPRESS DEFLATE`,
    () => `a${int(99)} STARTTLS`,
    () => `a${int(99)} AUTHENTICATE PLAIN`,
    () => `a${int(99)} IDLE\r\nDONE`,
    () => junk().toString("latin1")
  ]
  // After COMPRESS the proxy may expect DEFLATE: sometimes go on compressed (valid commands, a
  // bomb, or a stream cut off), sometimes in plaintext, which the proxy must read as corrupt.
  let deflate
  for (let k = 0, n = 1 + int(10); k < n && !s.destroyed; k++) {
    const line = `${pick(cmds)()}\r\n`
    if (deflate !== undefined) {
      const r = rnd()
      if (r < 0.6) deflate.write(line)
      else if (r < 0.7) deflate.write(Buffer.alloc(int(64 * 1024 * 1024), 0x61))
      else if (r < 0.8) s.write(bytes(int(200)))
      else deflate.write(junk())
    } else s.write(line)
    if (deflate === undefined && /COMPRESS DEFLATE/.test(line) && chance(0.7)) {
      await sleep(50 + int(100))
      deflate = zlib.createDeflateRaw({ flush: zlib.constants.Z_SYNC_FLUSH })
      deflate.on("error", () => {})
      deflate.on("data", (d) => s.destroyed || s.write(d))
    }
    await sleep(int(100))
  }
  deflate?.destroy()
}

const popFuzz = (s) => async () => {
  const cmds = [
    "USER u",
    "PASS p",
    "STAT",
    "LIST",
    "UIDL",
    "RETR 1",
    "TOP 1 5",
    "DELE 1",
    "STLS",
    "CAPA",
    "AUTH PLAIN",
    "QUIT"
  ]
  for (let k = 0, n = 1 + int(10); k < n && !s.destroyed; k++) {
    s.write(chance(0.8) ? `${pick(cmds)}\r\n` : junk())
    await sleep(int(100))
  }
}

let slowestAdmin = 0
const adminFuzz = async () => {
  const path = pick([
    "/status",
    "/metrics",
    "/api/quarantine",
    "/api/reload",
    "/api/lists/enduser",
    "/quarantine",
    "/q/x.y",
    "/api/quarantine/" + junk().toString("hex").slice(0, 40),
    "/" + encodeURIComponent(junk().toString("latin1")).slice(0, 300)
  ])
  const method = pick(["GET", "POST", "DELETE", "PUT", "PATCH", "OPTIONS"])
  const headers = chance(0.5) ? { authorization: `Bearer ${chance(0.5) ? token : "wrong"}` } : {}
  const body = ["GET", "OPTIONS"].includes(method) ? undefined : junk()
  const t0 = performance.now()
  try {
    const r = await fetch(`http://127.0.0.1:${ports.admin}${path}`, {
      method,
      headers,
      body,
      signal: AbortSignal.timeout(60_000)
    })
    await r.arrayBuffer()
    slowestAdmin = Math.max(slowestAdmin, performance.now() - t0)
    if (r.status < 200 || r.status > 599) violation(`admin ${method} ${path}: status ${r.status}`)
  } catch (e) {
    // POST /api/reload is allowed to take its time; anything else that drops is a violation.
    if (!exited) violation(`admin ${method} ${path.slice(0, 80)}: ${e.cause?.code ?? e.name}`)
  }
}

// ---- The canary: a clean message a second from 127.0.0.2 (bypassed), which must arrive.
const canaries = []
const canary = async () => {
  const marker = `canary-${canaries.length}`
  const started = Date.now()
  let answer
  const replies = await session(ports.smtp, "127.0.0.1", "127.0.0.2", async (s, rs) => {
    await waitFor(rs, 0, final, 5000)
    s.write("EHLO canary.test\r\n")
    await waitFor(rs, 1, final, 5000)
    const before = rs.length
    s.write("MAIL FROM:<c@canary.test>\r\nRCPT TO:<u@example.test>\r\nDATA\r\n")
    if ((await waitFor(rs, before, (l) => l.startsWith("354"), 5000)) === undefined) return
    const at = rs.length
    s.write(`Subject: ${marker}\r\nX-Fuzz-Marker: ${marker}\r\n\r\nhello\r\n.\r\n`)
    answer = await waitFor(rs, at, final, 10_000)
    s.write("QUIT\r\n")
    await waitFor(rs, at + 1, (l) => l.startsWith("221"), 2000)
  })
  const ok = answer?.startsWith("250") === true
  canaries.push({ marker, ok })
  if (!ok)
    violation(
      `canary ${marker} not accepted (${new Date(started).toISOString()}, ${Date.now() - started} ms, load ${loadavg()[0].toFixed(1)}): ${JSON.stringify(replies.slice(-4))}`
    )
}

let stopping = false
const deadline = Date.now() + durationS * 1000
const worker = async () => {
  while (Date.now() < deadline && !exited) {
    const r = rnd()
    if (r < 0.6) {
      const replies = await session(ports.smtp, "127.0.0.1", "127.0.0.1", (s, rs) => smtpFuzz(s, rs)())
      checkReplies(replies)
    } else if (r < 0.75) await session(ports.imap, "127.0.0.1", "127.0.0.1", (s) => imapFuzz(s)())
    else if (r < 0.9) await session(ports.pop3, "127.0.0.1", "127.0.0.1", (s) => popFuzz(s)())
    else await adminFuzz()
  }
}
const canaryLoop = async () => {
  while (Date.now() < deadline && !exited) {
    await canary()
    await sleep(1000)
  }
}
await Promise.all([...Array.from({ length: concurrency }, worker), canaryLoop()])

// ---- Accounting: every accepted marker must be in the Maildir or the quarantine.
await sleep(3000)
const found = new Set()
const walk = (d) => {
  if (!existsSync(d)) return
  for (const name of readdirSync(d)) {
    const p = join(d, name)
    const st = statSync(p)
    if (st.isDirectory()) walk(p)
    else if (st.size < 2_000_000)
      for (const m of readFileSync(p, "latin1").matchAll(/X-Fuzz-Marker: (\S+)/g)) found.add(m[1])
  }
}
walk(join(dir, "data", "maildir"))
walk(join(dir, "data", "quarantine"))
const accepted = [...markers].filter(([, v]) => v === "accepted").map(([k]) => k)
for (const m of accepted)
  if (!found.has(m)) violation(`fuzz message ${m} got 250 but is neither delivered nor quarantined`)
for (const c of canaries)
  if (c.ok && !found.has(c.marker)) violation(`canary ${c.marker} got 250 but was not delivered`)

stopping = true
if (!exited) {
  gateway.kill("SIGTERM")
  await new Promise((r) => gateway.once("exit", r))
}
dns.close()
imapServer.close()
popServer.close()
clearInterval(rssTimer)
const rssNote = `, gateway peak RSS ${maxRss.toFixed(0)} MB`
console.log(
  `${markers.size} fuzz transactions (${accepted.length} accepted, all found: ${accepted.every((m) => found.has(m))}), ` +
    `${canaries.length} canaries (${canaries.filter((c) => c.ok).length} accepted)${rssNote}, ` +
    `slowest admin answer ${(slowestAdmin / 1000).toFixed(1)} s; ${violations.length} violations`
)
if (violations.length === 0) rmSync(dir, { recursive: true, force: true })
else {
  writeFileSync(join(dir, "gateway.log"), `${stdoutTail}\n--- stderr (tail)\n${stderrTail}`)
  console.log(`kept ${dir} for inspection, the gateway's log in gateway.log (seed ${seed})`)
}
process.exit(violations.length === 0 ? 0 : 1)
