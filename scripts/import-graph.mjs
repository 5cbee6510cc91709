// The direction of imports between the workspace's packages, checked from the source files:
//   apps (gateway, cli) -> {antispam, protocols, platform-node, redis} -> sdk -> core
// A package imports only packages of a lower tier (the cli also imports the gateway app); the
// four middle packages do not import each other; examples (third-party plugins) import only
// the sdk; core imports no other package and nothing from `node:`. No file, source or test,
// reaches into another package's `src/` by path, and a package declares in package.json
// `dependencies` every workspace package its sources import.
// `node scripts/import-graph.mjs` prints the violations (exit 1 when there are any); the root
// vitest suite (test/import-graph.test.ts) runs the same check.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs"
import { dirname, join, relative, resolve, sep } from "node:path"
import { fileURLToPath } from "node:url"

/** Tier of each workspace package (by directory); a package may import lower tiers only. */
export const TIERS = {
  "packages/core": 0,
  "packages/sdk": 1,
  "packages/antispam": 2,
  "packages/protocols": 2,
  "packages/platform-node": 2,
  "packages/redis": 2,
  "apps/gateway": 3,
  "apps/cli": 3
}
/** Imports allowed besides the tier rule: `from -> to` directory pairs. */
const EXTRA = new Set(["apps/cli -> apps/gateway"])
const GROUPS = ["packages", "apps", "examples"]

const SPECIFIERS = [
  /(?:^|\n)\s*(?:import|export)\s[^"'`;]*?\sfrom\s*["']([^"']+)["']/g,
  /(?:^|\n)\s*import\s*["']([^"']+)["']/g,
  /\bimport\(\s*["']([^"']+)["']\s*\)/g
]

/** Every module specifier a TypeScript/JavaScript source imports (comments and strings aside). */
export const importsOf = (text) => {
  const found = new Set()
  for (const re of SPECIFIERS) for (const m of text.matchAll(re)) found.add(m[1])
  return [...found]
}

const walk = (dir) => {
  if (!existsSync(dir)) return []
  return readdirSync(dir).flatMap((name) => {
    if (name === "node_modules" || name === "dist") return []
    const path = join(dir, name)
    if (statSync(path).isDirectory()) return walk(path)
    return /\.(ts|mts|js|mjs)$/.test(name) && !name.endsWith(".d.ts") ? [path] : []
  })
}

/** The workspace packages under `root`: directory, package name, declared dependencies. */
export const packagesOf = (root) =>
  GROUPS.flatMap((group) =>
    existsSync(join(root, group)) ? readdirSync(join(root, group)).map((n) => `${group}/${n}`) : []
  )
    .filter((dir) => existsSync(join(root, dir, "package.json")))
    .map((dir) => {
      const pkg = JSON.parse(readFileSync(join(root, dir, "package.json"), "utf8"))
      return { dir, name: pkg.name, dependencies: Object.keys(pkg.dependencies ?? {}) }
    })

const tierOf = (dir) => (dir.startsWith("examples/") ? 3 : TIERS[dir])

/** Violations as `file: message` lines, sorted; empty when every arrow points the right way. */
export const checkGraph = (root) => {
  const packages = packagesOf(root)
  const byName = new Map(packages.map((p) => [p.name, p]))
  const problems = []
  for (const from of packages) {
    if (!from.dir.startsWith("examples/") && TIERS[from.dir] === undefined) {
      problems.push(`${from.dir}: not placed in a tier (add it to TIERS in scripts/import-graph.mjs)`)
      continue
    }
    for (const kind of ["src", "test"]) {
      for (const file of walk(join(root, from.dir, kind))) {
        const rel = relative(root, file).split(sep).join("/")
        for (const spec of importsOf(readFileSync(file, "utf8"))) {
          if (spec.startsWith(".")) {
            const target = relative(root, resolve(dirname(file), spec))
              .split(sep)
              .join("/")
            const owner = packages.find((p) => target === p.dir || target.startsWith(`${p.dir}/`))
            if (owner !== undefined && owner.dir !== from.dir) {
              if (kind === "src")
                problems.push(`${rel}: reaches into ${owner.dir} by path (${spec}); import ${owner.name} instead`)
              else if (target.startsWith(`${owner.dir}/src/`))
                problems.push(`${rel}: reaches into ${owner.dir}/src (${spec}); import ${owner.name} instead`)
            }
            continue
          }
          if (kind !== "src") continue
          if (from.dir === "packages/core" && spec.startsWith("node:"))
            problems.push(`${rel}: core imports ${spec} (core runs on every runtime; Node code goes to platform-node)`)
          const name = spec.startsWith("@") ? spec.split("/").slice(0, 2).join("/") : spec.split("/")[0]
          const to = byName.get(name)
          if (to === undefined || to.dir === from.dir) continue
          if (spec !== name && !existsSync(join(root, to.dir, "package.json"))) continue
          if (spec.includes("/src/")) problems.push(`${rel}: imports ${spec}, another package's src/`)
          const allowed = from.dir.startsWith("examples/")
            ? to.dir === "packages/sdk"
            : tierOf(to.dir) < tierOf(from.dir) || EXTRA.has(`${from.dir} -> ${to.dir}`)
          if (!allowed) problems.push(`${rel}: wrong arrow ${from.dir} -> ${to.dir} (${spec})`)
          if (!from.dependencies.includes(name))
            problems.push(`${rel}: imports ${name}, which ${from.dir}/package.json does not list in dependencies`)
        }
      }
    }
  }
  return [...new Set(problems)].sort()
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const problems = checkGraph(fileURLToPath(new URL("..", import.meta.url)))
  for (const p of problems) console.log(p)
  console.log(
    problems.length === 0
      ? "import graph: every arrow points the right way"
      : `import graph: ${problems.length} wrong import(s)`
  )
  process.exit(problems.length === 0 ? 0 : 1)
}
