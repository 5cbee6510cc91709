/**
 * What sender authentication found for one message: SPF for the MAIL FROM and the HELO
 * identities (RFC 7208), every DKIM signature (RFC 6376), the DMARC evaluation of the From
 * domain (RFC 7489) and the ARC chain (RFC 8617). Plain data: the stage records it once per
 * message, and later stages, the safe-sender check, the `Authentication-Results` header and
 * `mailmoat scan` read it.
 *
 * Result words are the RFC 8601 ones, so they go into the header unchanged.
 *
 * @category models
 * @since 0.1.0
 */

export type SpfResult = "pass" | "fail" | "softfail" | "neutral" | "none" | "temperror" | "permerror"

export interface SpfFact {
  /** Which identity was checked: the MAIL FROM address, or `postmaster@` the HELO name. */
  readonly scope: "mailfrom" | "helo"
  /** The checked identity (address for mailfrom, name for helo). */
  readonly identity: string
  /** The domain whose SPF record was evaluated. */
  readonly domain: string
  readonly result: SpfResult
  readonly comment?: string | undefined
}

/** RFC 8601 §2.7.1; a body hash mismatch is `fail`, a missing or unusable key `permerror`. */
export type DkimResult = "pass" | "fail" | "neutral" | "policy" | "temperror" | "permerror"

export interface DkimFact {
  /** The `d=` of the signature. */
  readonly domain: string
  readonly selector: string
  readonly algorithm: string
  readonly result: DkimResult
  readonly comment?: string | undefined
  /** The first 8 characters of `b=` (RFC 6008), to tell signatures of one domain apart. */
  readonly signature: string
  /** Same organisational domain as the From domain (relaxed alignment). */
  readonly aligned: boolean
}

export type DmarcResult = "pass" | "fail" | "none" | "temperror" | "permerror"
export type DmarcPolicy = "none" | "quarantine" | "reject"

export interface DmarcFact {
  readonly result: DmarcResult
  /** The RFC5322.From domain. */
  readonly fromDomain: string
  /** Published `p=` and `sp=` (sp defaults to p), when a record was found. */
  readonly p?: DmarcPolicy | undefined
  readonly sp?: DmarcPolicy | undefined
  /** The published policy that applies to this From domain (`sp` for a subdomain of the record's domain). */
  readonly policy?: DmarcPolicy | undefined
  /** `pct=` (default 100). */
  readonly pct: number
  /**
   * The policy to apply after `pct` sampling (RFC 7489 §6.6.4): the published one when the
   * message falls inside the sample, else the next weaker one. `none` when DMARC passed.
   */
  readonly applied: DmarcPolicy
  readonly sampled: boolean
  readonly alignment: {
    /** The aligned SPF-passing domain, and whether alignment is strict (`aspf=s`). */
    readonly spf: { readonly domain?: string | undefined; readonly strict: boolean }
    readonly dkim: { readonly domain?: string | undefined; readonly strict: boolean }
  }
  readonly record?: string | undefined
  readonly comment?: string | undefined
}

export type ArcResult = "pass" | "fail" | "none" | "temperror"

export interface ArcFact {
  readonly result: ArcResult
  /** Highest instance (`i=`) of the chain; 0 when there is none. */
  readonly instance: number
  /** `d=` of the latest ARC-Seal: the last intermediary that vouches for the chain. */
  readonly sealer?: string | undefined
  readonly comment?: string | undefined
}

export interface AuthFacts {
  /** The single From address's domain; undefined when From has no or several addresses. */
  readonly fromDomain?: string | undefined
  /** The IP the SPF checks used (the sender hop of the Received chain). */
  readonly clientIp: string
  readonly spf: { readonly mailFrom: SpfFact; readonly helo?: SpfFact | undefined }
  readonly dkim: ReadonlyArray<DkimFact>
  /** Undefined when there is no single From domain to evaluate. */
  readonly dmarc?: DmarcFact | undefined
  readonly arc: ArcFact
  /** DNS lookups made, and whether the whole check hit its deadline. */
  readonly lookups: number
  readonly timedOut: boolean
}
