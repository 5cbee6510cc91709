/**
 * The symbols sender authentication emits, with default weights, and the mapping from facts.
 * Passes weigh slightly toward ham, failures toward spam; every temporary error weighs 0, so a
 * failing resolver never makes mail spam. SPF symbols describe the MAIL FROM identity (the
 * HELO result is a fact and an `Authentication-Results` entry).
 *
 * @category models
 * @since 0.1.0
 */
import type { SymbolHit, SymbolTable } from "@mailmoat/core"
import type { AuthFacts, DkimFact } from "./AuthFacts.ts"

export const AuthSymbols = {
  SPF_PASS: { weight: -0.2, group: "auth", description: "SPF: the MAIL FROM domain authorises the sending IP" },
  SPF_FAIL: { weight: 1, group: "auth", description: "SPF: the MAIL FROM domain forbids the sending IP (-all)" },
  SPF_SOFTFAIL: {
    weight: 0.5,
    group: "auth",
    description: "SPF: the MAIL FROM domain does not authorise the sending IP (~all)"
  },
  SPF_NEUTRAL: {
    weight: 0,
    group: "auth",
    description: "SPF: the MAIL FROM domain makes no assertion about the sending IP (?all)"
  },
  SPF_NONE: { weight: 0, group: "auth", description: "SPF: the MAIL FROM domain publishes no SPF record" },
  SPF_TEMPERROR: { weight: 0, group: "auth", description: "SPF: a DNS lookup failed temporarily; result unknown" },
  SPF_PERMERROR: {
    weight: 0,
    group: "auth",
    description: "SPF: the record is broken (syntax, more than 10 lookups, void lookups)"
  },
  DKIM_PASS: { weight: -0.2, group: "auth", description: "DKIM: a signature verified" },
  DKIM_FAIL: {
    weight: 1,
    group: "auth",
    description: "DKIM: a signature did not verify (body or signed header altered, bad signature)"
  },
  DKIM_PERMERROR: {
    weight: 0,
    group: "auth",
    description: "DKIM: a signature could not be checked (no key, unusable key, body beyond the scan view)"
  },
  DKIM_TEMPERROR: { weight: 0, group: "auth", description: "DKIM: the key lookup failed temporarily; result unknown" },
  DMARC_PASS: { weight: -0.5, group: "auth", description: "DMARC: an aligned SPF or DKIM pass for the From domain" },
  DMARC_FAIL_REJECT: {
    weight: 2,
    group: "auth",
    description: "DMARC: failed, the From domain asks to reject (p=reject)"
  },
  DMARC_FAIL_QUARANTINE: {
    weight: 1.5,
    group: "auth",
    description: "DMARC: failed, the From domain asks to quarantine"
  },
  DMARC_FAIL_NONE: { weight: 0.1, group: "auth", description: "DMARC: failed, the From domain only monitors (p=none)" },
  DMARC_TEMPERROR: {
    weight: 0,
    group: "auth",
    description: "DMARC: the policy lookup failed temporarily; result unknown"
  },
  DMARC_PERMERROR: { weight: 0, group: "auth", description: "DMARC: the From domain's record is unusable" },
  ARC_PASS: { weight: 0, group: "auth", description: "ARC: the chain of custody validates" },
  ARC_FAIL: { weight: 1, group: "auth", description: "ARC: the chain of custody is broken" },
  ARC_TEMPERROR: {
    weight: 0,
    group: "auth",
    description: "ARC: a sealer's key lookup failed temporarily; result unknown"
  }
} as const satisfies SymbolTable

export type AuthSymbol = keyof typeof AuthSymbols

const SPF = {
  pass: "SPF_PASS",
  fail: "SPF_FAIL",
  softfail: "SPF_SOFTFAIL",
  neutral: "SPF_NEUTRAL",
  none: "SPF_NONE",
  temperror: "SPF_TEMPERROR",
  permerror: "SPF_PERMERROR"
} as const
const DKIM = { pass: "DKIM_PASS", fail: "DKIM_FAIL", permerror: "DKIM_PERMERROR", temperror: "DKIM_TEMPERROR" } as const
const DMARC_FAIL = {
  reject: "DMARC_FAIL_REJECT",
  quarantine: "DMARC_FAIL_QUARANTINE",
  none: "DMARC_FAIL_NONE"
} as const

const dkimLabel = (d: DkimFact) => `d=${d.domain} s=${d.selector}${d.comment ? ` (${d.comment})` : ""}`

/** The symbols for `facts`; `scores` overrides default weights by symbol name. */
export const symbolsOf = (facts: AuthFacts, source = "auth"): ReadonlyArray<SymbolHit> => {
  const out: Array<SymbolHit> = []
  const add = (name: AuthSymbol, detail: string) => out.push({ name, score: AuthSymbols[name].weight, source, detail })
  const spf = facts.spf.mailFrom
  add(SPF[spf.result], `${spf.domain} for ${facts.clientIp}${spf.comment ? `: ${spf.comment}` : ""}`)
  for (const [result, name] of Object.entries(DKIM) as ReadonlyArray<[keyof typeof DKIM, AuthSymbol]>) {
    const sigs = facts.dkim.filter(
      (d) => d.result === result || (result === "permerror" && (d.result === "neutral" || d.result === "policy"))
    )
    if (sigs.length > 0) add(name, sigs.map(dkimLabel).join("; "))
  }
  const dmarc = facts.dmarc
  if (dmarc?.result === "pass")
    add(
      "DMARC_PASS",
      `${dmarc.fromDomain} via ${dmarc.alignment.dkim.domain ? `dkim ${dmarc.alignment.dkim.domain}` : `spf ${dmarc.alignment.spf.domain}`}`
    )
  else if (dmarc?.result === "fail" && dmarc.policy) {
    add(
      DMARC_FAIL[dmarc.applied],
      `${dmarc.fromDomain} policy ${dmarc.policy}${dmarc.pct < 100 ? ` pct=${dmarc.pct} (${dmarc.sampled ? "in sample" : "outside sample"})` : ""}`
    )
  } else if (dmarc?.result === "temperror")
    add("DMARC_TEMPERROR", `${dmarc.fromDomain}${dmarc.comment ? `: ${dmarc.comment}` : ""}`)
  else if (dmarc?.result === "permerror")
    add("DMARC_PERMERROR", `${dmarc.fromDomain}: ${dmarc.comment ?? "unusable record"}`)
  const arc = facts.arc
  if (arc.result === "pass") add("ARC_PASS", `i=${arc.instance} sealed by ${arc.sealer ?? "?"}`)
  else if (arc.result === "fail") add("ARC_FAIL", `i=${arc.instance}${arc.comment ? `: ${arc.comment}` : ""}`)
  else if (arc.result === "temperror") add("ARC_TEMPERROR", `i=${arc.instance}: ${arc.comment ?? "key lookup failed"}`)
  return out
}
