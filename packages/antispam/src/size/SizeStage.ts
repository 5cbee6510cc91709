/**
 * `size` (data, before every scan): a message over `antispam.maxScanSizeKB` is accepted
 * unscanned, with `SIZE_NOT_SCANNED` saying why (see `SizeLimit.ts` for the rule).
 *
 * @category stages
 * @since 0.1.0
 */
import type { Stage, StageResult } from "@mailmoat/core"
import { EMPTY_LIST } from "@mailmoat/core"
import { Effect } from "effect"
import type { StageContext } from "../stages/StageContext.ts"
import { hit } from "../Symbols.ts"
import { notScannedReason } from "./SizeLimit.ts"
import { SizeSymbols } from "./symbols.ts"
import { define } from "../stages/Builtin.ts"
import { options } from "./options.ts"

const NOTHING: StageResult = { symbols: EMPTY_LIST }

/** None when the limit is 0 (unlimited). */
export const fromContext = (ctx: StageContext): Stage | undefined => {
  const limitKB = ctx.settings.maxScanSizeKB
  if (limitKB <= 0) return undefined
  return {
    name: "size",
    phase: "data",
    order: 0,
    budgetMillis: 1000,
    inline: true,
    symbols: SizeSymbols,
    // Answers at once (a finished effect): it only reads the message's size.
    run: (input) => {
      if (input.phase !== "data") return Effect.succeed(NOTHING)
      const why = notScannedReason(input.message.size, limitKB)
      return Effect.succeed(
        why === undefined
          ? NOTHING
          : {
              symbols: [hit(SizeSymbols, "SIZE_NOT_SCANNED", "size", why)],
              decision: { _tag: "Accept", reason: "not scanned" }
            }
      )
    }
  }
}

/** The folder's entry in the stage sets: both profiles. */
export const builtin = define({ options, server: [fromContext], client: [fromContext] })
