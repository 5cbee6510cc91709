// The shared peer harness's pieces that benches set up the same way: its corpus and zones,
// generated as the harness does (its gen-corpus.js is deterministic) in a scratch copy of the
// harness folder so nothing is written where it is shared, and the wait for its rbldnsd.
import { spawnSync } from "node:child_process"
import { promises as dnsPromises } from "node:dns"
import { chmodSync, cpSync, readdirSync } from "node:fs"
import { join } from "node:path"
import { benchTempDir } from "./temp-dir.mjs"

/** Copies `harness` into a new folder named after `prefix`, generates its corpus there: `{ work, corpus, files }` (the .eml names, sorted). */
export const harnessCorpus = (harness, prefix) => {
  const work = benchTempDir(prefix)
  chmodSync(work, 0o755)
  cpSync(harness, work, { recursive: true })
  spawnSync("node", ["gen-corpus.js"], { cwd: work, stdio: "ignore" })
  const corpus = join(work, "corpus")
  const files = readdirSync(corpus)
    .filter((f) => f.endsWith(".eml"))
    .sort()
  return { work, corpus, files }
}

/** Resolves once the harness's rbldnsd on 127.0.0.1:`port` answers for `bl.test` (~10 s at most). */
export const rbldnsdAnswers = async (port) => {
  const probe = new dnsPromises.Resolver({ timeout: 200, tries: 1 })
  probe.setServers([`127.0.0.1:${port}`])
  for (let i = 0; ; i++) {
    try {
      await probe.resolve4("2.0.0.127.bl.test")
      return
    } catch (e) {
      if (i > 100) throw new Error(`rbldnsd did not answer: ${e}`)
      await new Promise((r) => setTimeout(r, 100))
    }
  }
}
