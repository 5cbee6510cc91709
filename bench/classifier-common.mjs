// Shared by the classifier benches: the repository root, command-line options, the corpus
// directory and the built @mailmoat/antispam (or another build given with --dist).
import { existsSync } from "node:fs"
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

/** The corpus directory; exits 2 (with a line saying so) when it has no train/. */
export const corpusOrExit = () => {
  const corpus = corpusDir()
  if (!existsSync(join(corpus, "train"))) {
    console.error(`no corpus at ${corpus}`)
    process.exit(2)
  }
  return corpus
}
