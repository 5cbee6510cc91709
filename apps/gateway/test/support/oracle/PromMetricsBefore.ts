// The gateway's Prometheus metrics as they were when every observation went to prom-client's own
// Counter and Histogram: the oracle metrics-series.test.ts compares the current ones with.
import type { Verdict } from "@mailmoat/core"
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client"

const BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30]

export interface MetricSources {
  /** Entries in the quarantine now. */
  quarantineSize?: (() => Promise<number>) | undefined
  /** Each list's health (true = answering). */
  listHealth?: (() => ReadonlyArray<{ readonly list: string; readonly up: boolean }>) | undefined
}

interface ListRow {
  readonly list?: unknown
  readonly millis?: unknown
  readonly cached?: unknown
}

export const makePromMetrics = () => {
  const registry = new Registry()
  const sources: MetricSources = {}
  collectDefaultMetrics({ register: registry })
  const counter = <L extends string>(name: string, help: string, labelNames: ReadonlyArray<L> = []) =>
    new Counter<L>({ name, help, labelNames: [...labelNames], registers: [registry] })
  const verdicts = counter(
    "mailmoat_verdicts_total",
    "Recipient outcomes of scanned messages by verdict class and action",
    ["class", "action"]
  )
  const stageFailures = counter("mailmoat_stage_failures_total", "Stages (plugins included) that timed out or failed", [
    "stage",
    "outcome"
  ])
  const delivery = counter(
    "mailmoat_delivery_outcomes_total",
    "Hand-off results per recipient by reply class (2xx, 4xx, 5xx)",
    ["class"]
  )
  const refused = counter("mailmoat_connections_refused_total", "SMTP connections refused, by reason", ["reason"])
  const stageSeconds = new Histogram({
    name: "mailmoat_stage_duration_seconds",
    help: "Time each stage took per message",
    labelNames: ["stage"],
    buckets: BUCKETS,
    registers: [registry]
  })
  const listSeconds = new Histogram({
    name: "mailmoat_list_lookup_duration_seconds",
    help: "Uncached DNS list lookups by list",
    labelNames: ["list"],
    buckets: BUCKETS,
    registers: [registry]
  })
  new Gauge({
    name: "mailmoat_list_up",
    help: "List health: 1 answering, 0 suspended or failing",
    labelNames: ["list"],
    registers: [registry],
    collect() {
      this.reset()
      for (const l of sources.listHealth?.() ?? []) this.set({ list: l.list }, l.up ? 1 : 0)
    }
  })
  new Gauge({
    name: "mailmoat_quarantine_messages",
    help: "Messages in the quarantine",
    registers: [registry],
    async collect() {
      if (sources.quarantineSize) this.set(await sources.quarantineSize())
    }
  })

  return {
    registry,
    counter,
    /** Where scrape-time values come from (set once the gateway is wired, again after a reload). */
    sources,
    verdict: (cls: string, action: string) => verdicts.inc({ class: cls, action }),
    /** A scanned message's trace: stage times and failures, list lookup times. */
    trace: (verdict: Verdict) => {
      for (const t of verdict.trace) {
        if (t.outcome === "skipped") continue
        stageSeconds.observe({ stage: t.stage }, t.millis / 1000)
        if (t.outcome !== "ok")
          stageFailures.inc({ stage: t.stage, outcome: t.outcome === "timeout" ? "timeout" : "failed" })
        const facts = t.facts as { lists?: unknown; providers?: unknown } | undefined
        // Built-in lists: rows naming their list; plugin providers: rows per provider name.
        const rows: Array<readonly [unknown, ListRow]> = Array.isArray(facts?.lists)
          ? (facts.lists as ReadonlyArray<ListRow>).map((r) => [r.list, r] as const)
          : []
        if (typeof facts?.providers === "object" && facts.providers !== null)
          for (const [name, list] of Object.entries(facts.providers))
            if (Array.isArray(list)) for (const r of list as ReadonlyArray<ListRow>) rows.push([name, r])
        for (const [list, row] of rows) {
          if (typeof list === "string" && typeof row.millis === "number" && row.cached !== true)
            listSeconds.observe({ list }, row.millis / 1000)
        }
      }
    },
    delivery: (code: number) => delivery.inc({ class: `${Math.floor(code / 100)}xx` }),
    refused: (reason: string) => refused.inc({ reason }),
    text: (): Promise<string> => registry.metrics(),
    contentType: registry.contentType
  }
}

export type PromMetrics = ReturnType<typeof makePromMetrics>
