/**
 * The antispam counters on the status page, counted from the engine's outcomes: one count per
 * message, by what happened to it.
 *
 * @category models
 * @since 0.1.0
 */
import type { RecipientOutcome } from "@mailmoat/core"

export interface AntispamCounters {
  messages: number
  bypassed: number
  notScanned: number
  spam: number
  ham: number
  unsure: number
  deferred: number
  stateStoreErrors: number
  moduleErrors: number
  /** Messages refused or quarantined under `antispam.dmarc.enforce`. */
  dmarcEnforced: number
}

const has = (o: RecipientOutcome, symbol: string) => o.verdict.symbols.some((s) => s.name === symbol)

export const make = () => {
  const c: AntispamCounters = {
    messages: 0,
    bypassed: 0,
    notScanned: 0,
    spam: 0,
    ham: 0,
    unsure: 0,
    deferred: 0,
    stateStoreErrors: 0,
    moduleErrors: 0,
    dmarcEnforced: 0
  }
  const count = (outcomes: ReadonlyArray<RecipientOutcome>): void => {
    c.messages++
    if (outcomes.some((o) => o.verdict.decidedBy?.decision === "Bypass")) c.bypassed++
    if (outcomes.some((o) => o.verdict.decidedBy?.stage === "size")) c.notScanned++
    if (outcomes.some((o) => o.rule === "module failure")) c.moduleErrors++
    if (outcomes.some((o) => has(o, "TEMPREJECT_STORE_DOWN"))) c.stateStoreErrors++
    if (outcomes.some((o) => o.rule.startsWith("dmarc: "))) c.dmarcEnforced++
    if (outcomes.some((o) => has(o, "TEMPREJECT_DEFERRED"))) {
      c.deferred++
      c.unsure++
      return
    }
    const scanned = outcomes.find(
      (o) => o.verdict.decidedBy === undefined && o.rule !== "module failure" && o.rule !== "antispam disabled"
    )
    if (scanned) c[scanned.verdict.class]++
  }
  return { count, snapshot: (): Readonly<AntispamCounters> => ({ ...c }) }
}
