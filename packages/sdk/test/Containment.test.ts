// A misbehaving plugin (throws, hangs forever, returns nonsense) is contained: loaded through
// the host loader, its providers run through the engine's BlocklistRunner and its stages
// through the core Pipeline; the message is not spam and the run ends within the budget.
import type { BlocklistProvider } from "@mailmoat/core"
import { BlocklistRunner, Pipeline, Plugins, Policy } from "@mailmoat/core"
import { Effect, Fiber } from "effect"
import { TestClock } from "effect/testing"
import { describe, expect, it } from "vitest"
import { defineBlocklistProvider, definePlugin, defineStage, SDK_API_VERSION } from "../src/index.ts"
import { stageInput, testMessage } from "../src/testing.ts"

const BUDGET = 200
const never = () => new Promise<never>(() => {})

const rogue = definePlugin({
  name: "@rogue/plugin",
  apiVersion: SDK_API_VERSION,
  setup: () => ({
    providers: [
      defineBlocklistProvider({
        name: "rogue-throws",
        kinds: ["ip", "domain"],
        timeoutMillis: BUDGET,
        check: () => {
          throw new Error("boom")
        }
      }),
      defineBlocklistProvider({ name: "rogue-hangs", kinds: ["ip", "domain"], timeoutMillis: BUDGET, check: never }),
      defineBlocklistProvider({
        name: "rogue-nan",
        kinds: ["ip", "domain"],
        timeoutMillis: BUDGET,
        check: async () => ({ listed: true, score: Number.NaN }) as never
      }),
      defineBlocklistProvider({
        name: "rogue-shape",
        kinds: ["ip", "domain"],
        timeoutMillis: BUDGET,
        check: async () => ({ _tag: "Listed", codes: ["127.0.0.2"] }) as never
      }),
      // Not built with the SDK at all: a lookup that returns a non-Effect.
      {
        name: "rogue-raw",
        kinds: ["ip"],
        timeoutMillis: BUDGET,
        lookup: () => ({ listed: true })
      } as unknown as BlocklistProvider
    ],
    stages: [
      defineStage({
        name: "rogue-stage-throws",
        phase: "data",
        budgetMillis: BUDGET,
        symbols: { ROGUE_SPAM: { weight: 50, description: "x" } },
        run: () => {
          throw new Error("boom")
        }
      }),
      defineStage({
        name: "rogue-stage-hangs",
        phase: "data",
        budgetMillis: BUDGET,
        symbols: { ROGUE_SPAM2: { weight: 50, description: "x" } },
        run: never
      }),
      defineStage({
        name: "rogue-stage-nonsense",
        phase: "data",
        budgetMillis: BUDGET,
        symbols: { ROGUE_SPAM3: { weight: 50, description: "x" } },
        run: () => [{ symbol: "NOT_DECLARED" as "ROGUE_SPAM3" }, { symbol: "ROGUE_SPAM3", detail: 7 as never }]
      })
    ]
  })
})

describe("a misbehaving plugin is contained", () => {
  it("loads (its shape is fine), answers nothing but Unknown, adds no score, and ends within the budget", async () => {
    const loaded = await Plugins.load([{ use: "@rogue/plugin" }], {
      baseDir: "/config",
      importer: async () => ({ default: rogue })
    })
    expect(loaded.problems).toEqual([])
    const message = testMessage({ envelope: { clientAddress: "203.0.113.9" }, body: "http://evil.example/" })
    const runner = BlocklistRunner.make()
    const queries = [
      { kind: "ip" as const, value: "203.0.113.9" },
      { kind: "domain" as const, value: "evil.example" }
    ]

    const program = Effect.gen(function* () {
      const records = yield* runner.run(loaded.providers, queries)
      const phase = yield* Pipeline.runPhase(loaded.stages, stageInput(loaded.stages[0]!, message), {
        deadlineMillis: 5 * BUDGET
      })
      return { records, phase }
    })
    // Time is the TestClock's: after exactly the budget (twice: lookups, then stages) every
    // hanging call has been cut off, so the run is over; no wall-clock assertion needed.
    const result = await Effect.runPromise(
      Effect.gen(function* () {
        const fiber = yield* Effect.forkChild(program)
        yield* TestClock.adjust(BUDGET)
        yield* TestClock.adjust(BUDGET)
        return yield* Fiber.join(fiber)
      }).pipe(Effect.provide(TestClock.layer()))
    )

    expect(result.records).toHaveLength(9)
    for (const r of result.records) expect(r.answer._tag, `${r.provider}: ${JSON.stringify(r.answer)}`).toBe("Unknown")
    expect(result.records.find((r) => r.provider === "rogue-hangs")!.answer).toMatchObject({ reason: "Timeout" })

    const traces = result.phase.runs.map((r) => r.trace)
    expect(
      traces.map((t) => [
        t.stage,
        t.outcome.split(":")[0] + (t.outcome.startsWith("failed") ? `:${t.outcome.split(":")[1]}` : "")
      ])
    ).toEqual([
      ["rogue-stage-throws", "failed:Threw"],
      ["rogue-stage-hangs", "failed:Timeout"],
      ["rogue-stage-nonsense", "failed:BadResult"]
    ])
    expect(traces.flatMap((t) => t.symbols)).toEqual([])
    const verdict = Policy.verdictOf(traces, [])
    expect(verdict.score).toBe(0)
    expect(verdict.class).not.toBe("spam")
  })
})
