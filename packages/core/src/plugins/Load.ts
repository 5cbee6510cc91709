/**
 * Loads the plugins named in the gateway config (`plugins: [{ use, options }]`):
 * resolve and import each module, check it is a plugin (`definePlugin` brand) built for this
 * host's API version, decode its options with the plugin's own schema, run `setup`, check the
 * providers and stages it returns, and wrap them in the host guards.
 *
 * `load` never rejects. Every problem is returned with its config path
 * (`plugins[0] (@acme/x).options.url: Expected string`), so the gateway can print all of them
 * and refuse to start (fail fast; a half-loaded plugin set is never silently used).
 *
 * @category services
 * @since 0.1.0
 */
import type { BlocklistProvider } from "../Blocklist.ts"
import type { Stage } from "../Stage.ts"
import { checkProvider, checkStage, guardProvider, guardStage } from "./Guard.ts"
import { API_VERSION, isPlugin, type OptionIssue, type PluginContribution, type PluginShape } from "./PluginShape.ts"
/** Loads a module given its `use` string; rejects with a message meant for the user. */
export type Importer = (use: string, baseDir: string) => Promise<unknown>

export interface PluginSpec {
  /** npm package name (resolved from `baseDir`'s node_modules) or a path relative to `baseDir`. */
  readonly use: string
  readonly options?: unknown
}

export interface LoadOptions {
  /** Directory of the config file: paths and packages are resolved from here. */
  readonly baseDir: string
  /** Where the specs sit in the config, for messages (default `plugins`). */
  readonly configPath?: string | undefined
  /** Override the host API version (tests). */
  readonly apiVersion?: string | undefined
  /** Loads a module by its `use` string: `@mailmoat/platform-node`'s `PluginResolve.importModule`
   * on a server, a table of modules in tests and bundles. */
  readonly importer: Importer
  readonly log?: ((line: string) => void) | undefined
  /** Longest a plugin's `setup` may take (default 10000 ms). */
  readonly setupTimeoutMillis?: number | undefined
}

export interface PluginProblem {
  /** Index in the spec list. */
  readonly index: number
  readonly use: string
  /** Config path, e.g. `plugins[0] (@acme/x).options.url`. */
  readonly path: string
  readonly message: string
}

export interface LoadedPlugin {
  readonly index: number
  readonly use: string
  readonly name: string
  readonly providers: ReadonlyArray<BlocklistProvider>
  readonly stages: ReadonlyArray<Stage>
  /** Releases what the plugin's `setup` opened (never rejects). */
  readonly close: () => Promise<void>
}

export interface LoadResult {
  readonly plugins: ReadonlyArray<LoadedPlugin>
  /** All providers of all plugins that loaded, host-guarded. */
  readonly providers: ReadonlyArray<BlocklistProvider>
  /** All stages of all plugins that loaded, host-guarded. */
  readonly stages: ReadonlyArray<Stage>
  readonly problems: ReadonlyArray<PluginProblem>
  /** Closes every loaded plugin (on reload or shutdown). */
  readonly close: () => Promise<void>
}

/** One problem as a line: `path: message`. */
export const formatProblem = (p: PluginProblem): string => `${p.path}: ${p.message}`

const IDENT = /^[A-Za-z_$][\w$]*$/
/** `["lists", 0, "url"]` -> `.lists[0].url`. */
export const formatPath = (path: ReadonlyArray<PropertyKey>): string =>
  path
    .map((k) =>
      typeof k === "number"
        ? `[${k}]`
        : typeof k === "string" && IDENT.test(k)
          ? `.${k}`
          : `[${JSON.stringify(String(k))}]`
    )
    .join("")

const messageOf = (e: unknown): string => (e instanceof Error ? e.message : String(e)).split("\n")[0]!.slice(0, 500)

/** The plugin value of a module: its default export, or its only branded export. */
const pluginOf = (mod: unknown): PluginShape | undefined => {
  if (isPlugin(mod)) return mod
  if (typeof mod !== "object" || mod === null) return undefined
  const m = mod as Record<string, unknown>
  if (isPlugin(m.default)) return m.default
  const branded = Object.values(m).filter(isPlugin)
  return branded.length === 1 ? branded[0] : undefined
}

const withTimeout = <A>(p: Promise<A>, millis: number, what: string): Promise<A> => {
  let timer: ReturnType<typeof setTimeout> | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${millis} ms`)), millis)
  })
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer))
}

/** A close function that runs at most once and logs instead of throwing. */
const closer = (name: string, close: unknown, log: (line: string) => void): (() => Promise<void>) => {
  let done = false
  return async () => {
    if (done || typeof close !== "function") return
    done = true
    try {
      await close()
    } catch (e) {
      log(`[plugin ${name}] close failed: ${messageOf(e)}`)
    }
  }
}

export const load = async (specs: ReadonlyArray<PluginSpec>, options: LoadOptions): Promise<LoadResult> => {
  const hostVersion = options.apiVersion ?? API_VERSION
  const importer = options.importer
  const root = options.configPath ?? "plugins"
  const log = options.log ?? (() => {})
  const problems: Array<PluginProblem> = []
  const plugins: Array<LoadedPlugin> = []
  const providerNames = new Set<string>()
  const stageNames = new Set<string>()

  for (const [index, spec] of specs.entries()) {
    const use = typeof spec?.use === "string" ? spec.use : ""
    const at = `${root}[${index}]${use ? ` (${use})` : ""}`
    const problem = (message: string, suffix = "") => problems.push({ index, use, path: `${at}${suffix}`, message })
    if (use === "") {
      problem('"use" must name a package or a path')
      continue
    }
    let mod: unknown
    try {
      mod = await importer(use, options.baseDir)
    } catch (e) {
      problem(`cannot load: ${messageOf(e)}`)
      continue
    }
    const plugin = pluginOf(mod)
    if (plugin === undefined) {
      problem("is not a Mailmoat plugin (export default definePlugin({...}) from @mailmoat/sdk)")
      continue
    }
    if (plugin.apiVersion !== hostVersion) {
      problem(`plugin ${plugin.name} was built for SDK API ${plugin.apiVersion}, this gateway provides ${hostVersion}`)
      continue
    }
    let decoded: ReturnType<PluginShape["decodeOptions"]>
    try {
      decoded = plugin.decodeOptions(spec.options)
    } catch (e) {
      problem(`options decoder threw: ${messageOf(e)}`, ".options")
      continue
    }
    if (!decoded.ok) {
      for (const issue of decoded.issues as ReadonlyArray<OptionIssue>)
        problem(issue.message, `.options${formatPath(issue.path)}`)
      continue
    }
    let contribution: PluginContribution
    try {
      const host = {
        apiVersion: hostVersion,
        baseDir: options.baseDir,
        log: (line: string) => log(`[plugin ${plugin.name}] ${line}`)
      }
      contribution = await withTimeout(
        Promise.resolve().then(() => plugin.setup(decoded.value, host)),
        options.setupTimeoutMillis ?? 10_000,
        "setup"
      )
    } catch (e) {
      problem(`setup failed: ${messageOf(e)}`)
      continue
    }
    const providers = Array.isArray(contribution?.providers)
      ? contribution.providers
      : contribution?.providers === undefined
        ? []
        : undefined
    const stages = Array.isArray(contribution?.stages)
      ? contribution.stages
      : contribution?.stages === undefined
        ? []
        : undefined
    if (providers === undefined || stages === undefined) {
      problem("setup must return { providers?: [...], stages?: [...] }")
      continue
    }
    const shapeProblems = [
      ...providers.flatMap((p, i) => checkProvider(p).map((m) => [`.providers[${i}]`, m] as const)),
      ...stages.flatMap((s, i) => checkStage(s).map((m) => [`.stages[${i}]`, m] as const)),
      ...providers
        .filter((p) => providerNames.has(p.name))
        .map((p) => ["", `provider name ${p.name} is already used by another plugin`] as const),
      ...stages
        .filter((s) => stageNames.has(s.name))
        .map((s) => ["", `stage name ${s.name} is already used by another plugin`] as const)
    ]
    const close = closer(plugin.name, contribution.close, log)
    if (shapeProblems.length > 0) {
      for (const [suffix, m] of shapeProblems) problem(m, suffix)
      await close()
      continue
    }
    for (const p of providers) providerNames.add(p.name)
    for (const s of stages) stageNames.add(s.name)
    plugins.push({
      index,
      use,
      name: plugin.name,
      providers: providers.map((p) => guardProvider(p)),
      stages: stages.map((s) => guardStage(s)),
      close
    })
  }
  return {
    plugins,
    providers: plugins.flatMap((p) => p.providers),
    stages: plugins.flatMap((p) => p.stages),
    problems,
    close: async () => {
      for (const p of plugins) await p.close()
    }
  }
}
