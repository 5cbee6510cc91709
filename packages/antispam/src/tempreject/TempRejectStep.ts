/**
 * Temporary rejection as the engine's verdict step (after the policy): an `unsure` message is
 * answered 451 until its period ends (`TempReject.ts` has the rules); a retry whose
 * classification became definite is handled by it; a store that cannot be reached fails open,
 * with `TEMPREJECT_STORE_DOWN` and a warning in the log. The first deferral of a message may
 * submit it for analysis.
 *
 * @category stages
 * @since 0.1.0
 */
import type { Engine, TempRejectStoreShape } from "@mailmoat/core"
import { Effect } from "effect"
import type { AnalysisSubmitter } from "../analysis/AnalysisSubmitter.ts"
import { hit } from "../Symbols.ts"
import { TempRejectSymbols } from "./symbols.ts"
import * as TempReject from "./TempReject.ts"

export interface TempRejectStepOptions {
  readonly store: TempRejectStoreShape
  readonly periodMinutes: number
  readonly analysis?: AnalysisSubmitter | undefined
}

const SOURCE = "tempreject"

export const make = (options: TempRejectStepOptions): Engine.VerdictStep => {
  const tempReject = TempReject.make({ store: options.store, periodMinutes: options.periodMinutes })
  return {
    name: SOURCE,
    symbols: TempRejectSymbols,
    run: ({ message, recipients, verdict }) =>
      Effect.gen(function* () {
        const env = message.envelope
        const d = yield* tempReject.decide({
          sender: env.mailFrom,
          recipients,
          fingerprint: TempReject.fingerprint(message),
          sourceIp: env.clientAddress,
          current: verdict.class
        })
        switch (d._tag) {
          case "Defer":
            if (d.first && options.analysis)
              yield* options.analysis.submit({
                bytes: message.scanView,
                sender: env.mailFrom,
                recipients,
                clientAddress: env.clientAddress
              })
            return {
              symbols: [hit(TempRejectSymbols, "TEMPREJECT_DEFERRED", SOURCE, d.detail)],
              tempfail: { reason: `unsure; retry in ${d.retryInSeconds} s`, rule: `tempReject: ${d.detail}` }
            } satisfies Engine.VerdictAdjustment
          case "StoreDown":
            yield* Effect.logWarning(`tempReject: state store unreachable, failing open: ${d.detail}`)
            return {
              symbols: [hit(TempRejectSymbols, "TEMPREJECT_STORE_DOWN", SOURCE, d.detail)],
              ruleSuffix: "tempReject skipped (store down)"
            }
          case "Act":
            return d.retry || d.class !== verdict.class
              ? {
                  symbols: [hit(TempRejectSymbols, "TEMPREJECT_RETRY", SOURCE, d.detail)],
                  class: d.class,
                  rulePrefix: `tempReject: ${d.detail}`
                }
              : {}
        }
      })
  }
}
