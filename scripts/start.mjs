#!/usr/bin/env node
// `npm start`: install (first run), build what the gateway needs, run it on its embedded
// defaults (SMTP on 127.0.0.1:2525, Maildir and quarantine under ./data/). Extra arguments are
// passed to the gateway, e.g. `npm start -- --config mailmoat.yaml`.
import { execFileSync, spawn } from "node:child_process"
import { fileURLToPath } from "node:url"
import { goOffline } from "./offline-env.mjs"

goOffline()
const root = fileURLToPath(new URL("..", import.meta.url))
execFileSync(process.execPath, [`${root}scripts/bootstrap.mjs`], { cwd: root, stdio: "inherit" })
execFileSync(
  `${root}node_modules/.bin/turbo`,
  ["run", "build", "--filter=@mailmoat/gateway...", "--output-logs=errors-only"],
  {
    cwd: root,
    stdio: "inherit"
  }
)
// The gateway caps V8's young generation itself (apps/gateway/src/HeapTuning.ts), however it is
// started: no node flag is needed here.
const child = spawn(process.execPath, [`${root}apps/gateway/dist/main.js`, ...process.argv.slice(2)], {
  cwd: root,
  stdio: "inherit"
})
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => child.kill(signal))
child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)))
