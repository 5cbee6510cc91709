// What every publishable package must carry, checked by scripts/pack-check.mjs over every
// non-private package under packages/ and apps/ (new packages are covered without a change here):
// - metadata: description, keywords, homepage, bugs, repository (with its directory), license
//   MIT, author, engines.node, publishConfig.access public;
// - dependencies as ranges (no exact pins), our own packages at `^<the release version>`, and no
//   dependency that nothing in src/ or bin/ imports;
// - no `sideEffects: false` on an app (their main starts a server);
// - in the tarball: LICENSE (the repository's text), README.md with an install line and a link to
//   the documentation, and every file `exports` and `bin` point at.
import { existsSync, readdirSync, readFileSync } from "node:fs"
import { join } from "node:path"

/** Non-private package directories (relative to root) under packages/ and apps/. */
export const publishable = (root) =>
  ["packages", "apps"].flatMap((group) =>
    existsSync(join(root, group))
      ? readdirSync(join(root, group))
          .map((name) => `${group}/${name}`)
          .filter(
            (dir) =>
              existsSync(join(root, dir, "package.json")) &&
              JSON.parse(readFileSync(join(root, dir, "package.json"), "utf8")).private !== true
          )
          .sort()
      : []
  )

const EXACT = /^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?$/

const sourceText = (dir) => {
  const out = []
  const walk = (d) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(d, e.name))
      else if (/\.(?:ts|mts|mjs|js)$/.test(e.name)) out.push(readFileSync(join(d, e.name), "utf8"))
    }
  }
  for (const sub of ["src", "bin"]) if (existsSync(join(dir, sub))) walk(join(dir, sub))
  return out.join("\n")
}

const escape = (s) => s.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")

/** Problems with a package.json and its sources; [] when it is publishable. */
export const manifestProblems = (root, dir) => {
  const pkg = JSON.parse(readFileSync(join(root, dir, "package.json"), "utf8"))
  const versions = new Map(
    publishable(root).map((d) => [
      JSON.parse(readFileSync(join(root, d, "package.json"), "utf8")).name,
      JSON.parse(readFileSync(join(root, d, "package.json"), "utf8")).version
    ])
  )
  const problems = []
  const need = (ok, what) => {
    if (!ok) problems.push(what)
  }
  need(typeof pkg.description === "string" && pkg.description.length > 10, "description")
  need(Array.isArray(pkg.keywords) && pkg.keywords.length > 0, "keywords")
  need(typeof pkg.homepage === "string" && pkg.homepage.startsWith("https://"), "homepage (https URL)")
  need(typeof pkg.bugs?.url === "string" && pkg.bugs.url.startsWith("https://"), "bugs.url")
  need(typeof pkg.repository?.url === "string" && pkg.repository.type === "git", "repository { type: git, url }")
  need(pkg.repository?.directory === dir, `repository.directory "${dir}"`)
  need(pkg.license === "MIT", "license MIT")
  need(typeof pkg.author === "string" && pkg.author.length > 0, "author")
  need(typeof pkg.engines?.node === "string", "engines.node")
  need(pkg.publishConfig?.access === "public", "publishConfig.access public")
  need(
    !(dir.startsWith("apps/") && pkg.sideEffects === false),
    "no sideEffects: false on an app (its main starts a server)"
  )
  const text = sourceText(join(root, dir))
  for (const [name, range] of Object.entries(pkg.dependencies ?? {})) {
    if (EXACT.test(range)) problems.push(`dependency ${name} is pinned to ${range}: give a range`)
    if (range.startsWith("workspace:"))
      problems.push(`dependency ${name} is ${range}: npm cannot install that from a tarball`)
    if (versions.has(name) && range !== `^${versions.get(name)}`)
      problems.push(`dependency ${name} must be ^${versions.get(name)} (released together), is ${range}`)
    const used = new RegExp(
      `(?:from\\s*|import\\s*\\(\\s*|require\\s*\\(\\s*|\\)\\s*\\(\\s*)["']${escape(name)}(?:/[^"']*)?["']`
    ).test(text)
    if (!used) problems.push(`dependency ${name} is not imported anywhere in src/ or bin/`)
  }
  for (const [name, range] of Object.entries(pkg.peerDependencies ?? {}))
    if (EXACT.test(range)) problems.push(`peer dependency ${name} is pinned to ${range}`)
  return problems
}

/** The files `exports` (types and import conditions) and `bin` point at, as tarball paths. */
const entryFiles = (pkg) => {
  const files = []
  const visit = (v) => {
    if (typeof v === "string" && !v.includes("*")) files.push(v)
    else if (v !== null && typeof v === "object") Object.values(v).forEach(visit)
  }
  visit(pkg.exports)
  visit(pkg.bin)
  return files.filter((f) => !f.endsWith("package.json")).map((f) => `package/${f.replace(/^\.\//, "")}`)
}

/** Problems with a packed tarball, given its file list and the texts of its LICENSE and README. */
export const tarballProblems = (root, dir, { files, license, readme }) => {
  const pkg = JSON.parse(readFileSync(join(root, dir, "package.json"), "utf8"))
  const problems = []
  const has = new Set(files)
  if (!has.has("package/LICENSE")) problems.push("LICENSE missing from the tarball")
  else if (license !== readFileSync(join(root, "LICENSE"), "utf8"))
    problems.push("LICENSE differs from the repository's")
  if (!has.has("package/README.md")) problems.push("README.md missing from the tarball")
  else {
    if (!readme.startsWith(`# ${pkg.name}`)) problems.push(`README.md must start with "# ${pkg.name}"`)
    if (!/npm install (?:-g )?\S*@mailmoat\//.test(readme)) problems.push("README.md has no install line")
    if (!/\]\(https:\/\/\S+\/docs\/\S+\.md\)|\]\(https:\/\/\S+README\.md\)/.test(readme))
      problems.push("README.md links to no documentation")
    if (!/```(?:ts|sh)\n/.test(readme)) problems.push("README.md has no example")
  }
  for (const f of entryFiles(pkg))
    if (!has.has(f)) problems.push(`${f.slice("package/".length)} (named in exports/bin) missing from the tarball`)
  return problems
}
