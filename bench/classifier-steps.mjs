#!/usr/bin/env node
// CPU per message of steps of the classifier's tokenizer, for this checkout's source and other
// checkouts' in one process, alternating batches of 250 messages between them (the order turned
// each batch), so every build sees the same machine load. The steps are internal functions, not
// in the package's exports: each checkout's `packages/antispam/src/classifier/` modules are
// bundled by esbuild (tsup's) into a scratch folder, against that checkout's built @mailmoat/core.
// Steps: `collect` (the whole tokenizer: `Tokenizer.collect`), `solicited`
// (`SolicitedEvidence.solicitedFeatures`, round 34), `layout` (`BodyLayout.bodyLayoutFeatures`,
// round 33), `offer` (`OfferLayout.offerLayoutFeatures`, round 39), `fingerprint`
// (`HeaderFingerprint.headerFingerprintFeatures`, round 40), `clock`
// (`HeaderClock.headerClockFeatures`, round 44), `offertext` (`OfferText.offerTextFeatures`, round
// 43), `link` (`LinkEvidence.linkFeatures`, round 46), `removal` (`RemovalAddress.removalFreeMail`
// as the tokenizer calls it), `letter` (`LetterText.letterTextFeatures`, round 47), `mailerform`
// (`HeaderMailerForms.headerMailerFormFeatures`, round 48), `server`
// (`LinkServerEvidence.linkServerFeatures`, round 50), `bulk` (`BulkTool.bulkToolFeatures`, rounds
// 35 and 52), `page` (`PageEvidence.pageFeatures`, round 54), `relation`
// (`TextHeaderRelation.textHeaderRelationFeatures`, round 51), `document`
// (`DocumentEvidence.documentFeatures`, round 55); a checkout without a step's module is left
// out of that step. Prints each build's median µs per message and, per batch, its ratio to the
// first build (median and quartiles).
//
//   node bench/classifier-steps.mjs [--step collect|solicited|layout|offer|fingerprint|clock|offertext|link|removal|letter|mailerform|server|bulk|page|relation|document|traits]
//                                   [--rounds 6] [--peers] [--paired]
//                                   [--against DIR[,DIR...]]
//
// --peers: the peer workload's messages (../shared/peers-bench), else the corpus's eval/ and train/.
// DIR is another checkout (a `git worktree`) with its packages built (`npm run build`).
import { existsSync, writeFileSync } from "node:fs"
import { createRequire } from "node:module"
import { cpus, loadavg } from "node:os"
import { join, resolve } from "node:path"
import { pathToFileURL } from "node:url"
import {
  args,
  corpusDir,
  loadClassifier,
  opt,
  parseDecoded,
  peerMessages,
  readCorpus,
  root
} from "./classifier-common.mjs"
import { benchTempDir } from "./temp-dir.mjs"

const step = opt("step", "collect")
const rounds = Number(opt("rounds", "6"))
const checkouts = [
  root,
  ...String(opt("against", ""))
    .split(",")
    .filter(Boolean)
    .map((d) => resolve(d))
]
const require = createRequire(createRequire(join(root, "package.json")).resolve("tsup"))
const esbuild = require("esbuild")

const MODULES = {
  K: "Tokenizer",
  S: "SolicitedEvidence",
  L: "BodyLayout",
  O: "OfferLayout",
  F: "HeaderFingerprint",
  C: "HeaderClock",
  T: "OfferText",
  U: "LinkEvidence",
  R: "RemovalAddress",
  H: "LetterText",
  M: "HeaderMailerForms",
  V: "LinkServerEvidence",
  B: "BulkTool",
  P: "PageEvidence",
  X: "TextHeaderRelation",
  D: "DocumentEvidence"
}
/**
 * `--paired`: every message through each build in turn (the order turned each message and round),
 * each call timed by the wall clock (`process.hrtime`), and the others' time / this build's per
 * message: a pair is the same message a few microseconds apart, so a burst of load falls on one
 * pair, not on one build's batch, and the median of the pairs stands for the whole run. Prints the
 * median of each build's per-message times and the pairs' ratios (median, quartiles), with the
 * ratio of the sums of each message's median over the rounds.
 */
function timePaired() {
  const load0 = loadavg()[0]
  const times = runs.map(() => messages.map(() => []))
  const ratios = runs.map(() => [])
  const now = () => process.hrtime.bigint()
  const took = new Array(runs.length).fill(0)
  for (let round = 0; round < rounds; round++)
    for (const [i, message] of messages.entries()) {
      const order = (round + i) % 2 === 0 ? [...runs.keys()] : [...runs.keys()].reverse()
      for (const k of order) {
        const t = now()
        runs[k].f(message)
        took[k] = Number(now() - t) / 1000
      }
      for (const k of runs.keys()) {
        times[k][i].push(took[k])
        ratios[k].push(took[k] / took[0])
      }
    }
  const perMessage = times.map((ts) => ts.map((xs) => median(xs)))
  const sum = (xs) => xs.reduce((a, b) => a + b, 0)
  for (const [k, r] of runs.entries()) {
    const sorted = [...ratios[k]].sort((a, b) => a - b)
    console.log(
      `${step} ${r.name}: ${median(perMessage[k]).toFixed(2)} µs per message (median message); / this build: pairs' median ${at(sorted, 0.5).toFixed(3)}, quartiles ${at(sorted, 0.25).toFixed(3)}-${at(sorted, 0.75).toFixed(3)}; sums of the messages' medians ${(sum(perMessage[k]) / sum(perMessage[0])).toFixed(3)}`
    )
  }
  console.log(
    `${messages.length} messages, ${rounds} rounds, paired; load average ${load0.toFixed(1)} on ${cpus().length} cores`
  )
}

/**
 * `--step traits`: each trait (or family of traits) the tokenizer's `collect` reads, called as
 * `collect` calls it, each timed alone over all the messages: module, then the call.
 */
const TRAITS = {
  analyseHeaders: ["HeaderEvidence", (M, m) => M.analyseHeaders(m.headers, m.received ?? [])],
  analyseAnomalies: [
    "HeaderAnomalies",
    (M, m) => M.analyseAnomalies(m.headers, m.received ?? [], m.envelope?.mailFrom || undefined)
  ],
  webMailUnrelayed: ["ProviderRelay", (M, m) => M.webMailUnrelayed(m.headers, m.received ?? [])],
  subjectPadded: ["SubjectPadding", (M, m) => m.scanView instanceof Uint8Array && M.subjectPadded(m.scanView)],
  receivedStampMonthFirst: ["ReceivedStamp", (M, m) => M.receivedStampMonthFirst(m.received ?? [])],
  charsetConflict: ["CharsetConflict", (M, m) => M.charsetConflict(m.headers.get("subject"), m.mime)],
  mailerMalformedOutlook: ["MailerForm", (M, m) => M.mailerMalformedOutlook(m.headers.get("x-mailer"))],
  messageIdForgedOutlook: [
    "OutlookMessageId",
    (M, m) => M.messageIdForgedOutlook(m.headers.get("message-id"), m.headers.get("date"), m.received ?? [])
  ],
  textTrailingJunk: ["TextTrailingJunk", (M, m) => M.textTrailingJunk(m.body.texts)],
  qpNeedlessEscape: [
    "QpNeedlessEscape",
    (M, m) => m.scanView instanceof Uint8Array && M.qpNeedlessEscape(m.mime, m.scanView)
  ],
  qpUnencoded: ["QpUnencoded", (M, m) => m.scanView instanceof Uint8Array && M.qpUnencoded(m.mime, m.scanView)],
  mimeBoundaryForged: [
    "MimeBoundaryForged",
    (M, m) => M.mimeBoundaryForged(m.mime, m.headers.get("date"), m.received ?? [])
  ],
  htmlPageSaturated: ["HtmlPageColour", (M, m) => M.htmlPageSaturated(m.body.htmls)],
  msmailPriorityForeign: [
    "MsMailPriority",
    (M, m) =>
      M.msmailPriorityForeign(
        m.headers.get("x-msmail-priority"),
        m.headers.get("x-mailer"),
        m.headers.get("user-agent")
      )
  ],
  messageIdOutlookPadded: ["OutlookIdPadding", (M, m) => M.messageIdOutlookPadded(m.headers.get("message-id"))],
  headerShapes: [
    "HeaderShapes",
    (M, m) => M.contentTypeEmptyParams(m.headers.get("content-type")) || M.fromEmptyComment(m.headers.get("from"))
  ],
  headerStructureFeatures: ["HeaderStructure", (M, m) => M.headerStructureFeatures(m)],
  headerFingerprintFeatures: ["HeaderFingerprint", (M, m) => M.headerFingerprintFeatures(m)],
  headerClockFeatures: ["HeaderClock", (M, m) => M.headerClockFeatures(m)],
  headerMailerFormFeatures: ["HeaderMailerForms", (M, m) => M.headerMailerFormFeatures(m)],
  bodyLayoutFeatures: ["BodyLayout", (M, m) => M.bodyLayoutFeatures(m)],
  offerLayoutFeatures: ["OfferLayout", (M, m) => M.offerLayoutFeatures(m)],
  offerTextFeatures: ["OfferText", (M, m) => M.offerTextFeatures(m)],
  letterTextFeatures: ["LetterText", (M, m) => M.letterTextFeatures(m)],
  bulkToolFeatures: ["BulkTool", (M, m) => M.bulkToolFeatures(m)],
  solicitedFeatures: ["SolicitedEvidence", (M, m) => M.solicitedFeatures(m)],
  linkFeatures: ["LinkEvidence", (M, m) => M.linkFeatures(m)],
  linkServerFeatures: ["LinkServerEvidence", (M, m) => M.linkServerFeatures(m)],
  documentFeatures: ["DocumentEvidence", (M, m) => M.documentFeatures(m)],
  analyseHtml: ["Html", (M, m) => M.analyseHtml(m.body.htmls)],
  analyseUrls: ["Urls", (M, m) => M.analyseUrls(m.body.urls, m.body.hosts)],
  // Pieces the traits above share, priced alone: the links' IP-host test, the dates' parsing.
  "(hasIpLink)": ["UrlIpLinks", (M, m) => M.hasIpLink(m.body.urls)],
  "(parseDate: Date, stamps)": [
    "HeaderAnomalies",
    (M, m) => {
      M.parseDate(m.headers.get("date"))
      for (const hop of m.received ?? []) M.parseDate(hop.date)
    }
  ]
}
const TRAIT_MODULES = Object.fromEntries(Object.values(TRAITS).map(([m]) => [`trait_${m}`, m]))

const scratch = benchTempDir("mailmoat-classifier-steps-")
/** The classifier modules of `dir` as one ES module (the ones it has). */
const bundle = async (dir, k) => {
  const src = join(dir, "packages/antispam/src/classifier")
  const entry = join(scratch, `entry-${k}.ts`)
  const lines = Object.entries({ ...MODULES, ...(step === "traits" ? TRAIT_MODULES : {}) })
    .filter(([, m]) => existsSync(join(src, `${m}.ts`)))
    .map(([name, m]) => `export * as ${name} from ${JSON.stringify(join(src, `${m}.ts`))}`)
  writeFileSync(entry, `${lines.join("\n")}\n`)
  const outfile = join(scratch, `bundle-${k}.mjs`)
  await esbuild.build({
    entryPoints: [entry],
    bundle: true,
    platform: "node",
    format: "esm",
    outfile,
    logLevel: "error"
  })
  return import(pathToFileURL(outfile).href)
}
const builds = []
for (const [k, dir] of checkouts.entries()) builds.push({ name: k === 0 ? "this" : dir, m: await bundle(dir, k) })

const STEPS = {
  collect: (m) =>
    m.K &&
    ((message) => {
      m.K.collect(message).release()
    }),
  solicited: (m) => m.S && ((message) => m.S.solicitedFeatures(message)),
  layout: (m) => m.L && ((message) => m.L.bodyLayoutFeatures(message)),
  offer: (m) => m.O && ((message) => m.O.offerLayoutFeatures(message)),
  fingerprint: (m) => m.F && ((message) => m.F.headerFingerprintFeatures(message)),
  clock: (m) => m.C && ((message) => m.C.headerClockFeatures(message)),
  offertext: (m) => m.T && ((message) => m.T.offerTextFeatures(message)),
  link: (m) => m.U && ((message) => m.U.linkFeatures(message)),
  removal: (m) =>
    m.R && ((message) => m.R.removalFreeMail(message.body.texts, message.body.htmls, message.headers.get("from"))),
  letter: (m) => m.H && ((message) => m.H.letterTextFeatures(message)),
  mailerform: (m) => m.M && ((message) => m.M.headerMailerFormFeatures(message)),
  server: (m) => m.V && ((message) => m.V.linkServerFeatures(message)),
  bulk: (m) => m.B && ((message) => m.B.bulkToolFeatures(message)),
  page: (m) => m.P && ((message) => m.P.pageFeatures(message)),
  relation: (m) => m.X && ((message) => m.X.textHeaderRelationFeatures(message)),
  document: (m) => m.D && ((message) => m.D.documentFeatures(message))
}
if (STEPS[step] === undefined && step !== "traits")
  throw new Error(`--step: one of ${Object.keys(STEPS).join(", ")}, traits`)
const runs = step === "traits" ? [] : builds.map((b) => ({ name: b.name, f: STEPS[step](b.m) })).filter((b) => b.f)

const Classifier = await loadClassifier()
const bytes = args.includes("--peers") ? peerMessages().map((m) => m.bytes) : readCorpus(Classifier, corpusDir())
const messages = bytes.map((b) => parseDecoded(Classifier, b))
const at = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]
const median = (xs) =>
  at(
    [...xs].sort((a, b) => a - b),
    0.5
  )
const cpu = () => {
  const u = process.cpuUsage()
  return u.user + u.system
}
for (const r of runs) for (const message of messages.slice(0, 500)) r.f(message)
if (step === "traits") {
  timeTraits()
  process.exit(0)
}
if (args.includes("--paired")) {
  timePaired()
  process.exit(0)
}
const load0 = loadavg()[0]
const spent = runs.map(() => [])
for (let round = 0; round < rounds; round++)
  for (let i = 0; i < messages.length; i += 250) {
    const batch = messages.slice(i, i + 250)
    const order = (round + i / 250) % 2 === 0 ? runs.keys() : [...runs.keys()].reverse()
    for (const k of order) {
      const c = cpu()
      for (const message of batch) runs[k].f(message)
      spent[k].push((cpu() - c) / batch.length)
    }
  }
/**
 * `--step traits`: every trait of `TRAITS` alone, over all the messages at once (a trait costs a
 * microsecond or less a message, too little for a batch of 250), the builds alternated per trait
 * and round; the messages' facts are made by a `collect` of each first, as the tokenizer has them.
 * Prints a row per trait, this build's dearest first: µs per message (median of the rounds) for
 * each build, and the others' / this build's ratio per round (median, range).
 */
function timeTraits() {
  const collects = builds.map((b) => b.m.K).filter(Boolean)
  for (const K of collects) for (const message of messages) K.collect(message).release()
  const calls = builds.map((b) =>
    Object.fromEntries(
      Object.entries(TRAITS)
        .filter(([, [m]]) => b.m[`trait_${m}`] !== undefined)
        .map(([name, [m, call]]) => [name, (message) => call(b.m[`trait_${m}`], message)])
    )
  )
  for (const c of calls) for (const f of Object.values(c)) for (const message of messages) f(message)
  const load0 = loadavg()[0]
  const spent = Object.fromEntries(Object.keys(TRAITS).map((t) => [t, builds.map(() => [])]))
  for (let round = 0; round < rounds; round++)
    for (const [i, name] of Object.keys(TRAITS).entries()) {
      const order = (round + i) % 2 === 0 ? [...builds.keys()] : [...builds.keys()].reverse()
      for (const k of order) {
        const f = calls[k][name]
        if (f === undefined) continue
        const c = cpu()
        for (const message of messages) f(message)
        spent[name][k].push((cpu() - c) / messages.length)
      }
    }
  const rows = Object.entries(spent).sort((a, b) => median(b[1][0]) - median(a[1][0]))
  let total = 0
  for (const [name, perBuild] of rows) {
    if (!name.startsWith("(")) total += median(perBuild[0])
    const cells = perBuild.map((xs, k) => {
      if (xs.length === 0) return "-"
      const own = `${median(xs).toFixed(3)}`
      if (k === 0 || perBuild[0].length === 0) return own
      const ratios = xs.map((v, j) => v / perBuild[0][j]).sort((a, b) => a - b)
      return `${own} (×${at(ratios, 0.5).toFixed(2)}, ${ratios[0].toFixed(2)}-${ratios.at(-1).toFixed(2)})`
    })
    console.log(`${name.padEnd(26)} ${cells.join("   ")}`)
  }
  console.log(`sum of this build's medians (pieces in brackets left out): ${total.toFixed(2)} µs per message`)
  console.log(`builds: ${builds.map((b) => b.name).join(", ")}`)
  console.log(
    `${messages.length} messages, ${rounds} rounds; load average ${load0.toFixed(1)} on ${cpus().length} cores`
  )
}

for (const [k, r] of runs.entries()) {
  const ratios = spent[k].map((v, j) => v / spent[0][j]).sort((a, b) => a - b)
  console.log(
    `${step} ${r.name}: ${median(spent[k]).toFixed(2)} µs per message (median of ${spent[k].length} batches); / this build per batch: median ${at(ratios, 0.5).toFixed(3)}, quartiles ${at(ratios, 0.25).toFixed(3)}-${at(ratios, 0.75).toFixed(3)}`
  )
}
console.log(`${messages.length} messages, ${rounds} rounds; load average ${load0.toFixed(1)} on ${cpus().length} cores`)
