/**
 * DMARC enforcement (`antispam.dmarc.enforce`) as the engine's verdict step, run after the policy
 * and before temporary rejection: it reads the message's authentication facts
 * (`AuthStage.AuthResults`) and asks the engine to refuse (`p=reject`) or quarantine
 * (`p=quarantine`); an exemption (trusted forwarder, trusted ARC sealer) is written into the rule.
 *
 * @category stages
 * @since 0.1.0
 */
import type { Engine } from "@mailmoat/core"
import { Effect } from "effect"
import * as CidrSet from "../net/CidrSet.ts"
import type { StageContext } from "../stages/StageContext.ts"
import { AuthResults, isSubmission } from "./AuthStage.ts"
import * as DmarcEnforcement from "./DmarcEnforcement.ts"

export const make = (settings: DmarcEnforcement.EnforcementSettings): Engine.VerdictStep => ({
  name: "dmarc",
  symbols: {},
  run: ({ message, facts }) =>
    Effect.sync((): Engine.VerdictAdjustment => {
      if (isSubmission(message)) return {}
      const d = DmarcEnforcement.decide(facts.get(AuthResults), settings)
      if (d._tag === "None") return d.note ? { ruleSuffix: d.note } : {}
      return { enforce: { action: d._tag, reason: d.reason, rule: `dmarc: ${d.reason}` } }
    })
})

/** The server profile's step; none unless `antispam.auth.enabled` and `antispam.dmarc.enforce`. */
export const fromContext = (ctx: StageContext): Engine.VerdictStep | undefined => {
  const s = ctx.settings
  if (!s.auth.enabled || !s.dmarc.enforce) return undefined
  return make({
    enforce: true,
    trustedForwarders: CidrSet.compile(s.dmarc.trustedForwarders),
    trustedSealers: new Set(s.arc.trustedSealers.map((d) => d.trim().toLowerCase().replace(/\.$/, "")))
  })
}
