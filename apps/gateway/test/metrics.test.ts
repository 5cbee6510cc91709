// The Prometheus metrics a verdict's trace feeds: per-stage times and failures, per-list lookup
// times (built-in lists and plugin providers; cached answers are not lookups), list health.
import type { Verdict } from "@mailmoat/core"
import { expect, test } from "vitest"
import { makePromMetrics } from "../src/metrics/PromMetrics.ts"

const verdict: Verdict = {
  class: "spam",
  score: 9,
  symbols: [],
  trace: [
    {
      stage: "rbl",
      phase: "data",
      outcome: "ok",
      millis: 40,
      symbols: [],
      facts: {
        lists: [
          { list: "bl.test", millis: 30, cached: false },
          { list: "bl.test", millis: 0, cached: true }
        ]
      }
    },
    {
      stage: "plugin-lists",
      phase: "data",
      outcome: "timeout",
      millis: 2000,
      symbols: [],
      facts: { providers: { "acme-feed": [{ millis: 1500, cached: false }] } }
    },
    { stage: "classifier", phase: "data", outcome: "failed:boom", millis: 3, symbols: [] },
    { stage: "dnsbl", phase: "data", outcome: "skipped", millis: 0, symbols: [] }
  ]
}

test("a trace becomes stage and list histograms and failure counters", async () => {
  const m = makePromMetrics()
  m.trace(verdict)
  m.verdict("spam", "quarantine")
  m.sources.listHealth = () => [
    { list: "bl.test", up: true },
    { list: "down.test", up: false }
  ]
  const text = await m.text()
  expect(text).toMatch(/^mailmoat_stage_duration_seconds_count\{stage="rbl"\} 1$/m)
  expect(text).toMatch(/^mailmoat_stage_duration_seconds_sum\{stage="plugin-lists"\} 2$/m)
  expect(text).not.toMatch(/stage="dnsbl"/)
  expect(text).toMatch(/^mailmoat_stage_failures_total\{stage="plugin-lists",outcome="timeout"\} 1$/m)
  expect(text).toMatch(/^mailmoat_stage_failures_total\{stage="classifier",outcome="failed"\} 1$/m)
  expect(text).toMatch(/^mailmoat_list_lookup_duration_seconds_count\{list="bl.test"\} 1$/m)
  expect(text).toMatch(/^mailmoat_list_lookup_duration_seconds_sum\{list="acme-feed"\} 1.5$/m)
  expect(text).toMatch(/^mailmoat_list_up\{list="bl.test"\} 1$/m)
  expect(text).toMatch(/^mailmoat_list_up\{list="down.test"\} 0$/m)
  expect(text).toMatch(/^mailmoat_verdicts_total\{class="spam",action="quarantine"\} 1$/m)
})

test("a quarantine store that cannot answer makes its gauge NaN; the rest of the scrape is served", async () => {
  const m = makePromMetrics()
  m.verdict("spam", "quarantine")
  let down = false
  m.sources.quarantineSize = async () => {
    if (down) throw new Error("Connection is closed.")
    return 7
  }
  expect(await m.text()).toMatch(/^mailmoat_quarantine_messages 7$/m)
  down = true
  const text = await m.text()
  // prom-client writes "Nan"; Prometheus reads NaN in any case.
  expect(text).toMatch(/^mailmoat_quarantine_messages nan$/im)
  expect(text).toMatch(/^mailmoat_verdicts_total\{class="spam",action="quarantine"\} 1$/m)
  down = false
  expect(await m.text()).toMatch(/^mailmoat_quarantine_messages 7$/m)
})
