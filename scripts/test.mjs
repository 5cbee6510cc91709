#!/usr/bin/env node
// `npm test`: every test of every package and app, the integration tests with real servers
// included, then the same engine on Node 24, Bun and Deno.
//   1. preflight: the Debian peers the integration tests start, installed and checked by what the
//      tests use (scripts/peers.mjs), then the workspace (first run)
//   2. build, typecheck and lint every package (turbo)
//   3. vitest in every package and app, one package at a time (the integration suites start real
//      servers; two cores do not run two of them well at once), then the workspace-level tests
//      (test/: the import graph between packages)
//   4. the pack check: metadata, npm publish --dry-run, npm pack of every package installed into
//      an empty project, imported and run, a plugin compiled and tested from the tarballs
//   5. runtimes: core's unit suite under Node 24, and the smoke suite (engine + an SMTP round trip
//      through the built gateway) under Node 20, Node 24, Bun and Deno
// Ends with one closing line "N passed, N failed" summed over every suite (and how many tests
// were skipped, never counted as passed: the corpus tests skip where ../shared/corpus is absent,
// the Postfix downstream tests when not run as root).
// Every suite (steps 3-5) runs with a fresh TMPDIR of its own under one folder per run; a file a
// suite leaves there fails the run, named with the suite (scripts/test-temp.mjs).
import { spawn, spawnSync } from "node:child_process"
import { existsSync, readFileSync, readdirSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { fileURLToPath } from "node:url"
import { goOffline } from "./offline-env.mjs"
import { startTempRun } from "./test-temp.mjs"

const root = fileURLToPath(new URL("..", import.meta.url))
const turbo = `${root}node_modules/.bin/turbo`
goOffline()
let passed = 0
let failed = 0
/** Tests vitest skipped (the corpus tests without the corpus; the Postfix downstream tests without root). */
let skipped = 0
const problems = []
const temp = startTempRun()

const run = (label, command, args, options = {}) => {
  console.log(`\n[mailmoat test] ${label}`)
  const result = spawnSync(command, args, { cwd: root, stdio: "inherit", ...options })
  if (result.status !== 0) problems.push(`${label} (exit ${result.status ?? result.signal})`)
  // Interrupted (Ctrl-C reaches the suite and us): stop here, the run's folder removed.
  if (result.signal === "SIGINT" || result.signal === "SIGTERM") finish()
  return result.status === 0
}

/** A suite: `run` with a fresh TMPDIR, then whatever it left there is a leak (a failed step). */
const suite = (label, command, args) => {
  const env = temp.suiteEnv()
  const ok = run(label, command, args, { env })
  return noLeaks(label, env) && ok
}
const noLeaks = (label, env) => {
  // MM_KEEP_TMP=1 keeps every folder on purpose: nothing left is a leak then.
  const leaks = temp.kept ? [] : temp.checkSuite(label, env)
  if (leaks.length > 0) {
    const list = `${label} left ${leaks.length} temporary files or folders behind (removed with the run's folder; MM_KEEP_TMP=1 keeps them):\n    ${leaks.join("\n    ")}`
    console.log(`\n[mailmoat test] ${list}`)
    problems.push(list)
  }
  return leaks.length === 0
}

// Preflight: every capability the integration tests use (swaks with STARTTLS and AUTH, Dovecot's
// imap/pop3, ...) is installed and checked, one line per peer; a capability still missing stops
// the run here, naming its Debian package, instead of failing tests on an exit code.
if (!run("test peers: install what is missing, check every capability", process.execPath, [`${root}scripts/peers.mjs`]))
  finish()
run("install workspace", process.execPath, [`${root}scripts/bootstrap.mjs`])
if (!run("build", turbo, ["run", "build", "--output-logs=errors-only"])) finish()
run("typecheck + lint", turbo, ["run", "typecheck", "lint", "--output-logs=errors-only"])

// Vitest writes a JSON report per package; we sum them for the closing line.
const packageDirs = ["packages", "apps", "examples"]
  .flatMap((group) =>
    existsSync(`${root}${group}`) ? readdirSync(`${root}${group}`).map((name) => `${root}${group}/${name}/`) : []
  )
  .filter(
    (dir) => existsSync(`${dir}package.json`) && JSON.parse(readFileSync(`${dir}package.json`, "utf8")).scripts?.test
  )
for (const dir of [...packageDirs, root]) rmSync(`${dir}test-results.json`, { force: true })
suite("vitest (all packages, integration included)", turbo, [
  "run",
  "test",
  "--concurrency=1",
  "--continue",
  "--",
  "--reporter=default",
  "--reporter=json",
  "--outputFile.json=test-results.json"
])
// The workspace-level tests (test/: the import graph between packages).
suite("vitest (workspace: import graph)", `${root}node_modules/.bin/vitest`, [
  "run",
  "--root",
  root,
  "--reporter=default",
  "--reporter=json",
  "--outputFile.json=test-results.json"
])
for (const dir of [...packageDirs, root]) {
  const file = `${dir}test-results.json`
  if (!existsSync(file)) continue
  const report = JSON.parse(readFileSync(file, "utf8"))
  passed += report.numPassedTests
  failed += report.numFailedTests
  skipped += report.numPendingTests + (report.numTodoTests ?? 0)
}

// The packages as users get them: metadata, npm pack, install into an empty project, import and
// run, a plugin compiled (tsc strict without skipLibCheck, deno check) and tested from the tarballs.
// Each of its checks counts; its closing line is "pack: N passed, M failed".
{
  const label = "packed packages (npm pack, metadata, plugin compile)"
  console.log(`\n[mailmoat test] ${label}`)
  const env = temp.suiteEnv()
  // Streamed as it runs, and kept to read the closing line.
  const child = spawn(process.execPath, [`${root}scripts/pack-check.mjs`], {
    cwd: root,
    env,
    stdio: ["ignore", "pipe", "inherit"]
  })
  let output = ""
  child.stdout.on("data", (chunk) => {
    process.stdout.write(chunk)
    output += chunk
  })
  const status = await new Promise((resolve) => child.on("close", (code, signal) => resolve(code ?? signal)))
  noLeaks(label, env)
  const counts = /pack: (\d+) passed, (\d+) failed/.exec(output)
  if (counts === null || status !== 0) problems.push(`packed packages (exit ${status})`)
  if (counts === null) failed += 1
  else {
    passed += Number(counts[1])
    failed += Number(counts[2])
  }
}

// Other runtimes.
const runtimesOk = run("install Node 24, Bun, Deno (npm packages)", process.execPath, [`${root}scripts/runtimes.mjs`])
if (runtimesOk) {
  const { runtimes } = await import(`${root}scripts/runtimes.mjs`)
  const vitest = `${root}node_modules/vitest/vitest.mjs`
  const suites = [
    ["core unit suite on Node 24", runtimes.node, [vitest, "run", "--root", "packages/core"]],
    ["smoke on Node 20", process.execPath, ["runtime-tests/smoke.mjs"]],
    ["smoke on Node 24", runtimes.node, ["runtime-tests/smoke.mjs"]],
    ["smoke on Bun", runtimes.bun, ["runtime-tests/smoke.mjs"]],
    ["smoke on Deno", runtimes.deno, ["run", "-A", "runtime-tests/smoke.mjs"]]
  ]
  for (const [label, command, args] of suites) {
    if (suite(label, command, args)) passed += 1
    else failed += 1
  }
}
finish()

function finish() {
  const outside = temp.outside()
  if (outside.length > 0)
    console.log(
      `\n[mailmoat test] note: ${outside.length} entries named like ours appeared in ${tmpdir()} itself during the run (a suite that ignores TMPDIR, or another run on this machine):\n  ${outside.slice(0, 20).join("\n  ")}${outside.length > 20 ? "\n  ..." : ""}`
    )
  const { run: runFolder, kept } = temp.finish()
  if (kept) console.log(`\n[mailmoat test] MM_KEEP_TMP=1: every suite's temporary files are kept in ${runFolder}`)
  if (problems.length > 0) console.log(`\n[mailmoat test] failed steps:\n  ${problems.join("\n  ")}`)
  console.log(
    `\n${passed} passed, ${failed} failed${skipped > 0 ? ` (${skipped} skipped: not counted as passed, see "skipped" above)` : ""}`
  )
  process.exit(problems.length === 0 && failed === 0 ? 0 : 1)
}
