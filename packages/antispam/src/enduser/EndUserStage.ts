/**
 * End-user blocklist: for a message that did not come from a mail server (see
 * `MailServerEvidence.ts` for the rule), check the sender against the end-user blocklist
 * (local entries and/or DNS zones): the sending IP, the MAIL FROM address and its domain.
 *
 * Precedence: when the sending IP was taken from a Received header and an external RBL zone
 * gave a definite answer for it (listed or not listed), that answer stands and the end-user
 * list is not applied to the IP. This stage runs after the RBL stage (order 2) and reads its
 * records from the message's facts.
 *
 * @category stages
 * @since 0.1.0
 */
import {
  type BlocklistProvider,
  type BlocklistRunner,
  type DnsShape,
  EMPTY_LIST,
  Facts,
  type Stage,
  type StageAnswer,
  StageAnswers,
  type StageInput,
  type StageResult,
  type SymbolHit
} from "@mailmoat/core"
import * as ListCheck from "../rbl/ListCheck.ts"
import { RblRecords } from "../rbl/RblStage.ts"
import { type ChainConfig, chainOf } from "../received/ReceivedFacts.ts"
import type { Lists } from "../module/ListSet.ts"
import { listBudget, listsOf, type StageContext } from "../stages/StageContext.ts"
import { hit } from "../Symbols.ts"
import * as MailServerEvidence from "./MailServerEvidence.ts"
import { EndUserSymbols } from "./symbols.ts"
import { define } from "../stages/Builtin.ts"
import { options } from "./options.ts"

export interface EndUserStageOptions {
  /** The lists in force for this message (themselves when known now). */
  readonly lists: (input: StageInput) => StageAnswers.Now<Lists>
  readonly providers: (lists: Lists) => ReadonlyArray<BlocklistProvider>
  readonly runner: BlocklistRunner.BlocklistRunner
  readonly dns: DnsShape
  readonly chain: ChainConfig
  readonly timeoutMillis: number
  readonly budgetMillis: number
}

// The same for every message: one object each, not one per check.
const NAMES: ListCheck.SymbolNames = {
  listed: "ENDUSER_LISTED",
  unknown: "ENDUSER_UNKNOWN",
  errorAnswer: "ENDUSER_UNKNOWN",
  zoneDown: "ENDUSER_UNKNOWN"
}
const NO_QUERIES: ReadonlyArray<never> = []
const never = () => false

const NOTHING: StageResult = { symbols: EMPTY_LIST }

export const make = (options: EndUserStageOptions): Stage => {
  // A message whose lists and answers are known answers with its result itself (no effect).
  const answer = (input: StageInput): StageAnswer<never> => {
    if (input.phase !== "data") return NOTHING
    const message = input.message
    const env = message.envelope
    const facts = Facts.of(input)
    const chain = chainOf(facts, options.chain, message)
    return StageAnswers.andThen(options.lists(input), (lists) => {
      const providers = options.providers(lists)
      const senderRow = chain.hops.find((h) => h.status === "sender")
      if (senderRow?.ip === undefined) return { symbols: EMPTY_LIST, facts: { skipped: "no identified sender" } }
      const ip = senderRow.ip
      const fromReceived = senderRow.source !== "client"
      const helo = fromReceived ? senderRow.helo : env.helo

      // RBL precedence for IPs from Received headers.
      const rbl = facts.get(RblRecords) ?? []
      const definite = rbl.find((r) => r.query.value === ip && r.answer._tag !== "Unknown")
      const ipPrecedence = fromReceived && definite !== undefined

      const ipChecked = ListCheck.runNow({
        runner: options.runner,
        providers,
        queries: ipPrecedence ? NO_QUERIES : [{ kind: "ip", value: ip, origin: senderRow.source }],
        isSuspended: lists.health.isSuspended,
        names: NAMES,
        weights: EndUserSymbols,
        source: "enduser"
      })
      return StageAnswers.andThen(ipChecked, (ipCheck) => {
        const ipListed = ipCheck.records.some((r) => r.answer._tag === "Listed")
        const evidence: Array<string> = []
        if (ipListed) evidence.push(`IP ${ip} is on the end-user list`)
        if (!MailServerEvidence.isFqdnHelo(helo))
          evidence.push(`HELO "${helo ?? ""}" is not a fully qualified domain name`)
        const confirmed =
          !fromReceived && env.clientHostname
            ? ({ _tag: "Confirmed", name: env.clientHostname } as const)
            : MailServerEvidence.fcrdnsNow(options.dns, ip, options.timeoutMillis)
        return StageAnswers.andThen(confirmed, (fc) => {
          if (fc._tag === "NotConfirmed") evidence.push(`no forward-confirmed reverse DNS (${fc.why})`)
          const symbols: Array<SymbolHit> = ipCheck.symbols.filter((s) => s.name !== "ENDUSER_LISTED")
          const finish = (senderCheck: ListCheck.ListCheckResult | undefined): StageResult => ({
            symbols,
            facts: {
              ip,
              source: senderRow.source,
              notMailServer: evidence.length > 0,
              evidence,
              fcrdns: fc,
              rblPrecedence: ipPrecedence
                ? `${definite!.provider} answered ${ListCheck.describe(definite!)}; end-user list not applied to ${ip}`
                : undefined,
              lists: senderCheck === undefined ? ipCheck.accounting : [...ipCheck.accounting, ...senderCheck.accounting]
            }
          })
          if (evidence.length === 0) return finish(undefined)
          symbols.push(hit(EndUserSymbols, "ENDUSER_NOT_MAILSERVER", "enduser", evidence.join("; ")))
          const from = env.mailFrom.toLowerCase()
          const senderChecked = ListCheck.runNow({
            runner: options.runner,
            providers,
            queries: from.includes("@")
              ? [
                  { kind: "address", value: from, origin: "mail-from" },
                  { kind: "domain", value: from.slice(from.lastIndexOf("@") + 1), origin: "mail-from" }
                ]
              : NO_QUERIES,
            isSuspended: never,
            names: NAMES,
            weights: EndUserSymbols,
            source: "enduser"
          })
          return StageAnswers.andThen(senderChecked, (senderCheck) => {
            symbols.push(...ipCheck.symbols.filter((s) => s.name === "ENDUSER_LISTED"), ...senderCheck.symbols)
            return finish(senderCheck)
          })
        })
      })
    })
  }
  return {
    name: "enduser",
    phase: "data",
    order: 2,
    budgetMillis: options.budgetMillis,
    symbols: EndUserSymbols,
    answer,
    run: StageAnswers.runOf(answer)
  }
}

/** The server profile's end-user blocklist stage (`antispam.endUserBlocklist`); none when it is off. */
export const fromContext = (ctx: StageContext): Stage | undefined =>
  ctx.settings.endUserBlocklist.enabled
    ? make({
        lists: listsOf(ctx),
        providers: (lists) => lists.endUser,
        runner: ctx.runner,
        dns: ctx.dns,
        chain: ctx.chain,
        timeoutMillis: Math.max(1000, ctx.settings.rbl.timeoutSeconds * 1000),
        budgetMillis: listBudget(ctx.settings.rbl.timeoutSeconds * 2)
      })
    : undefined

/** The folder's entry in the stage sets: both profiles. */
export const builtin = define({ options, server: [fromContext], client: [fromContext] })
