/**
 * `helo` (mail): a HELO name that is not a fully qualified domain name scores `HELO_NOT_FQDN`.
 *
 * @category stages
 * @since 0.1.0
 */
import type { Stage } from "@mailmoat/core"
import { Effect } from "effect"
import { define } from "../stages/Builtin.ts"
import type { StageContext } from "../stages/StageContext.ts"
import { hit } from "../Symbols.ts"
import { options } from "./options.ts"
import { HeloSymbols } from "./symbols.ts"

const FQDN = /^([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]*$/i

export const fromContext = (ctx: StageContext): Stage | undefined =>
  ctx.settings.helo.enabled
    ? {
        name: "helo",
        phase: "data",
        budgetMillis: 100,
        symbols: HeloSymbols,
        run: (input) => {
          const helo = input.phase === "data" ? input.message.envelope.helo : ""
          return Effect.succeed({ symbols: FQDN.test(helo) ? [] : [hit(HeloSymbols, "HELO_NOT_FQDN", "helo", helo)] })
        }
      }
    : undefined

export const builtin = define({ options, server: [fromContext] })
