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
 * Keys and recipients are compared in one spelling (`canonical`), so a sender cannot step around
 * an address's entry by writing the same mailbox differently: case, a quoted local part that
 * needs no quotes (`"ceo"@`, `"c\eo"@`: RFC 5321 §4.1.2 makes them `ceo@`), an IDN domain in
 * U-labels or A-labels, a final dot. A sub-address (`ceo+tag@`) without an entry of its own takes
 * the entry of its address (`ceo@`), as the mail server delivering it does, before the domain's;
 * the delimiters are the configured ones (`antispam.recipientDelimiter`, `SubAddress.ts`).
 *
 * Looking up is one or two map reads; `policyOf` answers at once when no entry has a policy
 * key, so a directory without policies costs the engine nothing per message.
 *
 * @category models
 * @since 0.1.0
 */
import type { Engine, Policy } from "@mailmoat/core"
import * as SubAddress from "./SubAddress.ts"

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

const DOT_ATOM =
  /^[a-z0-9!#$%&'*+\-/=?^_`{|}~\u0080-\u{10ffff}]+(?:\.[a-z0-9!#$%&'*+\-/=?^_`{|}~\u0080-\u{10ffff}]+)*$/u

/** A quoted local part as its dot-atom when it has one (`"c\\eo"` is `ceo`), else re-quoted minimally. */
const localPart = (local: string): string => {
  if (local.length < 2 || !local.startsWith('"') || !local.endsWith('"')) return local
  const text = local.slice(1, -1).replace(/\\(.)/gs, "$1")
  return DOT_ATOM.test(text) ? text : `"${text.replace(/["\\]/g, "\\$&")}"`
}

/** A domain in A-labels (what a non-SMTPUTF8 client sends for an IDN), lower-case, without a final dot. */
const domainPart = (domain: string): string => {
  const d = domain.replace(/\.+$/, "")
  if (/^[\x00-\x7f]*$/.test(d) || /[\s/\\?#@:%[\]]/.test(d)) return d
  try {
    // The WHATWG URL host parser is UTS #46 (IDNA) on every runtime we support.
    const host = new URL(`http://${d}/`).hostname.replace(/\.+$/, "")
    return host === "" ? d : host
  } catch {
    return d
  }
}

/**
 * The spelling of an address (or `@domain` key) that every spelling of its mailbox shares:
 * lower-case, its local part unquoted when it needs no quotes, its domain in A-labels without a
 * final dot. Directory keys and looked-up recipients both go through it.
 */
export const canonical = (address: string): string => {
  const a = address.trim().toLowerCase()
  const at = a.lastIndexOf("@")
  if (at < 0) return a
  return `${localPart(a.slice(0, at))}@${domainPart(a.slice(at + 1))}`
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

/**
 * Resolves every entry now; lookups then read maps only. `delimiters`: the sub-address
 * delimiters (`antispam.recipientDelimiter`; `SubAddress.ts`), empty for none.
 */
export const make = (entries: ReadonlyMap<string, DirectoryEntry>, delimiters: string): Lookup => {
  const resolved = new Map<string, RecipientEntry>()
  for (const [key, entry] of entries) resolved.set(key, resolve(key, entry, entries))
  const get = (recipient: string): RecipientEntry | undefined => {
    const key = canonical(recipient)
    const hit = resolved.get(key)
    if (hit !== undefined || key.startsWith("@")) return hit
    const base = SubAddress.base(key, delimiters)
    const own = base === undefined ? undefined : resolved.get(base)
    if (own !== undefined) return own
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
