/**
 * mailauth's result objects -> our `AuthFacts`. mailauth 4.x ships no types; the shapes below
 * are the parts we read.
 *
 * **Gotchas**
 * - mailauth reports a DKIM body hash mismatch as `neutral`; RFC 6376 §6.3 makes it a failed
 *   verification, so it becomes `fail`. A missing or unusable key (`neutral`) becomes
 *   `permerror` (RFC 6376 §6.1.2, PERMFAIL).
 * - mailauth 4.9.5 passes `{ strict }` where its alignment helper expects a boolean, so strict
 *   alignment (`adkim=s`, `aspf=s`) is never enforced there. We take the record from mailauth
 *   and decide alignment and the DMARC result ourselves.
 * - ARC: mailauth calls every failure permanent. A chain whose sealer's key lookup failed
 *   temporarily is reported `temperror` here, so a failing resolver never counts against mail.
 *
 * @category models
 * @since 0.1.0
 */
import { getDomain } from "tldts"
import type { ArcFact, DkimFact, DkimResult, DmarcFact, DmarcPolicy, SpfFact, SpfResult } from "./AuthFacts.ts"

export interface MailauthSpf {
  readonly domain?: string
  readonly "envelope-from"?: string
  readonly status?: { readonly result?: string; readonly comment?: string }
}

export interface MailauthDkim {
  readonly signingDomain?: string
  readonly selector?: string
  readonly algo?: string
  readonly signature?: string
  readonly status?: { readonly result?: string; readonly comment?: string; readonly aligned?: string | false }
}

export interface MailauthDmarc {
  readonly status?: { readonly result?: string }
  readonly policy?: string
  readonly p?: string
  readonly sp?: string
  readonly pct?: number
  readonly rr?: string
  readonly error?: string
  readonly alignment?: { readonly spf?: { readonly strict?: boolean }; readonly dkim?: { readonly strict?: boolean } }
}

interface ArcSignature {
  readonly parsed?: { readonly d?: { readonly value?: string }; readonly s?: { readonly value?: string } }
}

interface ArcSealEntry {
  readonly "arc-seal"?: ArcSignature
  readonly "arc-message-signature"?: ArcSignature
}

export interface MailauthArc {
  readonly status?: { readonly result?: string; readonly comment?: string }
  readonly i?: number | false
  /** Not enumerable in mailauth's object, but readable. */
  readonly chain?: ReadonlyArray<ArcSealEntry> | false
}

export const orgDomain = (domain: string): string => {
  const d = domain.toLowerCase().replace(/\.$/, "")
  return getDomain(d, { allowPrivateDomains: true }) ?? d
}

/** RFC 7489 §3.1: strict = identical domains, relaxed = same organisational domain. */
export const aligns = (domain: string, fromDomain: string, strict: boolean): boolean => {
  const a = domain.toLowerCase().replace(/\.$/, "")
  const b = fromDomain.toLowerCase().replace(/\.$/, "")
  return strict ? a === b : orgDomain(a) === orgDomain(b)
}

const SPF_RESULTS: ReadonlySet<string> = new Set([
  "pass",
  "fail",
  "softfail",
  "neutral",
  "none",
  "temperror",
  "permerror"
])

/** `mta`: the host name mailauth puts in front of its SPF comments (dropped: the header names us already). */
export const spfFact = (
  scope: SpfFact["scope"],
  identity: string,
  r: MailauthSpf | false | undefined,
  mta: string
): SpfFact => {
  const result = r ? (r.status?.result ?? "none") : "none"
  const comment = r ? r.status?.comment : undefined
  return {
    scope,
    identity,
    domain: (r ? r.domain : undefined) ?? identity.slice(identity.lastIndexOf("@") + 1),
    result: (SPF_RESULTS.has(result) ? result : "temperror") as SpfResult,
    comment: comment?.startsWith(`${mta}: `) ? comment.slice(mta.length + 2) : comment
  }
}

const dkimResult = (result: string | undefined, comment: string | undefined): DkimResult => {
  switch (result) {
    case "pass":
    case "fail":
    case "policy":
    case "temperror":
      return result
    case "neutral":
      return comment === "body hash did not verify"
        ? "fail"
        : comment === "expired" || comment === "invalid expiration"
          ? "neutral"
          : "permerror"
    default:
      return "permerror"
  }
}

export const BODY_NOT_SCANNED = "body not verified: message larger than the scan view"

/**
 * Signatures only; mailauth's placeholder for an unsigned message is dropped. `truncated`: the
 * check saw only the start of the message, so a body hash mismatch proves nothing (`neutral`).
 */
export const dkimFacts = (
  results: ReadonlyArray<MailauthDkim>,
  fromDomain: string | undefined,
  truncated = false
): ReadonlyArray<DkimFact> =>
  results
    .filter((r) => r.signingDomain)
    .map((r) => {
      const bodyUnseen = truncated && r.status?.comment === "body hash did not verify"
      return {
        domain: r.signingDomain!.toLowerCase(),
        selector: r.selector ?? "",
        algorithm: r.algo ?? "",
        result: bodyUnseen ? "neutral" : dkimResult(r.status?.result, r.status?.comment),
        comment: bodyUnseen ? BODY_NOT_SCANNED : r.status?.comment,
        signature: (r.signature ?? "").slice(0, 8),
        aligned: fromDomain !== undefined && aligns(r.signingDomain!, fromDomain, false)
      }
    })

const policyOf = (v: string | undefined): DmarcPolicy | undefined => {
  const p = v?.trim().toLowerCase()
  return p === "none" || p === "quarantine" || p === "reject" ? p : undefined
}

const weaker = (p: DmarcPolicy): DmarcPolicy => (p === "reject" ? "quarantine" : "none")

export interface DmarcInput {
  readonly fromDomain: string
  readonly spf: SpfFact
  readonly dkim: ReadonlyArray<DkimFact>
  /** 0..99, stable per message: the message is inside the `pct` sample when below it (asked only for a record). */
  readonly sampleBucket: () => number
}

/** What a DMARC fact has beyond its result, its From domain and its alignment. */
interface DmarcRest {
  readonly p?: DmarcPolicy | undefined
  readonly sp?: DmarcPolicy | undefined
  readonly policy?: DmarcPolicy | undefined
  readonly pct?: number
  readonly sampled?: boolean
  readonly applied?: DmarcPolicy
  readonly record?: string | undefined
  readonly comment?: string | undefined
}

/**
 * A DMARC fact with every field present, always in one order (the order the facts were written in
 * before): one hidden class for every result. Built by spreading a base and adding the result's
 * own fields, each one had a hidden class of its own on Node 20 (two per new sender in the
 * harness's replay run: bench/map-sites.mjs).
 */
const dmarcOf = (
  fromDomain: string,
  result: DmarcFact["result"],
  alignment: DmarcFact["alignment"],
  rest: DmarcRest
): DmarcFact => ({
  fromDomain,
  pct: rest.pct ?? 100,
  applied: rest.applied ?? "none",
  sampled: rest.sampled ?? true,
  alignment,
  result,
  p: rest.p,
  sp: rest.sp,
  policy: rest.policy,
  record: rest.record,
  comment: rest.comment
})

export const dmarcFact = (found: MailauthDmarc | false | undefined, input: DmarcInput): DmarcFact => {
  const r = found || undefined
  const status = r?.status?.result
  const strictSpf = r?.alignment?.spf?.strict === true
  const strictDkim = r?.alignment?.dkim?.strict === true
  const fromDomain = input.fromDomain
  const unaligned = { spf: { strict: strictSpf }, dkim: { strict: strictDkim } }
  if (!r || status === "none" || status === undefined) return dmarcOf(fromDomain, "none", unaligned, {})
  if (status === "temperror") return dmarcOf(fromDomain, "temperror", unaligned, { comment: r.error })
  const policy = policyOf(r.policy)
  const p = policyOf(r.p)
  if (policy === undefined || p === undefined)
    return dmarcOf(fromDomain, "permerror", unaligned, { record: r.rr, comment: "no valid p= in the record" })
  const spfDomain =
    input.spf.result === "pass" && aligns(input.spf.domain, input.fromDomain, strictSpf) ? input.spf.domain : undefined
  const dkimDomain = input.dkim.find(
    (d) => d.result === "pass" && aligns(d.domain, input.fromDomain, strictDkim)
  )?.domain
  const pct = Math.max(0, Math.min(100, typeof r.pct === "number" && Number.isFinite(r.pct) ? r.pct : 100))
  const pass = spfDomain !== undefined || dkimDomain !== undefined
  // An aligned signature we could not verify (body beyond the scan view) might have passed.
  if (
    !pass &&
    input.dkim.some((d) => d.comment === BODY_NOT_SCANNED && aligns(d.domain, input.fromDomain, strictDkim))
  ) {
    return dmarcOf(fromDomain, "temperror", unaligned, {
      p,
      sp: policyOf(r.sp) ?? p,
      policy,
      pct,
      record: r.rr,
      comment: "aligned DKIM signature not verifiable: message larger than the scan view"
    })
  }
  // The bucket (a hash of the whole message) decides only a pct strictly between 0 and 100: the
  // facts of the usual pct=100 do not depend on the message's bytes, and cost no hash.
  const sampled = pct >= 100 ? true : pct <= 0 ? false : input.sampleBucket() < pct
  return dmarcOf(
    fromDomain,
    pass ? "pass" : "fail",
    { spf: { domain: spfDomain, strict: strictSpf }, dkim: { domain: dkimDomain, strict: strictDkim } },
    {
      p,
      sp: policyOf(r.sp) ?? p,
      policy,
      pct,
      sampled,
      applied: pass ? "none" : sampled ? policy : weaker(policy),
      record: r.rr
    }
  )
}

/** `temporaryFailures`: names whose lookups failed temporarily during this check. */
export const arcFact = (r: MailauthArc | false | undefined, temporaryFailures: ReadonlySet<string>): ArcFact => {
  if (!r) return { result: "none", instance: 0 }
  const chain = r.chain || []
  const last = chain[chain.length - 1]?.["arc-seal"]?.parsed
  const sealer = last?.d?.value?.toLowerCase()
  const instance = typeof r.i === "number" ? r.i : chain.length
  const result = r.status?.result
  if (result === "pass") return { result: "pass", instance, sealer, comment: r.status?.comment }
  if (result !== "fail") return { result: "none", instance: 0 }
  const keyNames = chain.flatMap((e) =>
    [e["arc-seal"]?.parsed, e["arc-message-signature"]?.parsed].flatMap((p) =>
      p?.d?.value && p.s?.value ? [`${p.s.value}._domainkey.${p.d.value}`.toLowerCase()] : []
    )
  )
  const temporary = keyNames.some((n) => temporaryFailures.has(n))
  return {
    result: temporary ? "temperror" : "fail",
    instance,
    sealer,
    comment: temporary ? "sealer key lookup failed temporarily" : r.status?.comment
  }
}
