/**
 * `@mailmoat/sdk/testing`: the conformance kit and helpers for plugin test suites.
 * Needs `vitest` and `@fast-check/vitest` (peer dependencies).
 *
 * ```ts
 * import { providerConformance, testMessage, runStage, lookup } from "@mailmoat/sdk/testing"
 * providerConformance(myProvider, { cases: [{ query: { kind: "ip", value: "192.0.2.1" }, expect: "listed" }] })
 * expect((await lookup(myProvider, { kind: "ip", value: "192.0.2.1" })).listed).toBe(true)
 * expect((await runStage(myStage, testMessage({ body: "..." }))).hits.map((h) => h.symbol)).toEqual(["ACME_X"])
 * ```
 *
 * @since 0.1.0
 */
export type { Expectation, ProviderConformanceOptions, StageConformanceOptions } from "./testing/Conformance.ts"
export { providerConformance, stageConformance } from "./testing/Conformance.ts"
export type { LookupAnswer } from "./Answer.ts"
export type { LoadedForTest, LookupResult, ReportedDecision, ScoredHit, StageRunResult } from "./testing/Run.ts"
export { cachedLookup, loadPlugin, lookup, runStage, stageInput } from "./testing/Run.ts"
export type { TestMessageSpec } from "./testing/TestMessage.ts"
export { testMessage } from "./testing/TestMessage.ts"
export * as Arbitraries from "./testing/Arbitraries.ts"
