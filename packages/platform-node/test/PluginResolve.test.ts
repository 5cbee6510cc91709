import { mkdir, writeFile } from "node:fs/promises"
import { join } from "node:path"
import { Effect } from "effect"
import { beforeAll, describe, expect, it } from "vitest"
import { BlocklistRunner, Plugins } from "@mailmoat/core"
import { loadPlugins } from "../src/PluginResolve.ts"
import { tempDir } from "../../../test/support/temp-dirs.ts"

// Plugins are written as plain ESM files carrying the brand, as the SDK would build them:
// these tests must not depend on the SDK (the dependency points the other way).
const plugin = (body: string) => `
const brand = Symbol.for("@mailmoat/core/Plugin")
export default { [brand]: brand, ${body} }
`
const provider = `{ name: "fixture", kinds: ["ip"], timeoutMillis: 100, lookup: () => ({ _id: "Effect" }) }`

let dir: string
beforeAll(async () => {
  dir = tempDir("mailmoat-plugins-")
  const decodeUrl = `decodeOptions: (o) => typeof o?.url === "string" ? { ok: true, value: o } : { ok: false, issues: [{ path: ["url"], message: "Expected string, got " + typeof o?.url }] }`
  await writeFile(
    join(dir, "local.mjs"),
    plugin(`name: "local", apiVersion: "1", ${decodeUrl}, setup: (o, host) => ({ stages: [], providers: [] })`)
  )
  await writeFile(
    join(dir, "future.mjs"),
    plugin(`name: "@acme/x", apiVersion: "2", decodeOptions: () => ({ ok: true }), setup: () => ({})`)
  )
  await writeFile(join(dir, "plain.mjs"), "export default { name: 'not a plugin' }\n")
  await writeFile(join(dir, "throws.mjs"), "throw new Error('top-level boom')\n")
  await writeFile(
    join(dir, "setup-throws.mjs"),
    plugin(
      `name: "st", apiVersion: "1", decodeOptions: () => ({ ok: true }), setup: () => { throw new Error("no config file") }`
    )
  )
  await writeFile(
    join(dir, "setup-hangs.mjs"),
    plugin(`name: "sh", apiVersion: "1", decodeOptions: () => ({ ok: true }), setup: () => new Promise(() => {})`)
  )
  await writeFile(
    join(dir, "bad-shape.mjs"),
    plugin(
      `name: "bs", apiVersion: "1", decodeOptions: () => ({ ok: true }), setup: () => ({ providers: [{ name: "p", kinds: ["url"], timeoutMillis: 0, lookup: 1 }], stages: [{ name: "s", phase: "data", budgetMillis: 10, symbols: { lower: {} }, run: () => null }] })`
    )
  )
  // An installed ESM-only package: exports only has the "import" condition.
  const pkg = join(dir, "node_modules", "@acme", "feed")
  await mkdir(join(pkg, "dist"), { recursive: true })
  await writeFile(
    join(pkg, "package.json"),
    JSON.stringify({ name: "@acme/feed", type: "module", exports: { ".": { import: "./dist/index.js" } } })
  )
  await writeFile(
    join(pkg, "dist", "index.js"),
    plugin(
      `name: "@acme/feed", apiVersion: "1", decodeOptions: (o) => ({ ok: true, value: o }), setup: (o, host) => { host.log("ready"); return { providers: [${provider}] } }`
    )
  )
  await mkdir(join(dir, "config", "deep"), { recursive: true })
})

describe("Plugins.load", () => {
  it("loads a package from node_modules (walking up from baseDir) and a path relative to baseDir", async () => {
    const lines: Array<string> = []
    const r = await loadPlugins(
      [{ use: "@acme/feed" }, { use: "../../local.mjs", options: { url: "http://127.0.0.1" } }],
      { baseDir: join(dir, "config", "deep"), log: (l) => lines.push(l) }
    )
    expect(r.problems).toEqual([])
    expect(r.plugins.map((p) => p.name)).toEqual(["@acme/feed", "local"])
    expect(r.providers.map((p) => p.name)).toEqual(["fixture"])
    expect(lines).toEqual(["[plugin @acme/feed] ready"])
  })

  it("returns problems with config paths instead of throwing", async () => {
    const specs = [
      { use: "./future.mjs" },
      { use: "./local.mjs", options: { url: 42 } },
      { use: "./plain.mjs" },
      { use: "./throws.mjs" },
      { use: "@acme/missing" },
      { use: "./nope.mjs" },
      { use: "" },
      { use: "./setup-throws.mjs" },
      { use: "./bad-shape.mjs" }
    ]
    const r = await loadPlugins(specs, { baseDir: dir })
    const lines = r.problems.map(Plugins.formatProblem)
    expect(lines[0]).toBe("plugins[0] (./future.mjs): plugin @acme/x was built for SDK API 2, this gateway provides 1")
    expect(lines[1]).toBe("plugins[1] (./local.mjs).options.url: Expected string, got number")
    expect(lines[2]).toMatch(/^plugins\[2\] \(\.\/plain\.mjs\): is not a Mailmoat plugin/)
    expect(lines[3]).toBe("plugins[3] (./throws.mjs): cannot load: top-level boom")
    expect(lines[4]).toMatch(/^plugins\[4\] \(@acme\/missing\): cannot load: package @acme\/missing is not installed/)
    expect(lines[5]).toMatch(/^plugins\[5\] \(\.\/nope\.mjs\): cannot load: no file or directory/)
    expect(lines[6]).toBe('plugins[6]: "use" must name a package or a path')
    expect(lines[7]).toBe("plugins[7] (./setup-throws.mjs): setup failed: no config file")
    expect(lines.slice(8).join("\n")).toMatch(
      /providers\[0\]: provider p: kinds[\s\S]*timeoutMillis[\s\S]*lookup is not a function[\s\S]*stages\[0\]: stage s: symbol lower must be UPPER_SNAKE/
    )
    expect(r.plugins).toEqual([])
  })

  it("a setup that never finishes is a problem after setupTimeoutMillis", async () => {
    const r = await loadPlugins([{ use: "./setup-hangs.mjs" }], { baseDir: dir, setupTimeoutMillis: 50 })
    expect(r.problems.map(Plugins.formatProblem)).toEqual([
      "plugins[0] (./setup-hangs.mjs): setup failed: setup did not finish within 50 ms"
    ])
  })

  it("refuses duplicate provider names across plugins", async () => {
    const r = await loadPlugins([{ use: "@acme/feed" }, { use: "@acme/feed" }], { baseDir: dir })
    expect(r.plugins).toHaveLength(1)
    expect(r.problems.map(Plugins.formatProblem)).toEqual([
      "plugins[1] (@acme/feed): provider name fixture is already used by another plugin"
    ])
  })

  it("formats option paths like config paths", () => {
    expect(Plugins.formatPath(["lists", 0, "url"])).toBe(".lists[0].url")
    expect(Plugins.formatPath(["a b"])).toBe('["a b"]')
  })

  it("the host guard turns a provider's non-answers into Unknown, never Listed", async () => {
    const runner = BlocklistRunner.make({ cache: false })
    const loaded = await loadPlugins([{ use: "@acme/feed" }], { baseDir: dir })
    // The fixture's lookup returns something that is not an Effect at all: a defect, isolated.
    const r = await Effect.runPromise(runner.lookup(loaded.providers[0]!, { kind: "ip", value: "192.0.2.1" }))
    expect(r.answer).toMatchObject({ _tag: "Unknown", reason: "ProviderError" })
    const huge = Plugins.guardProvider({
      name: "h",
      kinds: ["ip"],
      timeoutMillis: 100,
      lookup: () => Effect.succeed({ _tag: "Listed", codes: [], reason: "x".repeat(10_000) })
    })
    expect((await Effect.runPromise(runner.lookup(huge, { kind: "ip", value: "192.0.2.1" }))).answer).toMatchObject({
      _tag: "Unknown",
      reason: "ProviderError"
    })
  })
})

describe("Plugins.load close", () => {
  it("calls each plugin's close once, and a failing close is logged, not thrown", async () => {
    const brand = Symbol.for("@mailmoat/core/Plugin")
    let closed = 0
    const ok = {
      [brand]: brand,
      name: "a",
      apiVersion: "1",
      decodeOptions: () => ({ ok: true, value: undefined }),
      setup: () => ({ close: () => void closed++ })
    }
    const bad = { ...ok, name: "b", setup: () => ({ close: () => Promise.reject(new Error("stuck")) }) }
    const lines: Array<string> = []
    const mods: Record<string, unknown> = { a: { default: ok }, b: { default: bad } }
    const r = await Plugins.load([{ use: "a" }, { use: "b" }], {
      baseDir: "/",
      importer: async (use) => mods[use],
      log: (l) => lines.push(l)
    })
    await r.close()
    await r.close()
    expect(closed).toBe(1)
    expect(lines).toEqual(["[plugin b] close failed: stuck"])
  })
})
