// V8's tiering main.ts sets on Node 20 (JitTuning.ts): a quarter of the interrupt budget, unless
// the operator chose a budget of their own, and nothing on another V8. The built gateway shows it
// by how soon a fresh function gets optimised inside it (support/tiering-probe.mjs).
import { fileURLToPath } from "node:url"
import { describe, expect, test } from "vitest"
import { INTERRUPT_BUDGET, jitFlags } from "../src/JitTuning.ts"
import { readingAfterStart } from "./support/built.ts"

const probe = fileURLToPath(new URL("./support/tiering-probe.mjs", import.meta.url))

describe("jitFlags", () => {
  test("a quarter of V8 11's interrupt budget", () => {
    expect(INTERRUPT_BUDGET).toBe(67_584 / 4)
    expect(jitFlags([], undefined, "11.3.244.8-node.38")).toEqual([`--interrupt-budget=${INTERRUPT_BUDGET}`])
    expect(jitFlags(["--max-old-space-size=512"], "--enable-source-maps", "11.3.244.8-node.38")).toHaveLength(1)
  })

  test("the operator's own budget wins; other interrupt flags are not one", () => {
    expect(jitFlags(["--interrupt-budget=67584"], undefined, "11.3.244.8")).toEqual([])
    expect(jitFlags([], "--enable-source-maps --interrupt_budget=1000", "11.3.244.8")).toEqual([])
    expect(jitFlags(["--interrupt-budget-for-feedback-allocation=940"], undefined, "11.3.244.8")).toHaveLength(1)
  })

  test("nothing on another V8 (Node 22 and later tier through Maglev; Node 24 has no such flag)", () => {
    expect(jitFlags([], undefined, "12.4.254.21-node.33")).toEqual([])
    expect(jitFlags([], undefined, "13.6.233.10-node.27")).toEqual([])
  })
})

// How many calls a fresh function inside the built gateway, started as `node [nodeArgs] main.js`,
// takes to be optimised.
const callsToOptimise = async (nodeArgs: ReadonlyArray<string>) =>
  (
    await readingAfterStart<{ calls: number }>(
      ["dataDir: $DIR/data", "smtp: { port: 0 }", "admin: { enabled: false }", ""].join("\n"),
      { nodeArgs: [...nodeArgs, "--import", probe], env: { MM_TIER_OUT: "tier.json" } },
      "tier.json"
    )
  ).calls

describe.runIf(process.versions.v8.startsWith("11."))("the built gateway on Node 20", () => {
  test("optimises a hot function after a quarter of the calls V8's own budget takes", async () => {
    const [tuned, operators] = [await callsToOptimise([]), await callsToOptimise(["--interrupt-budget=67584"])]
    expect(tuned).toBeGreaterThan(0)
    expect(tuned / operators).toBeGreaterThan(0.2)
    expect(tuned / operators).toBeLessThan(0.3)
  }, 150_000)
})
