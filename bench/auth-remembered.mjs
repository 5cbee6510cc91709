// The auth stage's CPU for a remembered sender, as on the peer workload's second run (2,000
// copies of 20 messages, every answer remembered): `--senders` bulk senders (one MAIL FROM and
// HELO name, as smtp-source sends, each sender its own IP and From field), each message a new `Message` with its own facts, through the
// stage's `answer` (the facts, the symbols and the `Authentication-Results` change), the
// sender's SPF and DMARC-record checks remembered by the authenticator's memo and their refused
// answers by core's cache (the harness's rbldnsd refuses those names), no c-ares and no socket.
// Both builds are loaded in one process and run in alternated rounds (this checkout and `--base
// DIR`, a built `git worktree`); microseconds of process CPU (user + system) per message and the
// ratio per round. The builds' stage results must agree.
//
//   npm run build && node bench/auth-remembered.mjs [--base /tmp/mm-base] [--senders 20] [--messages 20000] [--rounds 8]
import { join, resolve } from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"

const here = fileURLToPath(new URL("..", import.meta.url))
const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`)
  return i > 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1] : fallback
}
const senders = Number(arg("senders", "20"))
const messages = Number(arg("messages", "20000"))
const rounds = Number(arg("rounds", "8"))

const load = async (label, root) => {
  const core = await import(pathToFileURL(join(root, "packages/core/dist/index.js")).href)
  const { AuthStage } = (await import(pathToFileURL(join(root, "packages/antispam/dist/index.js")).href)).Auth
  const { Effect, Exit } = await import(
    pathToFileURL(join(root, "packages/core/node_modules/effect/dist/index.js")).href
  )
  const { Dns, Envelope, Facts, MessageModel } = core
  // Every TXT name refused, every A name not found, answered one loop turn later.
  const inner = {
    lookup: () => {
      throw new Error("asked through query only")
    },
    query: (type, name, _millis, _now, answered) => {
      const t = setImmediate(() =>
        answered(
          type === "A"
            ? Exit.succeed({ _tag: "NotFound", detail: "ENOTFOUND" })
            : Exit.fail(Dns.dnsError({ reason: "Refused", name, type, detail: "EREFUSED" }))
        )
      )
      return () => clearImmediate(t)
    }
  }
  inner.resolve = Dns.resolveFromLookup(inner.lookup)
  const authenticator = AuthStage.makeAuthenticator({
    dns: Dns.withCache(inner),
    timeoutMillis: 5000,
    mta: "gw.test",
    senderOf: (message) => ({ ip: message.envelope.clientAddress, helo: message.envelope.helo })
  })
  const stage = AuthStage.make({ authenticator, budgetMillis: 7000 })
  // The harness's shape: one MAIL FROM and HELO name for every message (smtp-source's), the
  // sender hop's IP and the From field the message's own, a header block of the usual fields.
  const messageOf = (i) => {
    const s = i % senders
    const ip = `10.0.${s >> 8}.${s & 255}`
    const hops = [1, 2, 3].map(
      (h) =>
        `Received: from relay${h}.example.net (relay${h}.example.net [192.0.2.${h}])\r\n\tby mx.example.net with ESMTP id ${s}x${h}; Mon, 7 Dec 2026 02:30:0${h} +0000\r\n`
    )
    const text = `${hops.join("")}From: "News ${s}" <news@sender${s}.example.org>\r\nTo: user@example.net\r\nSubject: offer ${s}\r\nDate: Mon, 7 Dec 2026 02:30:00 +0000\r\nMessage-ID: <${s}.bench@sender${s}.example.org>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nList-Unsubscribe: <mailto:unsub-${s}@sender${s}.example.org>\r\n\r\n${"body text of the offer ".repeat(150)}\r\n`
    const envelope = Envelope.make({
      clientAddress: ip,
      helo: "client.example",
      mailFrom: "bench-sender@client.example",
      rcptTo: ["user@example.net"]
    })
    return MessageModel.fromBytes(Buffer.from(text), { envelope })
  }
  const inputOf = (message) => ({ phase: "data", message, recipients: message.envelope.rcptTo, facts: Facts.make() })
  const answer = (input) => Effect.runPromise(stage.run(input))
  return { label, stage, messageOf, inputOf, answer }
}

const builds = [await load("this", here), await load("base", resolve(arg("base", "/tmp/mm-base")))]

// Warm-up: each sender's checks asked and remembered, its facts built; the results must agree.
const shown = (r) => JSON.stringify({ symbols: r.symbols, headers: r.headers })
for (let w = 0; w < 3; w++) {
  const seen = []
  for (const b of builds) {
    const out = []
    for (let i = 0; i < senders * 4; i++) out.push(shown(await b.answer(b.inputOf(b.messageOf(i)))))
    seen.push(out)
  }
  if (seen[0].join("\n") !== seen[1].join("\n")) throw new Error("the builds' stage results differ")
}

const measure = (build) => {
  const inputs = Array.from({ length: messages }, (_, i) => build.inputOf(build.messageOf(i)))
  const before = process.cpuUsage()
  for (const input of inputs) {
    const a = build.stage.answer(input)
    if (a?.symbols === undefined) throw new Error(`${build.label}: a remembered sender's answer waited`)
  }
  const used = process.cpuUsage(before)
  return (used.user + used.system) / messages
}

const ratios = []
for (let r = 0; r < rounds; r++) {
  const order = r % 2 === 0 ? builds : [...builds].reverse()
  const us = {}
  for (const b of order) us[b.label] = measure(b)
  const ratio = us.this / us.base
  ratios.push(ratio)
  console.log(`round ${r + 1} this ${us.this.toFixed(2)} us/message, base ${us.base.toFixed(2)}: x${ratio.toFixed(2)}`)
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
console.log(
  `median x${median(ratios).toFixed(2)} (${Math.min(...ratios).toFixed(2)}-${Math.max(...ratios).toFixed(2)})`
)
