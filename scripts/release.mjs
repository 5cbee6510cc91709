#!/usr/bin/env node
// Bumps every package to one version: `node scripts/release.mjs <patch|minor|major|X.Y.Z>`.
//
// All @mailmoat packages are released together at the same version (they are built and tested
// together; a plugin's SDK range then names one engine). The script sets `version` in every
// package.json under packages/, apps/ and examples/ (examples are private and keep their own
// version, but their ranges on our packages are updated), rewrites every dependency on another
// of our packages to `^<new version>` (dependencies, peerDependencies, optionalDependencies;
// devDependencies using `workspace:` are left alone), rewrites `VERSION = "<old>"` constants in
// the packages' src/ (what `mailmoat --version` and the status API report), and prints what it
// changed. It does not
// commit, tag or publish: review, then `git commit -am "Release X.Y.Z"` and `npm publish` in each
// package directory (or `pnpm -r publish`).
//   --root DIR   operate on another checkout (the pack check runs it on a copy)
//   --dry-run    print the changes without writing
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { fileURLToPath } from "node:url"

const args = process.argv.slice(2)
const flag = (name) => {
  const i = args.indexOf(name)
  if (i < 0) return undefined
  const [, value] = args.splice(i, 2)
  return value
}
const root = flag("--root") ?? fileURLToPath(new URL("..", import.meta.url))
const dryRun = args.includes("--dry-run")
const bump = args.find((a) => !a.startsWith("--"))
const SEMVER = /^(\d+)\.(\d+)\.(\d+)(?:-[0-9A-Za-z.-]+)?$/

const manifests = ["packages", "apps", "examples"].flatMap((group) => {
  const dir = join(root, group)
  return existsSync(dir)
    ? readdirSync(dir)
        .map((name) => join(dir, name, "package.json"))
        .filter(existsSync)
    : []
})
const read = (file) => ({ file, json: JSON.parse(readFileSync(file, "utf8")) })
const all = manifests.map(read)
const released = all.filter((m) => m.json.private !== true)
const ours = new Set(released.map((m) => m.json.name))

const current = [...new Set(released.map((m) => m.json.version))]
if (current.length !== 1) fail(`packages disagree on the current version: ${current.join(", ")}`)
const next = nextVersion(current[0], bump)

let changes = 0
for (const m of all) {
  const before = JSON.stringify(m.json)
  if (m.json.private !== true) m.json.version = next
  for (const field of ["dependencies", "peerDependencies", "optionalDependencies"]) {
    for (const name of Object.keys(m.json[field] ?? {})) {
      if (ours.has(name) && !String(m.json[field][name]).startsWith("workspace:")) m.json[field][name] = `^${next}`
    }
  }
  if (JSON.stringify(m.json) === before) continue
  changes++
  console.log(`${dryRun ? "would update" : "updated"} ${m.file.slice(root.length).replace(/^\//, "")} (${m.json.name})`)
  if (!dryRun) writeFileSync(m.file, `${JSON.stringify(m.json, null, 2)}\n`)
}
const VERSION_CONSTANT = new RegExp(`(\\bVERSION = ")${current[0].replace(/\./g, "\\.")}(")`, "g")
const sources = (dir) =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith(".ts") ? [join(dir, e.name)] : []
  )
for (const m of released) {
  const src = join(m.file, "..", "src")
  for (const file of existsSync(src) ? sources(src) : []) {
    const text = readFileSync(file, "utf8")
    const updated = text.replace(VERSION_CONSTANT, `$1${next}$2`)
    if (updated === text) continue
    changes++
    console.log(`${dryRun ? "would update" : "updated"} ${file.slice(root.length).replace(/^\//, "")} (VERSION)`)
    if (!dryRun) writeFileSync(file, updated)
  }
}
console.log(`${current[0]} -> ${next}: ${changes} file(s)`)

function nextVersion(from, how) {
  if (how === undefined) fail("usage: node scripts/release.mjs <patch|minor|major|X.Y.Z> [--dry-run] [--root DIR]")
  if (SEMVER.test(how)) return how
  const m = SEMVER.exec(from)
  if (m === null) fail(`current version ${from} is not X.Y.Z`)
  const [major, minor, patch] = m.slice(1, 4).map(Number)
  if (how === "major") return `${major + 1}.0.0`
  if (how === "minor") return `${major}.${minor + 1}.0`
  if (how === "patch") return `${major}.${minor}.${patch + 1}`
  fail(`unknown bump ${how}: patch, minor, major or a version X.Y.Z`)
}

function fail(message) {
  console.error(`release: ${message}`)
  process.exit(2)
}
