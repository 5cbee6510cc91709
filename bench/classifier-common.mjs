// Shared by the classifier benches: the repository root, command-line options, the corpus
// directory and the built @mailmoat/antispam (or another build given with --dist).
import { spawnSync } from "node:child_process"
import { cpSync, existsSync, readdirSync, readFileSync, rmSync } from "node:fs"
import { basename, join, resolve } from "node:path"
import { fileURLToPath } from "node:url"
import { benchTempDir } from "./temp-dir.mjs"

export const root = resolve(fileURLToPath(new URL("..", import.meta.url)))
export const args = process.argv.slice(2)

/** Value of `--name VALUE`, else `fallback`. */
export const opt = (name, fallback) => {
  const i = args.indexOf(`--${name}`)
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1] : fallback
}

export const corpusDir = () => resolve(opt("corpus", join(root, "../shared/corpus")))

/** The `Classifier` namespace of the build under test. */
export const loadClassifier = async () =>
  (await import(resolve(opt("dist", join(root, "packages/antispam/dist/index.js"))))).Classifier

/**
 * The class of a scored message (`score` undefined for GTUBE, whose probability is 1): the build's
 * decision (`Classifier.decide`, round 30), or with `--decision plain` (or a build without it) the
 * probability's band alone.
 */
export const decision = (Classifier) =>
  opt("decision", "build") === "plain" || typeof Classifier.decide !== "function"
    ? (_model, _score, p) => Classifier.classOf(p)
    : (model, score, p) => (score === undefined ? Classifier.classOf(p) : Classifier.decide(model, score))

/**
 * `--late feat:A,feat:B`: the layer inputs fitted in a second stage; `--late feat:A/feat:B,feat:C`:
 * stages in order, `/` between them (`TrainOptions.lateStages`); `--late none`: one joint fit;
 * absent: undefined, the build's default.
 */
export const lateOption = () => {
  const late = opt("late", undefined)
  return late === undefined ? undefined : late === "none" ? [] : late.split("/").map((stage) => stage.split(","))
}

/**
 * `--without feat:A,feat:B`: tokens of a message as the build would give them without those
 * features (their `feat:` tokens and names taken out), so one build with several candidate
 * features measures each alone or any subset; absent, the tokens unchanged. A message's other
 * tokens are the same either way, as features come first and never crowd a word out of the cap
 * but at the cap itself.
 */
export const withoutOption = () => {
  const without = new Set((opt("without", "") || "").split(",").filter(Boolean))
  if (without.size === 0) return (tokens) => tokens
  return (tokens) => ({
    tokens: tokens.tokens.filter((t) => !without.has(t)),
    features: tokens.features.filter((f) => !without.has(`feat:${f}`))
  })
}

/** The corpus directory; exits 2 (with a line saying so) when it has no train/. */
export const corpusOrExit = () => {
  const corpus = corpusDir()
  if (!existsSync(join(corpus, "train"))) {
    console.error(`no corpus at ${corpus}`)
    process.exit(2)
  }
  return corpus
}

/** The model of `--model FILE`, else the shipped one, loaded by the build under test. */
export const loadModelOption = (Classifier) =>
  Classifier.loadModel(resolve(opt("model", join(root, "packages/antispam/model/mailmoat-classifier.model.gz"))))

/** The bytes of every eval/ and train/ message of the corpus, ham before spam in each split. */
export const readCorpus = (Classifier, corpus) => {
  const messages = []
  for (const split of ["eval", "train"])
    for (const label of ["ham", "spam"])
      for (const f of Classifier.listFiles(join(corpus, split, label))) messages.push(readFileSync(f))
  return messages
}

/** A parsed message with core's lazy MIME decoding done, as the gateway hands it to its stages. */
export const parseDecoded = (Classifier, bytes) => {
  const m = Classifier.parseMessage(bytes)
  void m.body
  void m.received
  return m
}

/**
 * The peer workload's messages (../shared/peers-bench, generated as its gen-corpus.js does, in a
 * scratch copy), with CRLF line ends as the gateway receives them: `{ file, bytes }` each.
 */
export const peerMessages = () => {
  const work = benchTempDir("mailmoat-classifier-peers-")
  try {
    cpSync(resolve(root, "../shared/peers-bench"), work, { recursive: true })
    spawnSync("node", ["gen-corpus.js"], { cwd: work, stdio: "ignore" })
    const dir = join(work, "corpus")
    return readdirSync(dir)
      .filter((f) => f.endsWith(".eml"))
      .sort()
      .map((f) => ({
        file: `peers/${f}`,
        bytes: Buffer.from(readFileSync(join(dir, f), "latin1").replace(/\n/g, "\r\n"), "latin1")
      }))
  } finally {
    rmSync(work, { recursive: true, force: true })
  }
}

/** The corpus subsets the candidate benches count apart: train/'s file-name prefixes, eval/'s labels. */
export const SUBSETS = ["easy_ham", "easy_ham_2", "hard_ham", "eval ham", "spam", "spam_2", "eval spam"]

/** Every train/ and eval/ message parsed, with its label, file name and subset (of `SUBSETS`). */
export function* corpusMessages(Classifier, corpus) {
  for (const split of ["train", "eval"])
    for (const label of ["ham", "spam"])
      for (const file of Classifier.listFiles(join(corpus, split, label))) {
        const name = basename(file)
        const subset = split === "eval" ? `eval ${label}` : name.slice(0, name.indexOf("."))
        yield { label, name, subset, message: Classifier.parseMessage(readFileSync(file)) }
      }
}

/** Whether `test(message)` holds; a candidate that throws on a message does not hold for it. */
export const holds = (test, message) => {
  try {
    return test(message)
  } catch {
    return false
  }
}

/**
 * The model's probability of `message` with all its tokens and with its `feat:` tokens alone (the
 * stand-in for mail whose words the table has never seen), and the features it carries that the
 * layer weighs more than 0.5.
 */
export const missScores = (Classifier, model, message) => {
  const tokens = Classifier.tokenize(message)
  const features = { ...tokens, tokens: tokens.tokens.filter((t) => t.startsWith("feat:")) }
  return {
    all: Classifier.score(model, tokens).probability,
    none: Classifier.score(model, features).probability,
    weighed: tokens.features.filter((f) => model.logistic?.weights?.[`feat:${f}`] > 0.5).length
  }
}

/** The candidate benches' start: the corpus (or exit 2), the build under test and its model. */
export const candidateSetup = async () => {
  const corpus = corpusOrExit()
  const Classifier = await loadClassifier()
  return { corpus, Classifier, model: await loadModelOption(Classifier) }
}

/**
 * Counts each of `candidates` (name -> test of a parsed message) per subset over the corpus: a
 * row per candidate with a count per subset and the fields `fields()` gives, then `hit(row, name,
 * message)` for each message it holds for (`message`: `corpusMessages`'s, the same object for
 * every candidate of one message, so `hit` can keep what it computes once on it). Returns the
 * totals per subset and the rows.
 */
export const countCandidates = (Classifier, corpus, candidates, fields, hit) => {
  const totals = Object.fromEntries(SUBSETS.map((s) => [s, 0]))
  const rows = Object.fromEntries(
    Object.keys(candidates).map((k) => [k, { ...Object.fromEntries(SUBSETS.map((s) => [s, 0])), ...fields() }])
  )
  for (const message of corpusMessages(Classifier, corpus)) {
    totals[message.subset]++
    for (const [k, test] of Object.entries(candidates)) {
      if (!holds(test, message.message)) continue
      rows[k][message.subset]++
      hit(rows[k], k, message)
    }
  }
  return { totals, rows }
}

/** A header's date (Date, a Received stamp) in Unix milliseconds, comments dropped; undefined when it does not parse. */
export const parseHeaderTime = (v) => {
  const t = Date.parse(
    (v ?? "")
      .replace(/\([^)]*\)/g, "")
      .trim()
      .slice(0, 200)
  )
  return Number.isNaN(t) ? undefined : t
}

/**
 * Counts `candidates` over the corpus (`countCandidates`) and prints the candidate benches' table:
 * a count per subset, the spam carrying each that `model` misses with all words known and with none
 * (its `feat:` tokens alone), of those how many score `near` or more with none known (a column only
 * when `near` is given: what a late weight of about 1 can lift), and how many carry no feature the
 * model weighs; then a few ham files, or every file of candidate `show`.
 */
export const printMissTable = ({ Classifier, corpus, model, candidates, show, near }) => {
  const { totals, rows } = countCandidates(
    Classifier,
    corpus,
    candidates,
    () => ({ missedAll: 0, missedNone: 0, near: 0, bare: 0, files: [] }),
    (row, k, message) => {
      const { label, name } = message
      if (k === show) row.files.push(`${label} ${name.slice(0, 22)}`)
      else if (label === "ham" && row.files.length < 4) row.files.push(name.slice(0, 16))
      if (label === "ham") return
      message.scores ??= missScores(Classifier, model, message.message)
      const { scores } = message
      if (scores.all < 0.9) row.missedAll++
      if (scores.none >= 0.9) return
      row.missedNone++
      if (near !== undefined && scores.none >= near) row.near++
      if (scores.weighed === 0) row.bare++
    }
  )
  const nearHead = near === undefined ? "" : ` / of those at ${near}+`
  console.log(
    `| candidate | ${SUBSETS.map((s) => `${s} (${totals[s]})`).join(" | ")} | spam missed, all / none known${nearHead} / none and no weighed feature | ham files |`
  )
  console.log(`|---|${SUBSETS.map(() => "---:").join("|")}|---:|---|`)
  for (const [k, row] of Object.entries(rows)) {
    const missed = [row.missedAll, row.missedNone, ...(near === undefined ? [] : [row.near]), row.bare].join(" / ")
    console.log(
      `| ${k} | ${SUBSETS.map((s) => row[s]).join(" | ")} | ${missed} | ${k === show ? "" : row.files.join(" ")} |`
    )
  }
  if (show) console.log(rows[show]?.files.join("\n") ?? `no candidate named ${show}`)
}

/** Whether `ip` is a public IPv4 address: not private, loopback, link-local, "this network" or multicast. */
export const isPublicV4 = (ip) => {
  const o = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(ip ?? "")
  if (!o) return false
  const [a, b] = [Number(o[1]), Number(o[2])]
  return !(
    a === 0 ||
    a === 10 ||
    a === 127 ||
    a >= 224 ||
    (a === 169 && b === 254) ||
    (a === 172 && b >= 16 && b < 32) ||
    (a === 192 && b === 168)
  )
}

/** The index of a parsed message's origin: the oldest Received hop with a public IPv4 address; -1 when none has one. */
export const originIndex = (message) => {
  const hops = message.received ?? []
  for (let i = hops.length - 1; i >= 0; i--) if (isPublicV4(hops[i].ip)) return i
  return -1
}

/** Spam at or above this with none of their words known are called spam (round 37's lowered cut-off). */
export const NONE_KNOWN_CUTOFF = 0.85

/**
 * The pair search of the candidate benches' `--pairs` (rounds 39 and 43): every trait of `traits`
 * (name -> test of a parsed message) alone and with each other, counted in ham and in the spam that
 * `model` misses with none of the words known (under `cutoff`), and of those at `near` or more (what
 * a late weight of about 1.2 lifts over it); then the pairs `keep(row)` keeps (say, no ham and 6 or
 * more near misses), most near misses first.
 */
export const printPairTable = ({ Classifier, corpus, model, traits, keep, near = 0.6, cutoff = NONE_KNOWN_CUTOFF }) => {
  const names = Object.keys(traits)
  const rows = new Map()
  const row = (k) => {
    if (!rows.has(k)) rows.set(k, { ham: 0, spam: 0, missed: 0, near: 0, files: [] })
    return rows.get(k)
  }
  for (const message of corpusMessages(Classifier, corpus)) {
    const on = names.filter((k) => holds(traits[k], message.message))
    const scores =
      message.label === "spam" && on.length > 0 ? missScores(Classifier, model, message.message) : undefined
    for (let i = 0; i < on.length; i++)
      for (let j = i; j < on.length; j++) {
        const r = row(i === j ? on[i] : `${on[i]} + ${on[j]}`)
        if (scores === undefined) {
          r.ham++
          if (r.files.length < 3) r.files.push(message.name.slice(0, 16))
          continue
        }
        r.spam++
        if (scores.none >= cutoff) continue
        r.missed++
        if (scores.none >= near) r.near++
      }
  }
  const line = (k, r) => console.log(`| ${k} | ${r.ham} | ${r.spam} | ${r.missed} | ${r.near} | ${r.files.join(" ")} |`)
  console.log(`| trait | ham | spam | missed none known (under ${cutoff}) | of those at ${near}+ | ham files |`)
  console.log("|---|---:|---:|---:|---:|---|")
  for (const k of names) if (rows.has(k)) line(k, rows.get(k))
  const pairs = [...rows.entries()].filter(([k, r]) => k.includes(" + ") && keep(r))
  for (const [k, r] of pairs.sort((a, b) => b[1].near - a[1].near)) line(k, r)
}

/**
 * `--pairs features` of the candidate benches (rounds 50 and 51): every feature of the tokenizer
 * weighed towards spam as a pair trait (`f:NAME`), so that a candidate ham show only beside none of
 * them is found. The names are read from the source's sign table (the build does not export it);
 * each message is tokenized once.
 */
export const featureTraits = (Classifier) => {
  const featuresOf = new WeakMap()
  const hasFeature = (m, f) => {
    if (!featuresOf.has(m)) featuresOf.set(m, new Set(Classifier.tokenize(m).features))
    return featuresOf.get(m).has(f)
  }
  const signs = readFileSync(join(root, "packages/antispam/src/classifier/FeatureSigns.ts"), "utf8")
  return Object.fromEntries(
    [...signs.matchAll(/^ {2}(\w+): 1,$/gm)].map((x) => [`f:${x[1]}`, (m) => hasFeature(m, x[1])])
  )
}

/**
 * Round 40's web-mail providers, one list of first labels per provider, read from
 * `ReceivedProviderHost.ts`'s source as `featureTraits` reads the sign table: the build does not
 * export the list, and a candidate bench that restated it would drift from the stage it measures.
 */
export const sourceProviders = () => {
  const source = readFileSync(join(root, "packages/antispam/src/classifier/ReceivedProviderHost.ts"), "utf8")
  const table = /const PROVIDERS[^=]*= \[\n([\s\S]*?)\n\]/.exec(source)
  if (!table) throw new Error("ReceivedProviderHost.ts: no PROVIDERS table found")
  return [...table[1].matchAll(/\[([^\]]*)\]/g)].map((row) => [...row[1].matchAll(/"([^"]+)"/g)].map((l) => l[1]))
}

/**
 * The candidate benches' end: with `--pairs` the pair search over `traits` (with `--pairs features`
 * the tokenizer's features too), keeping the pairs no ham carries that mark 3 or more near misses;
 * else the table of `candidates` (`printMissTable`).
 */
export const printCandidates = ({ Classifier, corpus, model, candidates, traits, show, near }) => {
  if (!args.includes("--pairs")) return printMissTable({ Classifier, corpus, model, candidates, show, near })
  const all = opt("pairs", "") === "features" ? { ...traits, ...featureTraits(Classifier) } : traits
  printPairTable({ Classifier, corpus, model, traits: all, keep: (r) => r.ham === 0 && r.near >= 3, near })
}

/** The text helpers of the candidate benches: matches of `re` in `s`, a text's lines, its non-blank lines, its ASCII letters. */
export const count = (s, re) => (s.match(re) ?? []).length
export const lines = (t) => t.split("\n")
export const nonBlank = (t) => lines(t).filter((l) => l.trim().length > 0)
export const letters = (s) => count(s, /[A-Za-z]/g)
