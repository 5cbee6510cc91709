// The per-message metrics count in plain numbers read at scrape time (PendingCounts,
// SeriesHistogram); a scrape must show exactly what prom-client's own Counter and Histogram show
// for the same calls, in text and as JSON, whenever it happens.
import type { Verdict } from "@mailmoat/core"
import { fc, test } from "@fast-check/vitest"
import { describe, expect } from "vitest"
import { makePromMetrics } from "../src/metrics/PromMetrics.ts"
import { makePromMetrics as makeBefore } from "./support/oracle/PromMetricsBefore.ts"

type Metrics = ReturnType<typeof makePromMetrics> | ReturnType<typeof makeBefore>

const name = fc.constantFrom("rbl", "dnsbl", "auth", "classifier", "plugin-a", "bl.test", "dbl.test", 'x"y\\z\n')
const millis = fc.oneof(
  fc.constantFrom(0, 1, 5, 10, 25, 1000, 30000, 30001, 1e9),
  fc.double({ min: 0, max: 40000, noNaN: true })
)
const row = fc.record(
  { list: fc.oneof(name, fc.constant(7)), millis: fc.oneof(millis, fc.constant("9")), cached: fc.boolean() },
  { requiredKeys: [] }
)
const trace = fc.record({
  stage: name,
  phase: fc.constant("data" as const),
  outcome: fc.constantFrom("ok", "ok", "skipped", "timeout", "failed:boom"),
  millis,
  symbols: fc.constant([]),
  facts: fc.option(
    fc.record(
      { lists: fc.array(row, { maxLength: 4 }), providers: fc.dictionary(name, fc.array(row, { maxLength: 3 })) },
      { requiredKeys: [] }
    ),
    { nil: undefined }
  )
})
const op = fc.oneof(
  fc.record({ op: fc.constant("verdict" as const), cls: fc.constantFrom("ham", "spam", "unsure"), action: name }),
  fc.record({ op: fc.constant("trace" as const), trace: fc.array(trace, { maxLength: 6 }) }),
  fc.record({ op: fc.constant("delivery" as const), code: fc.constantFrom(250, 421, 450, 550, 554) }),
  fc.record({ op: fc.constant("refused" as const), reason: name }),
  fc.constant({ op: "scrape" as const })
)
type Op = typeof op extends fc.Arbitrary<infer T> ? T : never

const apply = (m: Metrics, o: Op) => {
  if (o.op === "verdict") m.verdict(o.cls, o.action)
  else if (o.op === "trace") m.trace({ class: "spam", score: 1, symbols: [], trace: o.trace } as unknown as Verdict)
  else if (o.op === "delivery") m.delivery(o.code)
  else if (o.op === "refused") m.refused(o.reason)
}
// The gateway's own series that the oracle has too (the process_* and nodejs_* defaults move
// between two reads; families added since, such as the virus scan's and the reputation store's,
// are not per-message counters of this kind and have tests of their own).
const familyOf = (block: string) => /^# TYPE (\S+) /m.exec(block)?.[1]
const ours = (text: string, names: ReadonlySet<string>) =>
  text
    .split("\n\n")
    .filter((block) => names.has(familyOf(block) ?? ""))
    .map((block) => block.trim())
    .join("\n\n")
const json = async (m: Metrics, names: ReadonlySet<string>) =>
  (await m.registry.getMetricsAsJSON()).filter((metric) => names.has(metric.name))

describe("per-message metrics against prom-client's own counters and histograms", () => {
  test.prop([fc.array(op, { maxLength: 40 })], { numRuns: 300 })(
    "same Prometheus text and JSON after any calls, scraped at any points",
    async (ops) => {
      const now = makePromMetrics()
      const before = makeBefore()
      const names = new Set(
        (await before.registry.getMetricsAsJSON()).map((m) => m.name).filter((n) => n.startsWith("mailmoat_"))
      )
      for (const o of [...ops, { op: "scrape" as const }]) {
        if (o.op !== "scrape") {
          apply(now, o)
          apply(before, o)
          continue
        }
        expect(ours(await now.text(), names)).toBe(ours(await before.text(), names))
        expect(await json(now, names)).toStrictEqual(await json(before, names))
      }
    },
    // 300 runs of two registries' scrapes: ~25 s alone with both cores busy, near the shared limit.
    120_000
  )
})
