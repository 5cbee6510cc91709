// vitest globalSetup of every package: the run gets a temp folder of its own and TMPDIR points
// there for the workers and every process they start (gateways, CLIs, peers), so two runs on one
// machine never share a folder and what a test file leaves behind is found here and named.
// Under `npm test` (MM_TEST_RUN set) the folder is <suite's TMPDIR>/vitest-<package> and the
// runner reports and removes what is left (scripts/test-temp.mjs); alone (`npx vitest run` in a
// package) it is $TMPDIR/mailmoat-vitest-<package>-XXXXXX, removed here after naming any leftover.
// MM_KEEP_TMP=1 keeps it (see test/support/temp-dirs.ts).
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { basename, join } from "node:path"

export default function setup(project) {
  const root = project?.config?.root ?? process.cwd()
  // "@mailmoat/gateway" -> "gateway"; the workspace's own tests -> "mailmoat".
  const name = basename(JSON.parse(readFileSync(join(root, "package.json"), "utf8")).name ?? root)
  const underRunner = process.env.MM_TEST_RUN !== undefined
  const dir = underRunner ? join(tmpdir(), `vitest-${name}`) : mkdtempSync(join(tmpdir(), `mailmoat-vitest-${name}-`))
  mkdirSync(dir, { recursive: true })
  // Peers that drop root (smtp-sink as nobody, Dovecot's login processes, Postfix) must reach
  // their folders below this one, as they do under /tmp.
  chmodSync(dir, 0o755)
  const previous = process.env.TMPDIR
  process.env.TMPDIR = dir
  return () => {
    if (previous === undefined) delete process.env.TMPDIR
    else process.env.TMPDIR = previous
    const left = readdirSync(dir)
    if (process.env.MM_KEEP_TMP === "1") {
      console.log(`MM_KEEP_TMP=1: ${name}'s temporary files are kept in ${dir}`)
      return
    }
    if (left.length > 0)
      console.error(
        `\n[mailmoat tmp] ${name}: the tests left ${left.length} entries in ${dir} (a test file removes what it makes through test/support/temp-dirs.ts):\n  ${left.join("\n  ")}`
      )
    if (left.length === 0 || !underRunner) rmSync(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 })
  }
}
