import { Plugins } from "@mailmoat/core"
import { Schema } from "effect"
import { describe, expect, it } from "vitest"
import { defineBlocklistProvider, definePlugin, defineStage, SDK_API_VERSION } from "../src/index.ts"

const feed = definePlugin({
  name: "@acme/x",
  apiVersion: SDK_API_VERSION,
  options: Schema.Struct({
    url: Schema.String,
    lists: Schema.Array(Schema.Struct({ zone: Schema.String, weight: Schema.Number })),
    timeoutMillis: Schema.optional(Schema.Number)
  }),
  setup: (options, host) => {
    host.log(`using ${options.url}`)
    return {
      providers: [
        defineBlocklistProvider({
          name: "acme-x",
          kinds: ["ip"],
          timeoutMillis: options.timeoutMillis ?? 500,
          check: async () => null
        })
      ],
      stages: [defineStage({ name: "acme-x-stage", phase: "data", symbols: {}, run: () => [] })]
    }
  }
})

const loadWith = (mod: unknown, options?: unknown, apiVersion?: string) =>
  Plugins.load([{ use: "@acme/x", options }], { baseDir: "/config", apiVersion, importer: async () => mod })

describe("definePlugin + Plugins.load", () => {
  it("the SDK API version is the host's", () => {
    expect(SDK_API_VERSION).toBe(Plugins.API_VERSION)
    expect(Plugins.isPlugin(feed)).toBe(true)
  })

  it("loads: options decoded, setup run, providers and stages host-guarded", async () => {
    const lines: Array<string> = []
    const r = await Plugins.load([{ use: "@acme/x", options: { url: "http://127.0.0.1:1", lists: [] } }], {
      baseDir: "/config",
      importer: async () => ({ default: feed }),
      log: (l) => lines.push(l)
    })
    expect(r.problems).toEqual([])
    expect(r.providers.map((p) => p.name)).toEqual(["acme-x"])
    expect(r.stages.map((s) => s.name)).toEqual(["acme-x-stage"])
    expect(lines).toEqual(["[plugin @acme/x] using http://127.0.0.1:1"])
  })

  it("option errors name the plugin and the option path", async () => {
    const r = await loadWith({ default: feed }, { url: 3, lists: [{ zone: "z", weight: "heavy" }], typo: true })
    expect(r.problems.map(Plugins.formatProblem).sort()).toEqual(
      [
        "plugins[0] (@acme/x).options.url: Expected string, got 3",
        'plugins[0] (@acme/x).options.lists[0].weight: Expected number, got "heavy"',
        "plugins[0] (@acme/x).options.typo: Expected no excess property"
      ].sort()
    )
  })

  it("refuses a plugin built for another SDK API version with a clear message", async () => {
    const future = definePlugin({ name: "@acme/x", apiVersion: "2", setup: () => ({}) })
    const r = await loadWith({ default: future })
    expect(r.problems.map(Plugins.formatProblem)).toEqual([
      "plugins[0] (@acme/x): plugin @acme/x was built for SDK API 2, this gateway provides 1"
    ])
  })

  it("a plugin without options refuses options", async () => {
    const bare = definePlugin({ name: "bare", apiVersion: SDK_API_VERSION, setup: () => ({}) })
    expect((await loadWith({ default: bare })).problems).toEqual([])
    expect((await loadWith({ default: bare }, { x: 1 })).problems.map(Plugins.formatProblem)).toEqual([
      "plugins[0] (@acme/x).options: this plugin takes no options"
    ])
  })

  it("rejects wrong definitions", () => {
    expect(() => definePlugin({ name: "", apiVersion: "1", setup: () => ({}) })).toThrow(TypeError)
    expect(() =>
      definePlugin({ name: "x", apiVersion: "1", options: { url: "string" } as never, setup: () => ({}) })
    ).toThrow(/Schema/)
  })
})
