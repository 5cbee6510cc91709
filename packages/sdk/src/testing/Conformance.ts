/**
 * The conformance kit: property tests any provider or stage registers in its own vitest suite
 * (ESLint RuleTester style). Call it at the top level of a test file.
 *
 * `providerConformance` checks that the provider
 * - answers every query of its kinds, well-formed or hostile, without throwing, without a
 *   malformed answer and within its timeout (fast-check, `numRuns` queries);
 * - gives the expected answer for the author's `cases`;
 * - stops when the engine gives up (`slowQuery`: a query it cannot answer in time ends as
 *   `Unknown: Timeout`, and the lookup returns when interrupted).
 *
 * A provider without a deadline (`timeoutMillis: 0`, the built-in lists configured with
 * `timeoutSeconds: 0`) fails the shape check unless `allowNoDeadline` is set, because the gateway
 * refuses it from a plugin. With it, "within its timeout" means within `graceMillis`, and a
 * `slowQuery` is only checked to stop when interrupted (the engine never gives up on it).
 *
 * `stageConformance` checks that the stage, on arbitrary messages and envelopes, never fails,
 * emits only declared symbols with finite scores, and stays within its budget.
 *
 * **Gotchas**
 * Properties run against the real provider: point it at a local server or fixture, never at a
 * public service. The slack allowed over a timeout or budget is `graceMillis` (default 1000), a
 * hang detector rather than a benchmark.
 *
 * @category testing
 * @since 0.1.0
 */
import type { BlocklistAnswer, BlocklistProvider, BlocklistQuery, Message, Stage } from "@mailmoat/core"
import { BlocklistRunner, Plugins } from "@mailmoat/core"
import { test } from "@fast-check/vitest"
import { Cause, Effect, Exit, Option } from "effect"
import { describe, expect, it } from "vitest"
import { fromEngineAnswer, type LookupAnswer } from "../Answer.ts"
import * as Arb from "./Arbitraries.ts"
import { stageInput } from "./Run.ts"

/** What a case expects: a kind of answer, or a function checking the answer (the SDK's vocabulary, as `lookup` gives it). */
export type Expectation = "listed" | "notListed" | "unknown" | ((answer: LookupAnswer) => void)

export interface ProviderConformanceOptions {
  /** Known answers: `{ query: { kind: "ip", value: "192.0.2.1" }, expect: "listed" }`. */
  readonly cases?: ReadonlyArray<{ readonly query: BlocklistQuery; readonly expect: Expectation }> | undefined
  /** A query the provider cannot answer within its timeout (e.g. the test server hangs on it). */
  readonly slowQuery?: BlocklistQuery | undefined
  /** Arbitrary queries per property (default 50). */
  readonly numRuns?: number | undefined
  readonly graceMillis?: number | undefined
  /** Built-in lists only: accept `timeoutMillis: 0` (no deadline), which the gateway refuses from a plugin. */
  readonly allowNoDeadline?: boolean | undefined
}

const TAG = { listed: "Listed", notListed: "NotListed", unknown: "Unknown" } as const

/** Runs one raw lookup; fails the test on a defect, a hang or a malformed / error answer. */
const checkedLookup = async (
  provider: BlocklistProvider,
  q: BlocklistQuery,
  graceMillis: number
): Promise<BlocklistAnswer | undefined> => {
  const exit = await Effect.runPromiseExit(
    Effect.timeoutOption(provider.lookup(Object.freeze({ ...q })), provider.timeoutMillis + graceMillis)
  )
  if (Exit.isFailure(exit))
    throw new Error(`${provider.name}: lookup of ${JSON.stringify(q)} failed: ${Cause.pretty(exit.cause)}`)
  if (Option.isNone(exit.value)) return undefined
  const answer = exit.value.value
  expect(BlocklistRunner.validateAnswer(answer), `${provider.name}: malformed answer for ${JSON.stringify(q)}`).toEqual(
    answer
  )
  if (answer._tag === "Unknown")
    expect(answer.reason, `${provider.name}: ${JSON.stringify(q)} -> ${answer.detail ?? ""}`).not.toBe("ProviderError")
  return answer
}

/** Registers the provider conformance suite in the calling test file. */
export const providerConformance = (provider: BlocklistProvider, options: ProviderConformanceOptions = {}): void => {
  const grace = options.graceMillis ?? 1000
  describe(`conformance: provider ${provider.name}`, () => {
    const noDeadline = options.allowNoDeadline === true
    it(`has a shape the gateway accepts${noDeadline ? " from a built-in list" : ""} (name, kinds, timeout, lookup)`, () => {
      expect(Plugins.checkProvider(provider, { allowNoDeadline: noDeadline })).toEqual([])
    })

    test.prop([Arb.query(provider.kinds)], { numRuns: options.numRuns ?? 50 })(
      "answers any query of its kinds without throwing, well-formed, within its timeout",
      async (q) => {
        const answer = await checkedLookup(provider, q, grace)
        // A lookup the runner would cut off must at least stop when interrupted (checked above);
        // an answer, when there is one, is one of the three shapes.
        if (answer !== undefined) expect(["Listed", "NotListed", "Unknown"]).toContain(answer._tag)
      }
    )

    for (const c of options.cases ?? []) {
      it(`${c.query.kind} ${c.query.value} -> ${typeof c.expect === "string" ? c.expect : "custom check"}`, async () => {
        const answer = (await Effect.runPromise(BlocklistRunner.make({ cache: false }).lookup(provider, c.query)))
          .answer
        if (typeof c.expect === "function") c.expect(fromEngineAnswer(answer))
        else expect(answer._tag, JSON.stringify(answer)).toBe(TAG[c.expect])
      })
    }

    if (options.slowQuery !== undefined && provider.timeoutMillis <= 0) {
      const slow = options.slowQuery
      it("a query it cannot answer stops when interrupted (no deadline: the engine never gives up on it)", async () => {
        const interrupted = await Effect.runPromise(Effect.timeoutOption(provider.lookup(slow), 20))
        expect(Option.isNone(interrupted)).toBe(true)
      })
    } else if (options.slowQuery !== undefined) {
      const slow = options.slowQuery
      it("a query it cannot answer in time ends as Unknown: Timeout, and the lookup stops when interrupted", async () => {
        const record = await Effect.runPromise(BlocklistRunner.make({ cache: false }).lookup(provider, slow))
        expect(record.answer).toMatchObject({ _tag: "Unknown", reason: "Timeout" })
        expect(record.inTime).toBe(false)
        // Interrupting the raw lookup must return promptly (no work holding the fiber).
        const interrupted = await Effect.runPromise(Effect.timeoutOption(provider.lookup(slow), 20))
        expect(Option.isNone(interrupted)).toBe(true)
      })
    }
  })
}

export interface StageConformanceOptions {
  /** Messages the stage must handle (fixtures); each is run once besides the arbitrary ones. */
  readonly messages?: ReadonlyArray<Message> | undefined
  /** Arbitrary messages per property (default 50). */
  readonly numRuns?: number | undefined
  readonly graceMillis?: number | undefined
}

const checkStageRun = async (stage: Stage, message: Message, graceMillis: number) => {
  const exit = await Effect.runPromiseExit(
    Effect.timeoutOption(stage.run(stageInput(stage, message)), stage.budgetMillis + graceMillis)
  )
  if (Exit.isFailure(exit)) throw new Error(`${stage.name} failed: ${Cause.pretty(exit.cause).split("\n")[0]}`)
  expect(Option.isSome(exit.value), `${stage.name} did not finish within its budget`).toBe(true)
  const result = Option.getOrThrow(exit.value)
  for (const hit of result.symbols) {
    expect(Object.hasOwn(stage.symbols, hit.name), `undeclared symbol ${hit.name}`).toBe(true)
    expect(Number.isFinite(hit.score)).toBe(true)
  }
  return result
}

/** Registers the stage conformance suite in the calling test file. */
export const stageConformance = (stage: Stage, options: StageConformanceOptions = {}): void => {
  const grace = options.graceMillis ?? 1000
  describe(`conformance: stage ${stage.name}`, () => {
    it("has a shape the gateway accepts (name, phase, budget, declared symbols)", () => {
      expect(Plugins.checkStage(stage)).toEqual([])
    })

    test.prop([Arb.message], { numRuns: options.numRuns ?? 50 })(
      "never fails on arbitrary messages, emits only declared symbols, stays within its budget",
      async (m) => {
        await checkStageRun(stage, m, grace)
      }
    )

    options.messages?.forEach((m, i) => {
      it(`handles messages[${i}]`, async () => {
        await checkStageRun(stage, m, grace)
      })
    })
  })
}
