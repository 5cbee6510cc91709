/**
 * The gateway's Prometheus metrics, kept by prom-client in a registry of their own (two gateways
 * in one process, as in the tests, never share counters):
 *
 * - `mailmoat_verdicts_total{class,action}`: one per recipient outcome of a scanned message;
 * - `mailmoat_stage_duration_seconds{stage}` and `mailmoat_stage_failures_total{stage,outcome}`
 *   (timeouts and failures, plugins' stages included), from each verdict's trace;
 * - `mailmoat_list_lookup_duration_seconds{list}` (uncached lookups, plugin providers included)
 *   and `mailmoat_list_up{list}`
 *   (1 = answering, 0 = suspended or failing, from the list health monitor);
 * - `mailmoat_delivery_outcomes_total{class}`: downstream or Maildir results by reply class;
 * - `mailmoat_connections_refused_total{reason}`: connection limits and connect-phase refusals;
 * - `mailmoat_virus_scans_total{result}`: the SMTP path's virus scans (`antispam.virus`) by result;
 * - `mailmoat_virus_release_scans_total{result}`: the rescans of quarantined messages being released;
 * - `mailmoat_quarantine_messages`: entries in the quarantine (read when scraped; NaN while the
 *   store cannot answer);
 * - `mailmoat_reputation_*`: the reputation counters' store calls, errors, symbols, resets and
 *   keys (`ReputationMetrics.ts`);
 * - the transport counters of `/status` (`mailmoat_connections_total`, ...) and the process
 *   defaults of prom-client (`process_*`, `nodejs_*`).
 *
 * @category services
 * @since 0.1.0
 */
import type { Verdict } from "@mailmoat/core"
import { Counter, collectDefaultMetrics, Gauge, Registry } from "prom-client"
import { PendingCounts } from "./PendingCounts.ts"
import { makeReputationMetrics } from "./ReputationMetrics.ts"
import { SeriesHistogram } from "./SeriesHistogram.ts"

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
  // The counters and histograms fed per message count in plain numbers, read when scraped
  // (PendingCounts, SeriesHistogram): no label hashing on the message path.
  const pendingCounter = (name: string, help: string, labelNames: readonly [string] | readonly [string, string]) => {
    const counts = new PendingCounts(labelNames)
    new Counter({
      name,
      help,
      labelNames: [...labelNames],
      registers: [registry],
      collect() {
        counts.flush((labels, n) => this.inc(labels, n))
      }
    })
    return counts
  }
  const histogram = (name: string, help: string, labelName: string) => {
    const h = new SeriesHistogram(name, help, labelName, BUCKETS)
    registry.registerMetric(h as unknown as Parameters<typeof registry.registerMetric>[0])
    return h
  }
  const verdicts = pendingCounter(
    "mailmoat_verdicts_total",
    "Recipient outcomes of scanned messages by verdict class and action",
    ["class", "action"]
  )
  const stageFailures = pendingCounter(
    "mailmoat_stage_failures_total",
    "Stages (plugins included) that timed out or failed",
    ["stage", "outcome"]
  )
  const delivery = pendingCounter(
    "mailmoat_delivery_outcomes_total",
    "Hand-off results per recipient by reply class (2xx, 4xx, 5xx)",
    ["class"]
  )
  const virusScans = pendingCounter(
    "mailmoat_virus_scans_total",
    "SMTP messages by virus scan result: clean, found, unavailable, oversize, skipped (antispam.virus)",
    ["result"]
  )
  const releaseScans = counter(
    "mailmoat_virus_release_scans_total",
    "Quarantine releases by virus rescan result: clean, found, unavailable, oversize (antispam.virus)",
    ["result"]
  )
  const refused = counter("mailmoat_connections_refused_total", "SMTP connections refused, by reason", ["reason"])
  const stageSeconds = histogram("mailmoat_stage_duration_seconds", "Time each stage took per message", "stage")
  const listSeconds = histogram("mailmoat_list_lookup_duration_seconds", "Uncached DNS list lookups by list", "list")
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
    // A store that cannot answer (Redis down) makes this one sample NaN (not 0: an empty
    // quarantine is a value) rather than failing the whole of `/metrics`: the counters of what
    // the outage did stay readable.
    async collect() {
      if (sources.quarantineSize === undefined) return
      try {
        this.set(await sources.quarantineSize())
      } catch {
        this.set(Number.NaN)
      }
    }
  })

  const reputation = makeReputationMetrics(registry, pendingCounter)

  const listLookup = (list: unknown, row: ListRow) => {
    if (typeof list === "string" && typeof row.millis === "number" && row.cached !== true)
      listSeconds.observe(list, row.millis / 1000)
  }

  return {
    registry,
    counter,
    /** Where scrape-time values come from (set once the gateway is wired, again after a reload). */
    sources,
    verdict: (cls: string, action: string) => verdicts.add(cls, action),
    /** A scanned message's trace: stage times and failures, list lookup times. */
    trace: (verdict: Verdict) => {
      for (const t of verdict.trace) {
        if (t.outcome === "skipped") continue
        stageSeconds.observe(t.stage, t.millis / 1000)
        if (t.outcome !== "ok") stageFailures.add(t.stage, t.outcome === "timeout" ? "timeout" : "failed")
        if (t.stage === "reputation") for (const s of t.symbols) reputation.symbol(s.name)
        const facts = t.facts as { lists?: unknown; providers?: unknown } | undefined
        // Built-in lists: rows naming their list; plugin providers: rows per provider name.
        if (Array.isArray(facts?.lists))
          for (const row of facts.lists as ReadonlyArray<ListRow>) listLookup(row.list, row)
        if (typeof facts?.providers === "object" && facts.providers !== null)
          for (const name in facts.providers) {
            if (!Object.hasOwn(facts.providers, name)) continue
            const list = (facts.providers as Record<string, unknown>)[name]
            if (Array.isArray(list)) for (const row of list as ReadonlyArray<ListRow>) listLookup(name, row)
          }
      }
    },
    reputation,
    delivery: (code: number) => delivery.add(`${Math.floor(code / 100)}xx`),
    virusScan: (result: string) => virusScans.add(result),
    virusReleaseScan: (result: string) => releaseScans.inc({ result }),
    refused: (reason: string) => refused.inc({ reason }),
    text: (): Promise<string> => registry.metrics(),
    contentType: registry.contentType
  }
}

export type PromMetrics = ReturnType<typeof makePromMetrics>
