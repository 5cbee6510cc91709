#!/usr/bin/env node
// The tokenizer's word-free features (`feat:` traits, not words) of the spam each drift cell misses
// with none of the words known, and combinations of them counted on every ham and spam of train/
// and eval/: the counts behind round 56 in docs/classifier.md. The layer weighs each feature on its
// own; a pair (or triple) that no ham carries while each member does would be evidence together
// that neither is alone. The misses come from a drift bench dump (`node
// bench/classifier-drift.mjs --known 1,0.1,0 --dump F`): its spam not called spam in each cell's
// `0 % known` run. The features are the build's own (`Classifier.tokenize`), not restated here.
//
//   node bench/classifier-together34-candidates.mjs --misses F [--corpus DIR] [--dist PATH/index.js]
//     [--ham N]        (combinations carried by at most N ham; 0 unless given)
//     [--members all]  (members that no ham carries alone count too; by default each member of a
//                       combination must be carried by some ham, else the layer weighs it already)
//     [--triples]      (triples too, none of whose pairs is already within --ham)
//     [--top N]        (rows per table; 25)
//     [--show A+B]     (the files carrying every feature named, ham first)
//     [--rule NAMES]   (only the built combinations' rows: each feature of NAMES, comma-separated, as
//                       the build names it, per subset and per cell; bulk_header_and_body if empty)
//
// Tables: the misses' features (misses, ham, spam carrying each); the combinations ranked by the
// misses they cover, with a count per subset and per cell; then the same chosen on one training
// half only (2002: easy_ham and spam; 2003-05: easy_ham_2 and spam_2; the split's train/), with the
// ham of the whole corpus and the misses of every cell beside them, the check that a combination
// found on one half holds on the others.
//
// Needs `npx turbo run build --filter=@mailmoat/antispam`; exits 2 without a corpus.
import { readFileSync } from "node:fs"
import { args, corpusOrExit, corpusMessages, loadClassifier, opt, SUBSETS } from "./classifier-common.mjs"

const corpus = corpusOrExit()
const Classifier = await loadClassifier()
const missesFile = opt("misses", undefined)
if (missesFile === undefined) {
  console.error("--misses F: a dump of bench/classifier-drift.mjs --known 1,0.1,0 --dump F")
  process.exit(2)
}
const maxHam = Number(opt("ham", "0"))
const anyMembers = opt("members", "") === "all"
const top = Number(opt("top", "25"))
const show = opt("show", undefined)

/** Each cell's spam not called spam with none known, by file name: `cell -> Map(name -> p)`. */
const cells = new Map()
for (const line of readFileSync(missesFile, "utf8").split("\n")) {
  if (line.length === 0) continue
  const r = JSON.parse(line)
  if (!r.run.endsWith(", 0 % known") || r.label !== "spam" || r.c === "spam") continue
  const cell = r.run.slice(0, r.run.indexOf(","))
  if (!cells.has(cell)) cells.set(cell, new Map())
  cells.get(cell).set(r.name, r.p)
}
const cellNames = [...cells.keys()]

/** Every message: its label, subset and the features the build's tokenizer names. */
const messages = []
for (const m of corpusMessages(Classifier, corpus))
  messages.push({
    label: m.label,
    name: m.name,
    subset: m.subset,
    features: [...Classifier.tokenize(m.message).features].sort()
  })
const byName = new Map(messages.map((m) => [m.name, m]))

const tally = (pick) => {
  const out = new Map()
  for (const m of messages)
    for (const k of pick(m.features)) {
      if (!out.has(k)) out.set(k, Object.fromEntries(SUBSETS.map((s) => [s, 0])))
      out.get(k)[m.subset]++
    }
  return out
}
/**
 * This round's built combinations (`TraitsTogether.ts`): counted alone (`--rule`), never paired, as
 * they are pairs already.
 */
const BUILT = ["bulk_header_and_body"]
const pairable = (fs) => fs.filter((f) => !BUILT.includes(f))
const pairsOf = (all) => {
  const fs = pairable(all)
  const out = []
  for (let i = 0; i < fs.length; i++) for (let j = i + 1; j < fs.length; j++) out.push(`${fs[i]}+${fs[j]}`)
  return out
}
const triplesOf = (all) => {
  const fs = pairable(all)
  const out = []
  for (let i = 0; i < fs.length; i++)
    for (let j = i + 1; j < fs.length; j++)
      for (let k = j + 1; k < fs.length; k++) out.push(`${fs[i]}+${fs[j]}+${fs[k]}`)
  return out
}
const HAM = ["easy_ham", "easy_ham_2", "hard_ham", "eval ham"]
const SPAM = ["spam", "spam_2", "eval spam"]
const sum = (row, subsets) => (row === undefined ? 0 : subsets.reduce((a, s) => a + row[s], 0))

const singles = tally((fs) => fs)
const pairs = tally(pairsOf)
const hamOf = (k) => sum(k.includes("+") ? pairs.get(k) : singles.get(k), HAM)

/** The misses each combination (or feature) covers, per cell, and of those at 0.6 or more (`near`). */
const covered = (keysOf) => {
  const out = new Map()
  for (const [cell, misses] of cells)
    for (const [name, p] of misses) {
      const m = byName.get(name)
      if (m === undefined) continue
      for (const k of keysOf(m.features)) {
        if (!out.has(k)) out.set(k, { ...Object.fromEntries(cellNames.map((c) => [c, 0])), near: 0, all: 0 })
        const row = out.get(k)
        row[cell]++
        row.all++
        if (p >= 0.6) row.near++
      }
    }
  return out
}

if (show !== undefined) {
  const want = show.split("+")
  for (const label of ["ham", "spam"])
    for (const m of messages)
      if (m.label === label && want.every((f) => m.features.includes(f)))
        console.log(`${label} ${m.name} ${m.features.join(" ")}`)
  process.exit(0)
}

if (args.includes("--rule")) {
  const given = opt("rule", "")
    .split(",")
    .filter((n) => n.length > 0 && !n.startsWith("--"))
  const names = given.length > 0 ? given : BUILT
  const rows = covered((fs) => fs.filter((f) => names.includes(f)))
  console.log(`| feature | ${SUBSETS.join(" | ")} | misses (${cellNames.join(" / ")}) | of those at 0.6+ |`)
  console.log(`|---|${SUBSETS.map(() => "---:").join("|")}|---:|---:|`)
  for (const k of names) {
    const row = rows.get(k) ?? { ...Object.fromEntries(cellNames.map((c) => [c, 0])), near: 0 }
    console.log(
      `| ${k} | ${SUBSETS.map((s) => singles.get(k)?.[s] ?? 0).join(" | ")} | ${cellNames.map((c) => row[c]).join(" / ")} | ${row.near} |`
    )
  }
  process.exit(0)
}

const missCount = cellNames.map((c) => `${c} ${cells.get(c).size}`).join(", ")
console.log(`none-known misses: ${missCount}\n`)
console.log(`| feature | misses (${cellNames.join(" / ")}) | ham | spam |`)
console.log("|---|---:|---:|---:|")
const missFeatures = covered((fs) => fs)
for (const [k, row] of [...missFeatures].sort((a, b) => b[1].all - a[1].all).slice(0, top))
  console.log(`| ${k} | ${cellNames.map((c) => row[c]).join(" / ")} | ${hamOf(k)} | ${sum(singles.get(k), SPAM)} |`)

/** Whether a combination's members may be read: each carried by some ham, unless `--members all`. */
const membersOk = (k) => anyMembers || k.split("+").every((f) => hamOf(f) > 0)
const table = (title, rows, counts) => {
  console.log(`\n${title}\n`)
  console.log(`| combination | ${SUBSETS.join(" | ")} | misses (${cellNames.join(" / ")}) | of those at 0.6+ |`)
  console.log(`|---|${SUBSETS.map(() => "---:").join("|")}|---:|---:|`)
  for (const [k, row] of rows.slice(0, top))
    console.log(
      `| ${k} | ${SUBSETS.map((s) => counts.get(k)?.[s] ?? 0).join(" | ")} | ${cellNames.map((c) => row[c]).join(" / ")} | ${row.near} |`
    )
}
const missPairs = covered(pairsOf)
const pairRows = [...missPairs].filter(([k]) => sum(pairs.get(k), HAM) <= maxHam && membersOk(k))
table(
  `Pairs carried by ${maxHam} ham or fewer${anyMembers ? "" : ", each member carried by some ham"}, by misses covered:`,
  pairRows.sort((a, b) => b[1].all - a[1].all),
  pairs
)

if (args.includes("--triples")) {
  const triples = tally(triplesOf)
  const missTriples = covered(triplesOf)
  const rows = [...missTriples].filter(([k]) => {
    if (sum(triples.get(k), HAM) > maxHam || !membersOk(k)) return false
    const [a, b, c] = k.split("+")
    return [`${a}+${b}`, `${a}+${c}`, `${b}+${c}`].every((p) => sum(pairs.get(p), HAM) > maxHam)
  })
  table(
    `Triples carried by ${maxHam} ham or fewer, none of whose pairs is:`,
    rows.sort((a, b) => b[1].all - a[1].all),
    triples
  )
}

const HALVES = {
  "2002 (easy_ham, spam)": ["easy_ham", "spam"],
  "2003-05 (easy_ham_2, spam_2)": ["easy_ham_2", "spam_2"],
  "train/": ["easy_ham", "easy_ham_2", "hard_ham", "spam", "spam_2"]
}
for (const [half, subsets] of Object.entries(HALVES)) {
  const inHalf = (k) => subsets.filter((s) => HAM.includes(s)).reduce((a, s) => a + (pairs.get(k)?.[s] ?? 0), 0)
  const spamInHalf = (k) => subsets.filter((s) => SPAM.includes(s)).reduce((a, s) => a + (pairs.get(k)?.[s] ?? 0), 0)
  const chosen = [...pairs.keys()].filter((k) => inHalf(k) <= maxHam && spamInHalf(k) >= 5 && membersOk(k))
  const empty = { ...Object.fromEntries(cellNames.map((c) => [c, 0])), near: 0, all: 0 }
  const rows = chosen
    .map((k) => [k, missPairs.get(k) ?? empty])
    .sort((a, b) => b[1].all - a[1].all || spamInHalf(b[0]) - spamInHalf(a[0]))
  table(
    `Chosen on ${half} alone (${maxHam} ham or fewer there, 5+ spam there), by misses covered in every cell:`,
    rows,
    pairs
  )
}
