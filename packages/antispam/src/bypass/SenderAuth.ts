/**
 * Is the From domain authenticated? Aligned SPF or aligned DKIM (relaxed alignment: same
 * organisational domain by the public suffix list), read from the sender-authentication facts
 * (auth/AuthStage.ts), so the safe-sender check and the auth stage share one mailauth run.
 *
 * Alignment is decided here whether or not the From domain publishes a DMARC record: a safe
 * sender needs an authenticated From domain either way.
 *
 * **Gotchas**
 * - DKIM needs the whole message; with a truncated scan view the body hash fails and only SPF
 *   can authenticate.
 *
 * @category services
 * @since 0.1.0
 */
import type { AuthFacts } from "../auth/AuthFacts.ts"
import { aligns } from "../auth/FromMailauth.ts"

export interface AuthResult {
  readonly authenticated: boolean
  readonly fromDomain?: string | undefined
  /** e.g. "spf=pass (example.net) aligned", "dkim=pass d=example.net aligned". */
  readonly detail: string
}

export const aligned = (a: string, b: string): boolean => aligns(a, b, false)

export const fromFacts = (facts: AuthFacts): AuthResult => {
  const fromDomain = facts.fromDomain
  if (fromDomain === undefined) return { authenticated: false, detail: "no single From address" }
  const spf = facts.spf.mailFrom
  if (facts.timedOut)
    return { authenticated: false, fromDomain, detail: `authentication check failed: ${spf.comment ?? "timed out"}` }
  if (spf.result === "pass" && aligned(spf.domain, fromDomain)) {
    return { authenticated: true, fromDomain, detail: `spf=pass (${spf.domain}) aligned with ${fromDomain}` }
  }
  const dkim = facts.dkim.find((d) => d.result === "pass" && aligned(d.domain, fromDomain))
  if (dkim) return { authenticated: true, fromDomain, detail: `dkim=pass d=${dkim.domain} aligned with ${fromDomain}` }
  return { authenticated: false, fromDomain, detail: `spf=${spf.result} (${spf.domain}), no aligned dkim=pass` }
}
