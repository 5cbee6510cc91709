/**
 * RBL: each chosen sender IP against each RBL zone (queries = IPs x servers).
 *
 * IPs come from the Received-chain analysis (the last identified sender, plus up to `maxIps`
 * hops outward). IPs on the `skip` list are dropped first and do not count against
 * `maxAddresses` (0 = unlimited). The facts carry the hop table with, per hop, whether it was
 * checked and why not, and the per-list accounting.
 *
 * @category stages
 * @since 0.1.0
 */
import type { BlocklistProvider, BlocklistRunner, Message, Stage, StageResult } from "@mailmoat/core"
import { Effect } from "effect"
import type { CidrSet } from "../net/CidrSet.ts"
import type { ChainOptions, HopRow } from "../received/ReceivedChain.ts"
import * as ReceivedChain from "../received/ReceivedChain.ts"
import { RblSymbols } from "../Symbols.ts"
import * as ListCheck from "./ListCheck.ts"

export interface RblStageOptions {
  readonly providers: ReadonlyArray<BlocklistProvider>
  readonly runner: BlocklistRunner.BlocklistRunner
  readonly chain: (message: Message) => ChainOptions
  readonly skip: CidrSet
  readonly maxAddresses: number
  readonly isSuspended: (zone: string) => boolean
  /** Where the stage leaves its records for later stages (end-user precedence). */
  readonly results: WeakMap<Message, ReadonlyArray<BlocklistRunner.LookupRecord>>
  readonly budgetMillis: number
}

export interface HopCheckRow extends HopRow {
  readonly checked: boolean
  readonly checkNote: string
}

/** Applies skip and maxAddresses to the chain's selection; returns the IPs and the annotated hop table. */
export const chooseIps = (hops: ReadonlyArray<HopRow>, skip: CidrSet, maxAddresses: number) => {
  const chosen: Array<{ ip: string; source: string }> = []
  const rows = hops.map((h): HopCheckRow => {
    if (!h.selected || h.ip === undefined) return { ...h, checked: false, checkNote: h.why }
    const skipped = skip.match(h.ip)
    if (skipped) return { ...h, checked: false, checkNote: `on rbl.skip ${skipped.text}` }
    if (maxAddresses > 0 && chosen.length >= maxAddresses) return { ...h, checked: false, checkNote: `beyond rbl.maxAddresses ${maxAddresses}` }
    chosen.push({ ip: h.ip, source: h.source })
    return { ...h, checked: true, checkNote: "checked" }
  })
  return { chosen, rows }
}

export const make = (options: RblStageOptions): Stage => ({
  name: "rbl",
  phase: "data",
  order: 1,
  budgetMillis: options.budgetMillis,
  symbols: RblSymbols,
  run: (input) =>
    Effect.gen(function* () {
      if (input.phase !== "data") return { symbols: [] } satisfies StageResult
      const message = input.message
      const chain = ReceivedChain.analyse(message.envelope, message.received, options.chain(message))
      const { chosen, rows } = chooseIps(chain.hops, options.skip, options.maxAddresses)
      const result = yield* ListCheck.run({
        runner: options.runner,
        providers: options.providers,
        queries: chosen.map((c) => ({ kind: "ip" as const, value: c.ip, origin: c.source })),
        isSuspended: options.isSuspended,
        names: { listed: "RBL_LISTED", unknown: "RBL_UNKNOWN", errorAnswer: "RBL_ERROR_ANSWER", zoneDown: "RBL_ZONE_DOWN" },
        weights: RblSymbols,
        source: "rbl"
      })
      options.results.set(message, result.records)
      return { symbols: result.symbols, facts: { sender: chain.sender, hops: rows, lists: result.accounting } } satisfies StageResult
    })
})
