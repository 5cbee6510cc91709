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
// (`TextHeaderRelation.textHeaderRelationFeatures`, round 51); a checkout without a step's module is left
// out of that step. Prints each build's median µs per message and, per batch, its ratio to the
// first build (median and quartiles).
//
//   node bench/classifier-steps.mjs [--step collect|solicited|layout|offer|fingerprint|clock|offertext|link|removal|letter|mailerform|server|bulk|page|relation]
//                                   [--rounds 6] [--peers]
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
  X: "TextHeaderRelation"
}
const scratch = benchTempDir("mailmoat-classifier-steps-")
/** The classifier modules of `dir` as one ES module (the ones it has). */
const bundle = async (dir, k) => {
  const src = join(dir, "packages/antispam/src/classifier")
  const entry = join(scratch, `entry-${k}.ts`)
  const lines = Object.entries(MODULES)
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
  relation: (m) => m.X && ((message) => m.X.textHeaderRelationFeatures(message))
}
if (STEPS[step] === undefined) throw new Error(`--step: one of ${Object.keys(STEPS).join(", ")}`)
const runs = builds.map((b) => ({ name: b.name, f: STEPS[step](b.m) })).filter((b) => b.f)

const Classifier = await loadClassifier()
const bytes = args.includes("--peers") ? peerMessages().map((m) => m.bytes) : readCorpus(Classifier, corpusDir())
const messages = bytes.map((b) => parseDecoded(Classifier, b))
const cpu = () => {
  const u = process.cpuUsage()
  return u.user + u.system
}
for (const r of runs) for (const message of messages.slice(0, 500)) r.f(message)
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
const at = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]
const median = (xs) =>
  at(
    [...xs].sort((a, b) => a - b),
    0.5
  )
for (const [k, r] of runs.entries()) {
  const ratios = spent[k].map((v, j) => v / spent[0][j]).sort((a, b) => a - b)
  console.log(
    `${step} ${r.name}: ${median(spent[k]).toFixed(2)} µs per message (median of ${spent[k].length} batches); / this build per batch: median ${at(ratios, 0.5).toFixed(3)}, quartiles ${at(ratios, 0.25).toFixed(3)}-${at(ratios, 0.75).toFixed(3)}`
  )
}
console.log(`${messages.length} messages, ${rounds} rounds; load average ${load0.toFixed(1)} on ${cpus().length} cores`)
