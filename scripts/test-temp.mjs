// The test command's temporary files. Every suite `npm test` runs (each package's vitest, the
// packed-package check, the runtime smoke suites) gets a fresh, empty TMPDIR of its own under one
// folder per run ($TMPDIR/mailmoat-test-XXXXXX): two runs on one machine never share a folder, and
// whatever is left in a suite's folder once it ended is a leak, named with the suite that made it.
// Each package's vitest run keeps its tests' files in `vitest-<package>/` of its step's folder
// (test/support/temp-root-setup.mjs), so a vitest leak names the package too. The run folder is
// removed at the end; MM_KEEP_TMP=1 keeps it (and everything in it) for debugging. Our variables
// are not MAILMOAT_* ones: the gateways the suites start would read those as configuration.
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"

/** Names our tests and scripts give their temporary files (what the OS temp dir is checked for). */
const OURS = /^(mailmoat-|mm-|pack-gw-)/
/** Run folders of this and other test runs (and standalone vitest runs), not leaks of this one. */
const RUN_FOLDERS = /^mailmoat-(test|vitest)-/

const ourEntries = (dir) => readdirSync(dir).filter((name) => OURS.test(name) && !RUN_FOLDERS.test(name))

/** `vitest-<package>/<leak>` for a package's leftovers, `<leak>` for the suite's own. */
const leftoversOf = (folder) =>
  readdirSync(folder).flatMap((name) =>
    name.startsWith("vitest-")
      ? readdirSync(join(folder, name)).map((leak) => ({ where: name.slice("vitest-".length), leak: join(name, leak) }))
      : [{ where: undefined, leak: name }]
  )

export const startTempRun = () => {
  const outer = tmpdir()
  const keep = process.env.MM_KEEP_TMP === "1"
  const run = mkdtempSync(join(outer, "mailmoat-test-"))
  // Peers that drop root (smtp-sink as nobody, Dovecot's login processes, Postfix) must reach
  // their folders below this one, as they do under /tmp.
  chmodSync(run, 0o755)
  const before = new Set(ourEntries(outer))
  let steps = 0
  return {
    run,
    kept: keep,
    /** The environment of one suite: a fresh TMPDIR, and the run's folder (for temp-root-setup). */
    suiteEnv() {
      const dir = join(run, String(++steps))
      mkdirSync(dir, { mode: 0o755 })
      chmodSync(dir, 0o755)
      return { ...process.env, TMPDIR: dir, MM_TEST_RUN: run }
    },
    /** What the suite left in its TMPDIR (it was empty before): one line per leak, naming the suite. */
    checkSuite(label, env) {
      if (!existsSync(env.TMPDIR)) return []
      const found = leftoversOf(env.TMPDIR).map(
        ({ where, leak }) => `${label}${where === undefined ? "" : ` (${where})`}: ${join(env.TMPDIR, leak)}`
      )
      return found
    },
    /**
     * Entries with our names that appeared in the OS temp dir itself during the run: a suite that
     * ignores TMPDIR, or another run on this machine (so they are named, not counted as a failure).
     */
    outside: () =>
      ourEntries(outer)
        .filter((name) => !before.has(name))
        .map((name) => join(outer, name)),
    /** Removes the run's folder (unless MM_KEEP_TMP=1); returns where it was. */
    finish() {
      if (!keep) rmSync(run, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 })
      return { run, kept: keep }
    }
  }
}
