// Shared by the classifier benches: the repository root, command-line options, the corpus
// directory and the built @mailmoat/antispam (or another build given with --dist).
import { spawnSync } from "node:child_process"
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join, resolve } from "node:path"
import { fileURLToPath } from "node:url"

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
  const work = mkdtempSync(join(tmpdir(), "mailmoat-classifier-peers-"))
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
