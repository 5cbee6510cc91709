/**
 * SPF and DMARC-record checks whose first DNS answer decides them, answered without running
 * mailauth: the result mailauth 4.9.5 would give, in the fields we read (`FromMailauth.ts`).
 *
 * mailauth's SPF check asks the sender domain's TXT records first. When that question fails
 * (refused, timed out, a server failure) the result is `temperror`, and when the name does not
 * exist it is `none`: nothing else the check would do changes that, but mailauth still builds its
 * header texts, its comment escaping and a chain of `async` frames for it (~45 µs on a warm
 * process, `docs/performance.md`, "New senders, 2026-12-05 morning"). The DMARC check asks
 * `_dmarc.<From domain>` first; a failure other than "no such name" is its `temperror`. New
 * senders whose names the resolver refuses or does not know take this path on every message.
 *
 * Every other case (an answer with records, a DMARC name that does not exist and so sends the
 * check on to the organisational domain, an input mailauth would treat differently: a domain
 * outside plain LDH names, a non-IP client address) runs mailauth, which is told the first
 * answer again instead of asking a second time: the questions asked are the same either way.
 *
 * **Gotchas**
 * - The results carry only what `FromMailauth.ts` reads (domain, envelope-from, status, error);
 *   mailauth's `header`, `info` and `lookups` are not built. The test compares them field by
 *   field with mailauth's own, over generated inputs and answers.
 * - The conditions copy mailauth 4.9.5's code paths (`lib/spf/index.js`, `lib/spf/spf-verify.js`,
 *   `lib/dmarc/verify.js`, `lib/dmarc/get-dmarc-record.js`); a mailauth upgrade must re-run that
 *   test.
 *
 * @category services
 * @since 0.1.0
 */
import { isIP } from "node:net"
import type { MailauthDmarc, MailauthSpf } from "./FromMailauth.ts"
import type * as Mailauth from "./Mailauth.ts"

type Resolve = (name: string, type?: string) => Promise<unknown>

/** The first question's outcome, kept to be told again. */
type Outcome = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly error: unknown }

/**
 * `decide` with the first question's outcome: one promise (no `async` frame around the check,
 * no promise for the outcome itself).
 */
const afterFirst = <A>(first: Promise<unknown>, decide: (first: Outcome) => A | Promise<A>): Promise<A> =>
  first.then(
    (value) => decide({ ok: true, value }),
    (error: unknown) => decide({ ok: false, error })
  )

/** `resolve`, its first question (`name`, `type`) told `first` instead of asked again. */
const toldFirst = (resolve: Resolve, name: string, type: string, first: Outcome): Resolve => {
  let pending = true
  return (n, t) => {
    if (pending && n === name && t === type) {
      pending = false
      return first.ok ? Promise.resolve(first.value) : Promise.reject(first.error)
    }
    return resolve(n, t)
  }
}

/** The error code of a failed question, when it is an Error with a string code. */
const codeOf = (error: unknown): string | undefined => {
  if (!(error instanceof Error)) return undefined
  const code = (error as Error & { code?: unknown }).code
  return typeof code === "string" ? code : undefined
}

/**
 * Names that mailauth's domain schema (joi, `domain({ allowUnicode: false, tlds: false })`), its
 * resolver's name check and punycode all take as they are: LDH labels of 1-63 characters, at
 * least two, a top label starting with a letter and not ending with a hyphen.
 */
const PLAIN_DOMAIN = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z](?:[a-z0-9-]{0,61}[a-z0-9])?$/

const MAPPED = /^[:A-F]+:((\d+\.){3}\d+)$/i

export interface SpfOptions {
  readonly ip: string
  readonly mta: string
  readonly helo: string
  readonly sender: string
  readonly resolver: Resolve
}

/** A throw as a rejection, as from an `async` check. */
const rejecting =
  <I, A>(check: (mailauth: Mailauth.Mailauth, options: I) => Promise<A>) =>
  (mailauth: Mailauth.Mailauth, options: I): Promise<A> => {
    try {
      return check(mailauth, options)
    } catch (error) {
      return Promise.reject(error)
    }
  }

/** The results `spf` decided from the first answer alone. */
const decidedFirst = new WeakSet<object>()

/**
 * Whether `spf` decided `result` from its first answer, without mailauth: then nothing in it
 * that `FromMailauth.spfFact` reads depends on the client IP (only `client-ip` names it), and
 * the same first answer decides the check the same way for any IP that `ipDecides`.
 */
export const decidedByFirst = (result: unknown): boolean =>
  typeof result === "object" && result !== null && decidedFirst.has(result)

/** mailauth's SPF check maps an IPv4-mapped IPv6 address to the IPv4 one. */
const ipOf = (ip: string): string => {
  const mapped = MAPPED.exec(ip)
  return mapped ? mapped[1]! : ip
}

/** Whether `spf` may decide a check for `ip` from its first answer (other inputs permitting). */
export const ipDecides = (ip: string): boolean => isIP(ipOf(ip)) !== 0

/** What `mailauth.spf(options)` gives, in the fields we read. */
export const spf = rejecting((mailauth, options: SpfOptions): Promise<MailauthSpf> => {
  const { mta, helo, resolver } = options
  let sender = options.sender || `postmaster@${helo}`
  const ip = ipOf(options.ip)
  const at = sender.indexOf("@")
  if (at < 0) sender = `postmaster@${sender}`
  else if (at === 0) sender = `postmaster${sender}`
  // What follows the last "@" (mailauth: `sender.split("@").pop()`).
  const domain = sender
    .slice(sender.lastIndexOf("@") + 1)
    .toLowerCase()
    .trim()
  if (!mta || !isIP(ip) || !PLAIN_DOMAIN.test(domain)) return mailauth.spf({ ...options })
  return afterFirst(resolver(domain, "TXT"), (first): MailauthSpf | Promise<MailauthSpf> => {
    const code = first.ok ? undefined : codeOf(first.error)
    if (code === undefined) return mailauth.spf({ ...options, resolver: toldFirst(resolver, domain, "TXT", first) })
    const text =
      code === "EREFUSED"
        ? `DNS request refused by server when resolving ${domain}`
        : code === "ETIMEOUT"
          ? "DNS timeout"
          : (first as { error: Error }).error.message
    const none = code === "ENOTFOUND" || code === "ENODATA"
    const result = {
      domain,
      "client-ip": ip,
      ...(helo ? { helo } : {}),
      "envelope-from": sender,
      status: none
        ? { result: "none", comment: `${mta}: ${domain} does not designate permitted sender hosts` }
        : {
            result: "temperror",
            comment: `${mta}: error in processing during lookup of ${sender}${text ? `: ${text}` : ""}`
          }
    } as MailauthSpf
    decidedFirst.add(result)
    return result
  })
})

const isAscii = (s: string): boolean => {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7f) return false
  return true
}

export interface DmarcOptions {
  /** The From addresses; mailauth checks only a single one. */
  readonly headerFrom: ReadonlyArray<string>
  readonly resolver: Resolve
}

const HOST_NAME = /^[a-z0-9_-]+(\.[a-z0-9_-]+)*\.?$/

/** What `mailauth.dmarc` gives (no SPF or DKIM domains: only the record is read), in the fields we read. */
export const dmarc = rejecting((mailauth, options: DmarcOptions): Promise<MailauthDmarc | false> => {
  const full = (resolver: Resolve) =>
    mailauth.dmarc({ headerFrom: [...options.headerFrom], spfDomains: [], dkimDomains: [], resolver })
  if (options.headerFrom.length !== 1) return full(options.resolver)
  const from = options.headerFrom[0]!
  const at = from.indexOf("@")
  const domain = (at >= 0 ? from.slice(at + 1) : from).toLowerCase().trim()
  // punycode leaves ASCII as it is; other names run mailauth. So does anything that is no host
  // name ("a@@@", brackets, spaces): mailauth reads such an address its own way, and the first
  // question must be the one it would ask.
  if (!isAscii(domain) || !HOST_NAME.test(domain)) return full(options.resolver)
  const name = `_dmarc.${domain}`
  return afterFirst(options.resolver(name, "TXT"), (first): MailauthDmarc | false | Promise<MailauthDmarc | false> => {
    const code = first.ok ? undefined : codeOf(first.error)
    if (code === undefined || code === "ENOTFOUND" || code === "ENODATA")
      return full(toldFirst(options.resolver, name, "TXT", first))
    return { status: { result: "temperror" }, error: (first as { error: Error }).error.message }
  })
})
