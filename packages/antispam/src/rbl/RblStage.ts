/**
 * RBL: each chosen sender IP against each RBL zone (queries = IPs x servers).
 *
 * IPs come from the Received-chain analysis (the last identified sender, plus up to `maxIps`
 * hops outward). IPs on the `skip` list are dropped first and do not count against
 * `maxAddresses` (0 = unlimited). The facts carry the hop table with, per hop, whether it was
 * checked and why not, and the per-list accounting. The lookups are left in the message's facts
 * (`RblRecords`) for the end-user stage, which gives definite RBL answers precedence.
 *
 * @category stages
 * @since 0.1.0
 */
import {
  type BlocklistLookupRecord,
  type BlocklistProvider,
  type BlocklistRunner,
  EMPTY_LIST,
  type FactKey,
  Facts,
  type Stage,
  type StageAnswer,
  StageAnswers,
  type StageInput,
  type StageResult
} from "@mailmoat/core"
import type { CidrSet } from "../net/CidrSet.ts"
import type { HopRow } from "../received/ReceivedChain.ts"
import { type ChainConfig, chainOf } from "../received/ReceivedFacts.ts"
import type { Lists } from "../module/ListSet.ts"
import { listBudget, listsOf, type StageContext } from "../stages/StageContext.ts"
import * as ListCheck from "./ListCheck.ts"
import { RblSymbols } from "./symbols.ts"
import { define } from "../stages/Builtin.ts"
import { options } from "./options.ts"

/** The RBL lookups of this message, for later stages. */
export const RblRecords: FactKey<ReadonlyArray<BlocklistLookupRecord>> =
  Facts.key<ReadonlyArray<BlocklistLookupRecord>>("rbl.records")

export interface RblStageOptions {
  /** The lists in force for this message (themselves when known now). */
  readonly lists: (input: StageInput) => StageAnswers.Now<Lists>
  readonly providers: (lists: Lists) => ReadonlyArray<BlocklistProvider>
  readonly runner: BlocklistRunner.BlocklistRunner
  readonly chain: ChainConfig
  readonly skip: CidrSet
  readonly maxAddresses: number
  readonly budgetMillis: number
}

export interface HopCheckRow extends HopRow {
  readonly checked: boolean
  readonly checkNote: string
}

// A hop row with its check, every field written out in `HopCheckRow`'s order: an object spread
// copies the row through a slower generic path on every hop of every message.
const checkRow = (h: HopRow, checked: boolean, checkNote: string): HopCheckRow => ({
  source: h.source,
  ip: h.ip,
  helo: h.helo,
  rdns: h.rdns,
  trusted: h.trusted,
  status: h.status,
  selected: h.selected,
  why: h.why,
  checked,
  checkNote
})

/** Applies skip and maxAddresses to the chain's selection; returns the IPs and the annotated hop table. */
export const chooseIps = (hops: ReadonlyArray<HopRow>, skip: CidrSet, maxAddresses: number) => {
  const chosen: Array<{ ip: string; source: string }> = []
  const rows = hops.map((h): HopCheckRow => {
    if (!h.selected || h.ip === undefined) return checkRow(h, false, h.why)
    const skipped = skip.match(h.ip)
    if (skipped) return checkRow(h, false, `on rbl.skip ${skipped.text}`)
    if (maxAddresses > 0 && chosen.length >= maxAddresses)
      return checkRow(h, false, `beyond rbl.maxAddresses ${maxAddresses}`)
    chosen.push({ ip: h.ip, source: h.source })
    return checkRow(h, true, "checked")
  })
  return { chosen, rows }
}

/** Not the data phase: nothing to say (one object for every such call). */
const NOTHING: StageResult = { symbols: EMPTY_LIST }

const NAMES: ListCheck.SymbolNames = {
  listed: "RBL_LISTED",
  unknown: "RBL_UNKNOWN",
  errorAnswer: "RBL_ERROR_ANSWER",
  zoneDown: "RBL_ZONE_DOWN"
}

export const make = (options: RblStageOptions): Stage => {
  // A message whose lists and answers are known answers with its result itself (no effect).
  const answer = (input: StageInput): StageAnswer<never> => {
    if (input.phase !== "data") return NOTHING
    const facts = Facts.of(input)
    const chain = chainOf(facts, options.chain, input.message)
    const { chosen, rows } = chooseIps(chain.hops, options.skip, options.maxAddresses)
    return StageAnswers.andThen(options.lists(input), (lists) =>
      StageAnswers.andThen(
        ListCheck.runNow({
          runner: options.runner,
          providers: options.providers(lists),
          queries: chosen.map((c) => ({ kind: "ip" as const, value: c.ip, origin: c.source })),
          isSuspended: lists.health.isSuspended,
          names: NAMES,
          weights: RblSymbols,
          source: "rbl"
        }),
        (result): StageResult => {
          facts.set(RblRecords, result.records)
          return { symbols: result.symbols, facts: { sender: chain.sender, hops: rows, lists: result.accounting } }
        }
      )
    )
  }
  return {
    name: "rbl",
    phase: "data",
    order: 1,
    budgetMillis: options.budgetMillis,
    symbols: RblSymbols,
    answer,
    run: StageAnswers.runOf(answer)
  }
}

/** The server profile's RBL stage (`antispam.rbl`). */
export const fromContext = (ctx: StageContext): Stage =>
  make({
    lists: listsOf(ctx),
    providers: (lists) => lists.rbl,
    runner: ctx.runner,
    chain: ctx.chain,
    skip: ctx.skip,
    maxAddresses: ctx.settings.rbl.maxAddresses,
    budgetMillis: listBudget(ctx.settings.rbl.timeoutSeconds)
  })

/** The folder's entry in the stage sets: both profiles. */
export const builtin = define({ options, server: [fromContext], client: [fromContext] })
