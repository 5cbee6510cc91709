// Where the labelled corpus lives: $MAILMOAT_CORPUS, else `../shared/corpus` next to the
// repository (how the workspace and CI lay it out), else /work/shared/corpus. Tests that need it
// fail with this message when none exists; they never skip.
import { existsSync } from "node:fs"
import { join, resolve } from "node:path"

const repoRoot = resolve(import.meta.dirname, "../../../..")

export const corpusCandidates = (): ReadonlyArray<string> =>
  [process.env.MAILMOAT_CORPUS, join(repoRoot, "../shared/corpus"), "/work/shared/corpus"].filter((d): d is string => d !== undefined && d !== "")

/** The corpus split directory (`train` or `eval`), or throws naming every place looked at. */
export const corpusDir = (split: "train" | "eval"): string => {
  for (const base of corpusCandidates()) {
    const dir = join(base, split)
    if (existsSync(join(dir, "ham")) && existsSync(join(dir, "spam"))) return dir
  }
  throw new Error(`the labelled corpus (${split}/ham, ${split}/spam) was not found in: ${corpusCandidates().join(", ")}; set MAILMOAT_CORPUS`)
}
