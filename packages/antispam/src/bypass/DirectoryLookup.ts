/**
 * What the recipient directory says for one recipient, resolved once per load: the entry of
 * the address itself merged with the entry of its domain (`@example.org`).
 *
 * | key | address entry sets it | only the domain entry sets it | neither |
 * | --- | --- | --- | --- |
 * | `bypassAntispam` | the address's | the domain's | false |
 * | `onSpam`, `spamScore`, `subjectPrefix` | the address's | the domain's | the gateway's (`antispam.onSpam`, `antispam.spamScore`) |
 * | `safeSenders` | the address's and the domain's, merged | the domain's | none |
 *
 * Safe senders are merged, not replaced: a domain's list is its organisation's partners, and a
 * user who adds one safe sender of their own (the admin API writes address entries) must not
 * lose them. A domain entry covers that exact domain, not its subdomains.
 *
 * Looking up is one or two map reads; `policyOf` answers at once when no entry has a policy
 * key, so a directory without policies costs the engine nothing per message.
 *
 * @category models
 * @since 0.1.0
 */
import type { Engine, Policy } from "@mailmoat/core"

/** An entry as written under `recipients:` (an address or `@domain`). */
export interface DirectoryEntry {
  readonly bypassAntispam?: boolean | undefined
  /** Lower-case addresses and domains. */
  readonly safeSenders: ReadonlyArray<string>
  readonly onSpam?: Policy.OnSpam | undefined
  readonly spamScore?: number | undefined
  readonly subjectPrefix?: string | undefined
}

/** What applies to one recipient. */
export interface RecipientEntry {
  readonly bypassAntispam: boolean
  /** Lower-case addresses and domains. */
  readonly safeSenders: ReadonlyArray<string>
  /** The recipient's own cut-off and action; none: the gateway's. */
  readonly policy?: Engine.RecipientPolicy | undefined
}

export interface Lookup {
  readonly get: (recipient: string) => RecipientEntry | undefined
  readonly policyOf: (recipient: string) => Engine.RecipientPolicy | undefined
  /** Entries as written (addresses and domains). */
  readonly size: number
}

/** The `@domain` key of a lower-case address, or undefined when it has no domain. */
const domainKey = (address: string): string | undefined => {
  const at = address.lastIndexOf("@")
  return at > 0 && at < address.length - 1 ? address.slice(at) : undefined
}

const policyKeys = ["onSpam", "spamScore", "subjectPrefix"] as const

const hasPolicy = (e: DirectoryEntry | undefined): boolean =>
  e !== undefined && policyKeys.some((k) => e[k] !== undefined)

const policyOf = (
  key: string,
  own: DirectoryEntry,
  domain: string | undefined,
  of: DirectoryEntry | undefined
): Engine.RecipientPolicy | undefined => {
  if (!hasPolicy(own) && !hasPolicy(of)) return undefined
  const fromDomain = of !== undefined && policyKeys.some((k) => own[k] === undefined && of[k] !== undefined)
  const sources = [...(hasPolicy(own) ? [key] : []), ...(fromDomain && domain !== undefined ? [domain] : [])]
  return {
    source: `directory: ${sources.join(" + ")}`,
    onSpam: own.onSpam ?? of?.onSpam,
    spamScore: own.spamScore ?? of?.spamScore,
    subjectPrefix: own.subjectPrefix ?? of?.subjectPrefix
  }
}

const resolve = (key: string, own: DirectoryEntry, entries: ReadonlyMap<string, DirectoryEntry>): RecipientEntry => {
  const domain = key.startsWith("@") ? undefined : domainKey(key)
  const of = domain === undefined ? undefined : entries.get(domain)
  const safeSenders = of === undefined ? own.safeSenders : [...new Set([...own.safeSenders, ...of.safeSenders])]
  const policy = policyOf(key, own, domain, of)
  return {
    bypassAntispam: own.bypassAntispam ?? of?.bypassAntispam ?? false,
    safeSenders,
    ...(policy === undefined ? {} : { policy })
  }
}

const normal = (recipient: string) => recipient.trim().toLowerCase()

/** Resolves every entry now; lookups then read maps only. */
export const make = (entries: ReadonlyMap<string, DirectoryEntry>): Lookup => {
  const resolved = new Map<string, RecipientEntry>()
  for (const [key, entry] of entries) resolved.set(key, resolve(key, entry, entries))
  const get = (recipient: string): RecipientEntry | undefined => {
    const key = normal(recipient)
    const hit = resolved.get(key)
    if (hit !== undefined || key.startsWith("@")) return hit
    const domain = domainKey(key)
    return domain === undefined ? undefined : resolved.get(domain)
  }
  const anyPolicy = [...resolved.values()].some((e) => e.policy !== undefined)
  return {
    get,
    policyOf: anyPolicy ? (recipient) => get(recipient)?.policy : () => undefined,
    size: entries.size
  }
}
