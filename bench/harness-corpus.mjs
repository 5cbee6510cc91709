// The shared peer harness's corpus and zones, generated as the harness does (its gen-corpus.js is
// deterministic) in a scratch copy of the harness folder, so nothing is written where it is shared.
import { spawnSync } from "node:child_process"
import { chmodSync, cpSync, mkdtempSync, readdirSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"

/** Copies `harness` into a new folder named after `prefix`, generates its corpus there: `{ work, corpus, files }` (the .eml names, sorted). */
export const harnessCorpus = (harness, prefix) => {
  const work = mkdtempSync(join(tmpdir(), prefix))
  chmodSync(work, 0o755)
  cpSync(harness, work, { recursive: true })
  spawnSync("node", ["gen-corpus.js"], { cwd: work, stdio: "ignore" })
  const corpus = join(work, "corpus")
  const files = readdirSync(corpus)
    .filter((f) => f.endsWith(".eml"))
    .sort()
  return { work, corpus, files }
}
