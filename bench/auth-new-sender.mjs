// The sender check's CPU for a new sender whose names the resolver refuses, as on the peer
// workload's replay run (its rbldnsd refuses every TXT name outside its zones): one
// `Authenticate.checkNow` per message (SPF for MAIL FROM and for the HELO name, the From
// domain's DMARC record), a new HELO name and From domain in every message, the MAIL FROM domain
// the same (its refusal cached), the answers given one event-loop turn later as a socket would,
// through core's cache, with no c-ares and no socket, without the memo of remembered checks
// (`CheckMemo`, not exported; a new sender never finds its checks there). `--stage`: the
// harness's shape instead, through the auth stage's authenticator as the gateway runs it, its
// memo included: one HELO name (smtp-source's) and MAIL FROM for every message, a new IP and From
// domain in each; with `--new-helo` a new HELO name in each too, as the harness's replay run has
// it (the SPF identity is the sender hop of the Received chain, whose HELO name is new in every
// message: the HELO name's SPF is asked as well). Both builds are loaded in one process and
// run in alternated rounds (this checkout and `--base DIR`, a built `git worktree`);
// microseconds of process CPU (user + system) per message and the ratio per round.
//
//   npm run build && node bench/auth-new-sender.mjs [--base /tmp/mm-base] [--messages 4000] [--conc 20] [--rounds 6] [--stage [--new-helo]]
import { join, resolve } from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"

const here = fileURLToPath(new URL("..", import.meta.url))
const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`)
  return i > 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1] : fallback
}
const messages = Number(arg("messages", "4000"))
const conc = Number(arg("conc", "20"))
const rounds = Number(arg("rounds", "6"))
const viaStage = process.argv.includes("--stage")
const newHelo = process.argv.includes("--new-helo")

const load = async (label, root) => {
  const { Dns, Envelope, Facts, MessageModel, StageAnswers } = await import(
    pathToFileURL(join(root, "packages/core/dist/index.js")).href
  )
  const { Authenticate, AuthStage } = (await import(pathToFileURL(join(root, "packages/antispam/dist/index.js")).href))
    .Auth
  const { Effect, Exit } = await import(
    pathToFileURL(join(root, "packages/core/node_modules/effect/dist/index.js")).href
  )
  // Every TXT and PTR name refused, every A name not found: what the harness's rbldnsd answers.
  const exitFor = (type, name) =>
    type === "A"
      ? Exit.succeed({ _tag: "NotFound", detail: "ENOTFOUND" })
      : Exit.fail(Dns.dnsError({ reason: "Refused", name, type, detail: "EREFUSED" }))
  const inner = {
    lookup: () => {
      throw new Error("asked through query only")
    },
    query: (type, name, _millis, _now, answered) => {
      let over = false
      setImmediate(() => {
        if (!over) answered(exitFor(type, name))
      })
      return () => {
        over = true
      }
    }
  }
  inner.resolve = Dns.resolveFromLookup(inner.lookup)
  const dns = Dns.withCache(inner)
  const authenticator = AuthStage.makeAuthenticator({
    dns,
    timeoutMillis: 5000,
    mta: "gw.test",
    senderOf: (message) => ({ ip: message.envelope.clientAddress, helo: message.envelope.helo })
  })
  const viaAuthenticator = (i, serial) => {
    const from = `news@d${serial}-${i}.example.org`
    const text = `From: ${from}\r\nTo: user@example.net\r\nSubject: hello ${i}\r\nMessage-ID: <${serial}.${i}@x>\r\n\r\nbody ${i}\r\n`
    const envelope = Envelope.make({
      clientAddress: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`,
      helo: newHelo ? `h${serial}-${i}.example.net` : "client.example",
      mailFrom: "bench-sender@client.example",
      rcptTo: ["user@example.net"]
    })
    const facts = authenticator.factsNow(MessageModel.fromBytes(Buffer.from(text), { envelope }), Facts.make())
    // A check that waits is an effect or, since the waiting stages wait by callback, a `Later`.
    return StageAnswers.isWaiting(facts) ? Effect.runPromise(StageAnswers.toEffect(facts)) : facts
  }
  const check = (i, serial) => {
    if (viaStage) return viaAuthenticator(i, serial)
    const from = `news@d${serial}-${i}.example.org`
    const text = `From: ${from}\r\nTo: user@example.net\r\nSubject: hello ${i}\r\nMessage-ID: <${serial}.${i}@x>\r\n\r\nbody ${i}\r\n`
    return Authenticate.checkNow(
      dns,
      {
        message: Buffer.from(text),
        ip: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`,
        helo: `h${serial}-${i}.example.net`,
        mailFrom: "bench-sender@client.example"
      },
      { timeoutMillis: 5000, mta: "gw.test" }
    )
  }
  return { label, check }
}

const builds = [await load("this", here), await load("base", resolve(arg("base", "/tmp/mm-base")))]
let serial = 0
const measure = async (build) => {
  const s = serial++
  let next = 0
  const results = []
  const before = process.cpuUsage()
  await Promise.all(
    Array.from({ length: conc }, async () => {
      while (next < messages) {
        const i = next++
        results[i] = await build.check(i, s)
      }
    })
  )
  const used = process.cpuUsage(before)
  if (results.some((r) => r.spf.mailFrom.result !== "temperror")) throw new Error("unexpected SPF result")
  return { us: (used.user + used.system) / messages, sample: results[0] }
}

// Warm-up: both builds compiled before the first measured round; the facts must agree.
const warm = []
for (const b of builds) warm.push((await measure(b)).sample)
const strip = (facts) => JSON.stringify(facts).replace(/d\d+-0|h\d+-0/g, "N")
if (strip(warm[0]) !== strip(warm[1])) throw new Error(`facts differ:\n${strip(warm[0])}\n${strip(warm[1])}`)
const ratios = []
for (let r = 0; r < rounds; r++) {
  const order = r % 2 === 0 ? builds : [...builds].reverse()
  const us = {}
  for (const b of order) us[b.label] = (await measure(b)).us
  const ratio = us.this / us.base
  ratios.push(ratio)
  console.log(`round ${r + 1} this ${us.this.toFixed(1)} us/message, base ${us.base.toFixed(1)}: x${ratio.toFixed(2)}`)
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
console.log(
  `median x${median(ratios).toFixed(2)} (${Math.min(...ratios).toFixed(2)}-${Math.max(...ratios).toFixed(2)})`
)
