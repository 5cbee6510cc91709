// Where the labelled corpus lives: $MAILMOAT_CORPUS, else `../shared/corpus` next to the
// repository (how the workspace lays it out), else /work/shared/corpus. The corpus is not part of
// the repository: where it is absent, the tests that need it are reported as skipped (never as
// passed) with the reason, and `npm test` prints the skipped count in its closing line.
import { existsSync } from "node:fs"
import { join, resolve } from "node:path"

const repoRoot = resolve(import.meta.dirname, "../../../..")

export const corpusCandidates = (): ReadonlyArray<string> =>
  [process.env.MAILMOAT_CORPUS, join(repoRoot, "../shared/corpus"), "/work/shared/corpus"].filter(
    (d): d is string => d !== undefined && d !== ""
  )

/** The split directory when the corpus is here, else undefined. */
export const findCorpus = (split: "train" | "eval"): string | undefined => {
  for (const base of corpusCandidates()) {
    const dir = join(base, split)
    if (existsSync(join(dir, "ham")) && existsSync(join(dir, "spam"))) return dir
  }
  return undefined
}

/** Why corpus tests are skipped, for the test name. */
export const corpusMissing = (split: "train" | "eval"): string =>
  `(skipped: corpus ${split}/ not found in ${corpusCandidates().join(", ")}; set MAILMOAT_CORPUS)`

/** The corpus split directory (`train` or `eval`), or throws naming every place looked at. */
export const corpusDir = (split: "train" | "eval"): string => {
  for (const base of corpusCandidates()) {
    const dir = join(base, split)
    if (existsSync(join(dir, "ham")) && existsSync(join(dir, "spam"))) return dir
  }
  throw new Error(
    `the labelled corpus (${split}/ham, ${split}/spam) was not found in: ${corpusCandidates().join(", ")}; set MAILMOAT_CORPUS`
  )
}
