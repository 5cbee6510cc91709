/**
 * What to do with a message that failed DMARC, when `antispam.dmarc.enforce` is on: refuse it
 * (`p=reject`, 550 5.7.1 at end of DATA) or quarantine it (`p=quarantine`), after `pct`
 * sampling (RFC 7489 §6.6.4, see `DmarcFact.applied`).
 *
 * Exempt (RFC 7489 §10.1 on forwarders and mailing lists that break DMARC): a message whose
 * sending IP is a trusted forwarder, or one carrying a valid ARC chain whose latest seal
 * (RFC 8617: the last intermediary) belongs to a trusted sealer domain. A temperror never
 * enforces anything.
 *
 * @category models
 * @since 0.1.0
 */
import type { CidrSet } from "../net/CidrSet.ts"
import type { AuthFacts } from "./AuthFacts.ts"

export interface EnforcementSettings {
  readonly enforce: boolean
  readonly trustedForwarders: CidrSet
  /** Lower-case sealer domains. */
  readonly trustedSealers: ReadonlySet<string>
}

export type Enforcement =
  | { readonly _tag: "None"; readonly note?: string | undefined }
  | { readonly _tag: "Reject"; readonly reason: string }
  | { readonly _tag: "Quarantine"; readonly reason: string }

const sealerTrusted = (sealer: string | undefined, trusted: ReadonlySet<string>): boolean => {
  if (sealer === undefined) return false
  const s = sealer.toLowerCase().replace(/\.$/, "")
  return trusted.has(s)
}

export const decide = (facts: AuthFacts | undefined, settings: EnforcementSettings): Enforcement => {
  const dmarc = facts?.dmarc
  if (!settings.enforce || facts === undefined || dmarc?.result !== "fail" || dmarc.applied === "none")
    return { _tag: "None" }
  const forwarder = settings.trustedForwarders.match(facts.clientIp)
  if (forwarder)
    return {
      _tag: "None",
      note: `DMARC ${dmarc.applied} not applied: ${facts.clientIp} is a trusted forwarder (${forwarder.text})`
    }
  if (facts.arc.result === "pass" && sealerTrusted(facts.arc.sealer, settings.trustedSealers)) {
    return {
      _tag: "None",
      note: `DMARC ${dmarc.applied} not applied: valid ARC chain sealed by trusted ${facts.arc.sealer}`
    }
  }
  const reason = `DMARC policy of ${dmarc.fromDomain} is ${dmarc.applied}: no aligned SPF or DKIM pass`
  return dmarc.applied === "reject" ? { _tag: "Reject", reason } : { _tag: "Quarantine", reason }
}
