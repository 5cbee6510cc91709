/**
 * Runs list providers over values and turns the runner's records into symbols and the
 * per-list accounting every verdict carries (answered in time?, answer, latency).
 *
 * Shared by the RBL, DNSBL and end-user stages: each passes its symbol names. Suspended zones
 * (list health) are not queried; they get one `*_ZONE_DOWN` symbol each.
 *
 * @category models
 * @since 0.1.0
 */
import type { BlocklistProvider, BlocklistQuery, SymbolHit } from "@mailmoat/core"
import { type BlocklistRunner, EMPTY_LIST, StageAnswers, emptyList } from "@mailmoat/core"
import type { Effect } from "effect"

type Now<A> = StageAnswers.Now<A>

export interface AccountRow {
  readonly list: string
  readonly kind: string
  readonly value: string
  /** Where the value came from (`client`, `received[2]`, `body`). */
  readonly origin: string
  readonly answeredInTime: boolean
  readonly answer: string
  readonly millis: number
  readonly cached: boolean
}

export interface SymbolNames {
  readonly listed: string
  readonly unknown: string
  readonly errorAnswer: string
  readonly zoneDown: string
}

export interface ListCheckResult {
  readonly records: ReadonlyArray<BlocklistRunner.LookupRecord>
  readonly accounting: ReadonlyArray<AccountRow>
  readonly symbols: ReadonlyArray<SymbolHit>
}

export interface ListCheckInput {
  readonly runner: BlocklistRunner.BlocklistRunner
  readonly providers: ReadonlyArray<BlocklistProvider>
  readonly queries: ReadonlyArray<BlocklistQuery & { readonly origin: string }>
  readonly isSuspended: (zone: string) => boolean
  readonly names: SymbolNames
  readonly weights: Readonly<Record<string, { readonly weight: number }>>
  readonly source: string
}

export const describe = (r: BlocklistRunner.LookupRecord): string => {
  const a = r.answer
  switch (a._tag) {
    case "Listed":
      return `listed ${a.codes.join(",")}`
    case "NotListed":
      return "not listed"
    case "Unknown":
      return `unknown: ${a.reason}${a.detail ? ` (${a.detail})` : ""}`
  }
}

/** Where a query's value came from: the last query given for it (as a map built from them keeps). */
const originOf = (queries: ListCheckInput["queries"], query: BlocklistQuery): string => {
  for (let i = queries.length - 1; i >= 0; i--) {
    const q = queries[i]!
    if (q.kind === query.kind && q.value === query.value) return q.origin
  }
  return "?"
}

// One elements kind for the suspended providers, none or some (`ListKinds` in core).
const NONE: ReadonlyArray<BlocklistProvider> = EMPTY_LIST

/** The check's result: at once when every answer is cached (`BlocklistRunner.runNow`), else the effect. */
export const runNow = (input: ListCheckInput): Now<ListCheckResult> => {
  // Nearly always no zone is suspended: then the providers are used as given, no arrays made.
  const anyDown = input.providers.some((p) => input.isSuspended(p.name))
  const active = anyDown ? input.providers.filter((p) => !input.isSuspended(p.name)) : input.providers
  const down = anyDown ? input.providers.filter((p) => input.isSuspended(p.name)) : NONE
  // Answers the runner has at once (cached) give the result at once, with no effect.
  return StageAnswers.andThen(
    input.runner.runNow(
      active,
      input.queries.map((q) => ({ kind: q.kind, value: q.value }))
    ),
    (records): ListCheckResult => {
      const hit = (name: string, detail: string): SymbolHit => ({
        name,
        score: input.weights[name]?.weight ?? 0,
        source: input.source,
        detail
      })
      // Filled by loops into arrays of one elements kind: `.map` of no providers or no records made
      // an array of small integers, which the symbols' and the metrics' loops had not met.
      const symbols: Array<SymbolHit> = emptyList()
      for (const p of down) symbols.push(hit(input.names.zoneDown, `${p.name} suspended by list health`))
      const accounting: Array<AccountRow> = emptyList()
      for (const r of records) {
        const from = originOf(input.queries, r.query)
        const a = r.answer
        if (a._tag === "Listed")
          symbols.push(hit(input.names.listed, `${r.query.value} (${from}) via ${r.provider} -> ${a.codes.join(",")}`))
        else if (a._tag === "Unknown") {
          const errorAnswer = a.reason === "ResolverBlocked" || a.reason === "Broken"
          symbols.push(
            hit(
              errorAnswer ? input.names.errorAnswer : input.names.unknown,
              `${r.query.value} via ${r.provider}: ${a.reason}${a.detail ? ` ${a.detail}` : ""}`
            )
          )
        }
        accounting.push({
          list: r.provider,
          kind: r.query.kind,
          value: r.query.value,
          origin: from,
          answeredInTime: r.inTime,
          answer: describe(r),
          millis: r.millis,
          cached: r.cached
        })
      }
      return { records, accounting, symbols }
    }
  )
}

/** `runNow` as an effect (a result at once: a finished one). */
export const run = (input: ListCheckInput): Effect.Effect<ListCheckResult> => StageAnswers.toEffect(runNow(input))
