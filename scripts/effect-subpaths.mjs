// An esbuild plugin (every package's build uses it, through tsup-options.mjs): the built files
// import each Effect module by its own sub-path (`import * as Schema from "effect/Schema"`) where
// the sources write `import { Effect, Schema } from "effect"`. Effect stays a dependency
// (external, shared with plugins), but Node no longer evaluates the root index, which loads all
// ~140 Effect modules (~38 MB resident for `import "effect"` against ~25 MB for the modules we use).
//
// The sources keep the short form. A name the root index does not re-export as a module (or
// from effect/Function) fails the build rather than falling back to the root.
import { readFile } from "node:fs/promises"
import { createRequire } from "node:module"
import { dirname, join } from "node:path"

/** Root export name -> sub-path, read from the installed effect's own index. */
const effectExports = async (fromDir) => {
  const require = createRequire(join(fromDir, "package.json"))
  const indexFile = join(dirname(require.resolve("effect/package.json")), "dist/index.js")
  const text = await readFile(indexFile, "utf8")
  const names = new Map()
  for (const m of text.matchAll(/export \* as (\w+) from "\.\/([\w/]+)\.js"/g)) names.set(m[1], `effect/${m[2]}`)
  const functions = /export\s*\{([^}]*)\}\s*from\s*"\.\/Function\.js"/.exec(text)
  for (const name of functions?.[1].split(",") ?? []) if (name.trim()) names.set(name.trim(), "effect/Function")
  return names
}

const IMPORT = /(^|\n)([ \t]*)(import|export)\s+(type\s+)?\{([^}]*)\}\s*from\s*["']effect["'];?/g

/** `source` with its `import { … } from "effect"` statements split into sub-path imports. */
export const rewriteEffectImports = (source, names, file = "<source>") =>
  source.replace(IMPORT, (whole, lead, indent, keyword, typeOnly, list) => {
    if (typeOnly) return whole
    const lines = []
    const types = []
    for (const raw of list.split(",")) {
      const spec = raw.replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, "").trim()
      if (spec === "") continue
      if (spec.startsWith("type ")) {
        types.push(spec.slice(5))
        continue
      }
      const [name, alias = name] = spec.split(/\s+as\s+/)
      const path = names.get(name)
      if (path === undefined) throw new Error(`${file}: "${name}" is not a module of effect's root index`)
      if (path === "effect/Function") lines.push(`${keyword} { ${name} as ${alias} } from "effect/Function"`)
      else lines.push(`${keyword} * as ${alias} from "${path}"`)
    }
    if (types.length > 0) lines.push(`${keyword} type { ${types.join(", ")} } from "effect"`)
    // Same number of lines as before, so that source maps and error positions stay right.
    const padding = "\n".repeat(Math.max(0, whole.split("\n").length - 1 - lead.length))
    return `${lead}${indent}${lines.join("; ")}${padding}`
  })

/** The esbuild plugin. */
export const effectSubpaths = () => ({
  name: "effect-subpaths",
  setup(build) {
    let names
    build.onLoad({ filter: /\.[cm]?ts$/ }, async (args) => {
      if (args.path.includes("node_modules")) return undefined
      names ??= await effectExports(build.initialOptions.absWorkingDir ?? process.cwd())
      const source = await readFile(args.path, "utf8")
      return { contents: rewriteEffectImports(source, names, args.path), loader: "ts" }
    })
  }
})
