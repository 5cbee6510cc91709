/**
 * What the SMTP path's virus scan (`antispam.virus`, `VirusScan.ts`) does to a transaction: its
 * result is applied to the outcome of every recipient it covered (each recipient's spam outcome
 * as the engine gave it), then the transaction is planned from those outcomes as always
 * (`RecipientPlan.plan`). Pure: no I/O.
 *
 * | scan | covered recipient's action | rule |
 * | --- | --- | --- |
 * | clean | unchanged | unchanged |
 * | virus | `onVirus`: reject / quarantine / drop, whatever the spam verdict said | `virus: <signature>, onVirus=<action>` |
 * | unavailable | `tempfail`: a delivery or quarantine becomes a tempfail; `deliver`: a delivery gets `X-Mailmoat-Warning` | `virus: scanner unavailable, onUnavailable=tempfail` when changed |
 * | oversize | `reject`: a delivery or quarantine becomes a reject; `deliver`: a delivery gets `X-Mailmoat-Warning` | `virus: too large to scan, onOversize=reject` when changed |
 *
 * A reject or drop the spam checks decided stays one: refusing or dropping needs no scan (but
 * under `onUnavailable: tempfail` a covered reject that the plan would quarantine, because other
 * recipients accept the message, makes the whole message a 451: it would be kept unscanned). A
 * recipient a configured bypass spared keeps its outcome. Every covered recipient's verdict gets
 * the scan's trace entry (stage `virus`) and, unless clean, its symbol (`Threat.VirusSymbols`).
 * A whole message refused by the scan is marked (`refusedFor`) so the reply table answers 554
 * 5.7.1 or 552 5.3.4 instead of the spam refusal's 550.
 *
 * **Gotchas**
 * - When the spam checks themselves failed (a 451 with no outcomes), the plan stays that 451:
 *   the retry is scanned again, and nothing was decided to apply the scan to.
 *
 * @category models
 * @since 0.1.0
 */
import type { GatewayConfig } from "@mailmoat/antispam"
import { Action, type RecipientOutcome, type StageTrace, type SymbolHit, type Verdict } from "@mailmoat/core"
import { type Plan, plan as planOf } from "./RecipientPlan.ts"

export type VirusSettings = NonNullable<GatewayConfig.AntispamConfig["virus"]>

export type VirusScanOutcome =
  | { readonly _tag: "Clean" }
  | { readonly _tag: "Found"; readonly signature: string }
  | { readonly _tag: "Unavailable"; readonly reason: string; readonly detail: string }
  | { readonly _tag: "Oversize"; readonly detail: string }

export interface VirusResult {
  /** Undefined: a configured bypass spared every recipient, nothing was scanned. */
  readonly scan: VirusScanOutcome | undefined
  /** Recipients (lower case) a configured bypass spared. */
  readonly spared: ReadonlySet<string>
  /** Which bypass spared them. */
  readonly sparedBy?: string | undefined
  readonly scanner: string
  readonly millis: number
}

export interface Decided {
  readonly plan: Plan
  readonly outcomes: ReadonlyArray<RecipientOutcome>
}

/** The header a message delivered unscanned carries (the IMAP/POP3 proxies write the same). */
export const WARNING = "X-Mailmoat-Warning"

const SOURCE = "virus"

const symbolOf = (scan: VirusScanOutcome): SymbolHit | undefined => {
  switch (scan._tag) {
    case "Clean":
      return undefined
    case "Found":
      return { name: "VIRUS_FOUND", score: 0, detail: scan.signature, source: SOURCE }
    case "Unavailable":
      return { name: "VIRUS_SCAN_UNAVAILABLE", score: 0, detail: `${scan.reason}: ${scan.detail}`, source: SOURCE }
    case "Oversize":
      return { name: "VIRUS_SCAN_OVERSIZE", score: 0, detail: scan.detail, source: SOURCE }
  }
}

const traceOf = (result: VirusResult, scan: VirusScanOutcome, hit: SymbolHit | undefined): StageTrace => ({
  stage: SOURCE,
  phase: "data",
  outcome: scan._tag === "Unavailable" ? `failed:${scan.reason}` : "ok",
  millis: result.millis,
  symbols: hit === undefined ? [] : [hit],
  facts: {
    scanner: result.scanner,
    result: scan._tag.toLowerCase(),
    ...(scan._tag === "Found" ? { signature: scan.signature } : {}),
    ...(scan._tag === "Unavailable" || scan._tag === "Oversize" ? { detail: hit?.detail } : {})
  }
})

const withScan = (verdict: Verdict, trace: StageTrace, hit: SymbolHit | undefined): Verdict => ({
  ...verdict,
  symbols: hit === undefined ? verdict.symbols : [...verdict.symbols, hit],
  trace: [...verdict.trace, trace]
})

/** A recipient the spam checks gave no outcome for (none ran): delivered as it is. */
const unscanned = (recipient: string): RecipientOutcome => ({
  recipient,
  verdict: { class: "ham", score: 0, symbols: [], trace: [] },
  action: Action.deliver(),
  rule: "not scanned for spam"
})

const warned = (action: Action.Action, text: string): Action.Action =>
  action._tag === "Deliver" ? { ...action, addHeaders: [...action.addHeaders, [WARNING, text]] } : action

/** Would the message be accepted for this recipient (delivered or kept)? */
const accepted = (action: Action.Action): boolean => action._tag === "Deliver" || action._tag === "Quarantine"

const covered = (
  o: RecipientOutcome,
  scan: VirusScanOutcome,
  verdict: Verdict,
  settings: VirusSettings
): RecipientOutcome => {
  switch (scan._tag) {
    case "Clean":
      return { ...o, verdict }
    case "Found": {
      const reason = `virus found: ${scan.signature}`
      const action =
        settings.onVirus === "reject"
          ? Action.reject(reason)
          : settings.onVirus === "quarantine"
            ? Action.quarantine(reason)
            : Action.drop(reason)
      return { recipient: o.recipient, verdict, action, rule: `virus: ${scan.signature}, onVirus=${settings.onVirus}` }
    }
    case "Unavailable":
      if (settings.onUnavailable === "deliver")
        return {
          ...o,
          verdict,
          action: warned(o.action, `not scanned for threats (scanner unavailable: ${scan.reason})`)
        }
      return accepted(o.action)
        ? {
            recipient: o.recipient,
            verdict,
            action: Action.tempfail(`virus scanner unavailable (${scan.reason})`),
            rule: "virus: scanner unavailable, onUnavailable=tempfail"
          }
        : { ...o, verdict }
    case "Oversize":
      if (settings.onOversize === "deliver")
        return { ...o, verdict, action: warned(o.action, `not scanned for threats (${scan.detail})`) }
      return accepted(o.action)
        ? {
            recipient: o.recipient,
            verdict,
            action: Action.reject(`too large to be scanned for viruses (${scan.detail})`),
            rule: "virus: too large to scan, onOversize=reject"
          }
        : { ...o, verdict }
  }
}

/** The transaction after the virus scan: covered recipients' outcomes changed, then planned. */
export const applyVirusScan = (
  recipients: ReadonlyArray<string>,
  decided: Decided,
  result: VirusResult,
  settings: VirusSettings
): Decided => {
  const scan = result.scan
  if (scan === undefined) return decided
  if (decided.outcomes.length === 0 && decided.plan._tag === "Tempfail") return decided
  const byRecipient = new Map(decided.outcomes.map((o) => [o.recipient.toLowerCase(), o]))
  const hit = symbolOf(scan)
  const trace = traceOf(result, scan, hit)
  // Only a transaction no spam check ran for is delivered as it is; a recipient the checks left
  // without an outcome stays without one, so the plan keeps its 451 as it did before the scan.
  const outcomes = recipients.flatMap((recipient) => {
    const o =
      byRecipient.get(recipient.toLowerCase()) ?? (decided.outcomes.length === 0 ? unscanned(recipient) : undefined)
    if (o === undefined) return []
    return [
      result.spared.has(recipient.toLowerCase()) ? o : covered(o, scan, withScan(o.verdict, trace, hit), settings)
    ]
  })
  const plan = planOf(recipients, outcomes)
  if (plan._tag === "Accept" && scan._tag === "Unavailable" && settings.onUnavailable === "tempfail") {
    // A covered recipient's spam reject is quarantined when others accept the message: kept
    // unscanned, so the whole message waits for clamd instead.
    const kept = plan.quarantine.some((g) => g.recipients.some((r) => !result.spared.has(r.toLowerCase())))
    return kept
      ? { plan: { _tag: "Tempfail", reason: `virus scanner unavailable (${scan.reason})` }, outcomes }
      : { plan, outcomes }
  }
  if (plan._tag !== "Reject") return { plan, outcomes }
  const refusedFor =
    scan._tag === "Found" && settings.onVirus === "reject"
      ? "virus"
      : scan._tag === "Oversize" && settings.onOversize === "reject"
        ? "unscannable"
        : undefined
  return { plan: refusedFor === undefined ? plan : { ...plan, refusedFor }, outcomes }
}

/** The message line's `virus` field: what the scan found, or why it did not scan. */
export const describeVirusScan = (result: VirusResult): string =>
  result.scan === undefined ? `skipped (bypass ${result.sparedBy ?? ""})` : describeOutcome(result.scan)

/** What one scan found, or why it could not scan (the message line's and a release's log line). */
export const describeOutcome = (scan: VirusScanOutcome): string => {
  switch (scan._tag) {
    case "Clean":
      return "clean"
    case "Found":
      return `found ${scan.signature}`
    case "Unavailable":
      return `not scanned (${scan.reason})`
    case "Oversize":
      return "not scanned (too large)"
  }
}
