#!/usr/bin/env node
// Makes a fresh clone runnable with nothing but Node and npm: installs the workspace with the
// pinned pnpm (fetched through npx the first time) when node_modules is missing or stale.
import { execFileSync } from "node:child_process"
import { existsSync, readFileSync, statSync } from "node:fs"
import { fileURLToPath } from "node:url"

const root = fileURLToPath(new URL("..", import.meta.url))
const pnpmVersion = JSON.parse(readFileSync(`${root}package.json`, "utf8")).packageManager.split("@")[1]
const marker = `${root}node_modules/.modules.yaml`
const lock = `${root}pnpm-lock.yaml`

const stale = !existsSync(marker) || (existsSync(lock) && statSync(lock).mtimeMs > statSync(marker).mtimeMs)
if (stale) {
  console.log(`[mailmoat] installing dependencies with pnpm ${pnpmVersion} ...`)
  const frozen = process.env.CI ? ["--frozen-lockfile"] : []
  execFileSync("npx", ["--yes", `pnpm@${pnpmVersion}`, "install", ...frozen], { cwd: root, stdio: "inherit" })
}
