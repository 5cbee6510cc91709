/**
 * DNSBL: IPs and registrable domains found in the text and HTML bodies, against each DNSBL
 * zone (`dnsbl.servers`, same `zone[:127.0.0.x]` format as RBL).
 *
 * @category stages
 * @since 0.1.0
 */
import {
  type BlocklistProvider,
  type BlocklistRunner,
  EMPTY_LIST,
  type Stage,
  type StageAnswer,
  StageAnswers,
  type StageInput,
  type StageResult
} from "@mailmoat/core"
import type { Lists } from "../module/ListSet.ts"
import * as ListCheck from "../rbl/ListCheck.ts"
import { listBudget, listsOf, type StageContext } from "../stages/StageContext.ts"
import * as BodyTargets from "./BodyTargets.ts"
import { DnsblSymbols } from "./symbols.ts"
import { define } from "../stages/Builtin.ts"
import { options } from "./options.ts"

export interface DnsblStageOptions {
  /** The lists in force for this message (themselves when known now). */
  readonly lists: (input: StageInput) => StageAnswers.Now<Lists>
  readonly providers: (lists: Lists) => ReadonlyArray<BlocklistProvider>
  readonly runner: BlocklistRunner.BlocklistRunner
  readonly limits: BodyTargets.TargetLimits
  readonly budgetMillis: number
}

const NAMES: ListCheck.SymbolNames = {
  listed: "DNSBL_LISTED",
  unknown: "DNSBL_UNKNOWN",
  errorAnswer: "DNSBL_ERROR_ANSWER",
  zoneDown: "DNSBL_ZONE_DOWN"
}

/** Not the data phase: nothing to say (one object for every such call). */
const NOTHING: StageResult = { symbols: EMPTY_LIST }

export const make = (options: DnsblStageOptions): Stage => {
  // A message whose lists and answers are known answers with its result itself (no effect).
  const answer = (input: StageInput): StageAnswer<never> => {
    if (input.phase !== "data") return NOTHING
    const targets = BodyTargets.extract(input.message.body, options.limits)
    return StageAnswers.andThen(options.lists(input), (lists) => {
      // One array, IPs first (two `map`s and a spread made three).
      const queries: Array<ListCheck.ListCheckInput["queries"][number]> = []
      for (const value of targets.ips) queries.push({ kind: "ip", value, origin: "body" })
      for (const value of targets.domains) queries.push({ kind: "domain", value, origin: "body" })
      return StageAnswers.andThen(
        ListCheck.runNow({
          runner: options.runner,
          providers: options.providers(lists),
          queries,
          isSuspended: lists.health.isSuspended,
          names: NAMES,
          weights: DnsblSymbols,
          source: "dnsbl"
        }),
        (result): StageResult => ({
          symbols: result.symbols,
          facts: { ips: targets.ips, domains: targets.domains, dropped: targets.dropped, lists: result.accounting }
        })
      )
    })
  }
  return {
    name: "dnsbl",
    phase: "data",
    order: 1,
    budgetMillis: options.budgetMillis,
    symbols: DnsblSymbols,
    answer,
    run: StageAnswers.runOf(answer)
  }
}

/** The server profile's DNSBL stage (`antispam.dnsbl`). */
export const fromContext = (ctx: StageContext): Stage =>
  make({
    lists: listsOf(ctx),
    providers: (lists) => lists.dnsbl,
    runner: ctx.runner,
    limits: {
      maxAddresses: ctx.settings.dnsbl.maxAddresses,
      maxDomains: ctx.settings.dnsbl.maxDomains,
      skip: ctx.skip
    },
    budgetMillis: listBudget(ctx.settings.dnsbl.timeoutSeconds)
  })

/** The folder's entry in the stage sets: both profiles. */
export const builtin = define({ options, server: [fromContext], client: [fromContext] })
