#!/usr/bin/env node
// Installs Node 24, Bun and Deno from the npm packages that ship their binaries (into
// .runtimes/, outside the workspace) and prints their paths as JSON.
import { execFileSync } from "node:child_process"
import { existsSync, mkdirSync, writeFileSync } from "node:fs"
import { fileURLToPath } from "node:url"

const root = fileURLToPath(new URL("..", import.meta.url))
const dir = `${root}.runtimes/`
const wanted = { node: "24.21.0", bun: "1.4.5", deno: "2.9.6" }
const bin = (name) => `${dir}node_modules/.bin/${name}`

if (!Object.keys(wanted).every((name) => existsSync(bin(name)))) {
  mkdirSync(dir, { recursive: true })
  writeFileSync(`${dir}package.json`, JSON.stringify({ name: "mailmoat-runtimes", private: true }))
  const specs = Object.entries(wanted).map(([name, version]) => `${name}@${version}`)
  execFileSync("npm", ["install", "--no-save", "--no-audit", "--no-fund", "--loglevel=error", ...specs], {
    cwd: dir,
    stdio: "inherit"
  })
}
export const runtimes = Object.fromEntries(Object.keys(wanted).map((name) => [name, bin(name)]))
if (import.meta.url === `file://${process.argv[1]}`) console.log(JSON.stringify(runtimes))
