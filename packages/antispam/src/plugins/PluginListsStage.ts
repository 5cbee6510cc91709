/**
 * Plugin lists: the blocklist providers that plugins contribute (`@mailmoat/sdk`
 * `defineBlocklistProvider`), asked through the module's `BlocklistRunner` (the same runner,
 * TTL cache, per-provider timeouts and isolation as the RBL and DNSBL stages).
 *
 * What each kind is asked about is `PluginTargets`: the last identified sender IP and body IPs,
 * body domains and the From / MAIL FROM domains, the MAIL FROM and From addresses.
 *
 * Symbols:
 * - `PLUGIN_LISTED` per listing, scored with the answer's own `score` (the provider's
 *   suggestion; 5 when it gives none). The detail names the provider, the value and where it
 *   came from, the codes and the reason.
 * - `PLUGIN_UNKNOWN` (score 0) per lookup that could not be answered (timeout, provider down,
 *   a throw, a malformed answer). An unknown never makes mail spam; the module's policy counts
 *   `*_UNKNOWN` as "unsure".
 *
 * The facts carry the targets and, per provider, every lookup (value, answer, millis, inTime).
 *
 * @category stages
 * @since 0.1.0
 */
import {
  type BlocklistProvider,
  type BlocklistRunner,
  EMPTY_LIST,
  Facts,
  type Stage,
  type StageResult,
  type SymbolHit,
  type SymbolTable
} from "@mailmoat/core"
import { Effect } from "effect"
import type * as BodyTargets from "../dnsbl/BodyTargets.ts"
import * as ListCheck from "../rbl/ListCheck.ts"
import { type ChainConfig, chainOf } from "../received/ReceivedFacts.ts"
import type { StageContext } from "../stages/StageContext.ts"
import * as PluginTargets from "./PluginTargets.ts"
import { define } from "../stages/Builtin.ts"

/** Score of a listing whose answer carries none. */
export const DEFAULT_LISTED_SCORE = 5

export const PluginListSymbols = {
  PLUGIN_LISTED: {
    weight: DEFAULT_LISTED_SCORE,
    group: "plugins",
    description: "A plugin blocklist provider listed the sender IP, a domain or an address (score from the answer)"
  },
  PLUGIN_UNKNOWN: {
    weight: 0,
    undecided: true,
    group: "plugins",
    description: "A plugin blocklist provider did not answer in time or failed; result unknown"
  }
} as const satisfies SymbolTable

export interface PluginListsStageOptions {
  readonly providers: ReadonlyArray<BlocklistProvider>
  readonly runner: BlocklistRunner.BlocklistRunner
  readonly chain: ChainConfig
  readonly limits: BodyTargets.TargetLimits
  /** Default: `budgetFor(providers)`. */
  readonly budgetMillis?: number | undefined
}

/** One lookup in the facts' per-provider table. */
export interface ProviderRow {
  readonly kind: string
  readonly value: string
  readonly origin: string
  readonly answer: string
  readonly millis: number
  readonly inTime: boolean
  readonly cached: boolean
}

const SOURCE = "plugins"

/**
 * The stage budget: two of the slowest provider's timeouts (a message with more lookups than
 * the runner runs at once needs a second wave) plus 2 s of slack. Each lookup is still cut at
 * its provider's timeout; the budget only bounds the stage as a whole.
 */
export const budgetFor = (providers: ReadonlyArray<BlocklistProvider>): number =>
  2 * Math.max(0, ...providers.map((p) => p.timeoutMillis)) + 2000

/** The symbol for one record, or undefined for `NotListed`. */
export const symbolOf = (r: BlocklistRunner.LookupRecord, origin: string): SymbolHit | undefined => {
  const a = r.answer
  const where = `${r.query.kind} ${r.query.value} (${origin}) via ${r.provider}`
  if (a._tag === "Listed") {
    const codes = a.codes.length > 0 ? ` -> ${a.codes.join(",")}` : ""
    const reason = a.reason ? `: ${a.reason}` : ""
    return {
      name: "PLUGIN_LISTED",
      score: a.score ?? DEFAULT_LISTED_SCORE,
      source: SOURCE,
      detail: `${where}${codes}${reason}`.slice(0, 600)
    }
  }
  if (a._tag === "Unknown")
    return {
      name: "PLUGIN_UNKNOWN",
      score: 0,
      source: SOURCE,
      detail: `${where}: ${a.reason}${a.detail ? ` ${a.detail}` : ""}`.slice(0, 600)
    }
  return undefined
}

export const make = (options: PluginListsStageOptions): Stage => ({
  name: "plugin-lists",
  phase: "data",
  // With RBL and DNSBL (order 1): the lookups run concurrently with theirs.
  order: 1,
  budgetMillis: options.budgetMillis ?? budgetFor(options.providers),
  symbols: PluginListSymbols,
  run: (input) =>
    Effect.gen(function* () {
      if (input.phase !== "data" || options.providers.length === 0) return { symbols: EMPTY_LIST } satisfies StageResult
      const message = input.message
      const targets = PluginTargets.extract(message, {
        chain: chainOf(Facts.of(input), options.chain, message),
        limits: options.limits
      })
      const origin = new Map(targets.queries.map((q) => [`${q.kind}\u0000${q.value}`, q.origin]))
      // Providers see where each value was found (`query.origin`, `query.origins`).
      const records = yield* options.runner.run(options.providers, targets.queries)
      const symbols: Array<SymbolHit> = []
      const providers: Record<string, Array<ProviderRow>> = Object.fromEntries(
        options.providers.map((p) => [p.name, []])
      )
      for (const r of records) {
        const from = origin.get(`${r.query.kind}\u0000${r.query.value}`) ?? "?"
        const s = symbolOf(r, from)
        if (s !== undefined) symbols.push(s)
        providers[r.provider]?.push({
          kind: r.query.kind,
          value: r.query.value,
          origin: from,
          answer: ListCheck.describe(r),
          millis: r.millis,
          inTime: r.inTime,
          cached: r.cached
        })
      }
      return {
        symbols,
        facts: { sender: targets.sender, queries: targets.queries, dropped: targets.dropped, providers }
      } satisfies StageResult
    })
})

/** The server profile's plugin-lists stage; none without plugin providers. */
export const fromContext = (ctx: StageContext): Stage | undefined =>
  ctx.providers.length > 0
    ? make({
        providers: ctx.providers,
        runner: ctx.runner,
        chain: ctx.chain,
        limits: {
          maxAddresses: ctx.settings.dnsbl.maxAddresses,
          maxDomains: ctx.settings.dnsbl.maxDomains,
          skip: ctx.skip
        }
      })
    : undefined

/** The folder's entry in the stage sets: both profiles; its lists come from plugins, so no options. */
export const builtin = define({ options: {}, server: [fromContext], client: [fromContext] })
