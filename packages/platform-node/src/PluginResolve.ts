/**
 * Finds and imports a plugin module named in the config: an npm package name (looked up in the
 * `node_modules` folders from `baseDir` upwards, like Node does) or a path relative to `baseDir`
 * (the config file's directory).
 *
 * Packages are resolved by reading their `package.json` (`exports["."]` with the `import`,
 * `node` or `default` condition, then `module`, `main`, `index.js`) rather than with
 * `createRequire().resolve`, because that uses the `require` condition and fails on ESM-only
 * packages, and `import.meta.resolve(name, parent)` needs a flag on Node 20.
 *
 * **Gotchas**
 * `node:fs/promises`, `node:path` and `node:url` are provided by Node, Bun and Deno alike.
 * Exports patterns (`"./*"`) and nested condition arrays are not supported for the package root.
 *
 * @category services
 * @since 0.1.0
 */
import * as fsp from "node:fs/promises"
import * as pathModule from "node:path"
import * as urlModule from "node:url"
import { Plugins } from "@mailmoat/core"

const isPath = (use: string) =>
  use.startsWith("./") ||
  use.startsWith("../") ||
  use.startsWith("/") ||
  use.startsWith("file:") ||
  /^[A-Za-z]:[\\/]/.test(use)
const PACKAGE = /^(@[a-z0-9][\w.-]*\/)?[a-z0-9][\w.-]*$/i

const node = async () => ({ fs: fsp, path: pathModule, url: urlModule })

const exists = async (fs: typeof fsp, p: string) =>
  fs.stat(p).then(
    (s) => s,
    () => undefined
  )

/** The file `exports["."]` (or legacy fields) points at, relative to the package directory. */
const packageEntry = (pkg: Record<string, unknown>): string | undefined => {
  const pick = (e: unknown): string | undefined => {
    if (typeof e === "string") return e
    if (typeof e !== "object" || e === null || Array.isArray(e)) return undefined
    const o = e as Record<string, unknown>
    if ("." in o) return pick(o["."])
    for (const c of ["import", "node", "default"]) if (c in o) return pick(o[c])
    return undefined
  }
  if (pkg.exports !== undefined) return pick(pkg.exports)
  for (const f of ["module", "main"]) if (typeof pkg[f] === "string") return pkg[f] as string
  return "index.js"
}

const entryOfDirectory = async (dir: string): Promise<string> => {
  const { fs, path } = await node()
  const pkgFile = path.join(dir, "package.json")
  const pkg = (await exists(fs, pkgFile))
    ? (JSON.parse(await fs.readFile(pkgFile, "utf8")) as Record<string, unknown>)
    : {}
  const entry = packageEntry(pkg)
  if (entry === undefined) throw new Error(`${pkgFile} has no usable "exports" entry for "." (import/default)`)
  return path.resolve(dir, entry)
}

/** Absolute file of `use` as seen from `baseDir`. */
export const resolveFile = async (use: string, baseDir: string): Promise<string> => {
  const { fs, path, url } = await node()
  if (isPath(use)) {
    const file = use.startsWith("file:") ? url.fileURLToPath(use) : path.resolve(baseDir, use)
    const st = await exists(fs, file)
    if (st === undefined) throw new Error(`no file or directory ${file}`)
    return st.isDirectory() ? entryOfDirectory(file) : file
  }
  if (!PACKAGE.test(use))
    throw new Error(`"${use}" is neither a package name nor a path (paths start with ./, ../ or /)`)
  for (let dir = path.resolve(baseDir); ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, "node_modules", use)
    if (await exists(fs, path.join(candidate, "package.json"))) return entryOfDirectory(candidate)
    if (path.dirname(dir) === dir) break
  }
  throw new Error(`package ${use} is not installed (looked in node_modules from ${baseDir} upwards)`)
}

/** The default importer: resolve, then dynamic `import()` of the file URL. */
export const importModule: Plugins.Importer = async (use, baseDir) => {
  const file = await resolveFile(use, baseDir)
  const { url } = await node()
  return import(url.pathToFileURL(file).href)
}

/** `Plugins.load` with modules resolved from the file system (the gateway's and the CLI's). */
export const loadPlugins = (
  specs: ReadonlyArray<Plugins.PluginSpec>,
  options: Omit<Plugins.LoadOptions, "importer">
): Promise<Plugins.LoadResult> => Plugins.load(specs, { ...options, importer: importModule })
