/**
 * Is the From domain authenticated? Aligned SPF or aligned DKIM (relaxed alignment: same
 * organisational domain by the public suffix list), checked with `mailauth` 4.9.5 (the last
 * line that supports Node 20; 5.x needs Node 22.19) through our own `Dns`, so lookups share the
 * resolver, its servers and its cache.
 *
 * We call mailauth's `authenticate` with ARC, BIMI and DMARC off and compute alignment
 * ourselves: mailauth only reports alignment when the domain publishes a DMARC record, and a
 * safe sender needs alignment whether or not it does.
 *
 * **Gotchas**
 * - Our Dns serves A, AAAA, TXT and PTR. SPF `mx` mechanisms (MX lookups) are answered
 *   "not found", so they never match: a safe sender that relies on them is not applied
 *   (fails safe).
 * - DKIM needs the whole message; with a truncated scan view the body hash fails and only SPF
 *   can authenticate.
 *
 * @category services
 * @since 0.1.0
 */
import { type DnsShape, type FactKey, Facts } from "@mailmoat/core"
import { Effect } from "effect"
import { createRequire } from "node:module"
import { getDomain } from "tldts"

// mailauth 4.x is CommonJS and ships no types: load it with require and type what we use.
const { authenticate } = createRequire(import.meta.url)("mailauth") as {
  readonly authenticate: (input: Uint8Array, options: Readonly<Record<string, unknown>>) => Promise<unknown>
}

export interface AuthResult {
  readonly authenticated: boolean
  readonly fromDomain?: string | undefined
  /** e.g. "spf=pass (example.net) aligned", "dkim=pass d=example.net aligned". */
  readonly detail: string
}

/** The From-domain authentication of this message, checked at most once. */
export const Authentication: FactKey<AuthResult> = Facts.key<AuthResult>("sender.authentication")

export interface AuthInput {
  readonly message: Uint8Array
  readonly ip: string
  readonly helo: string
  readonly mailFrom: string
}

const orgDomain = (d: string) => getDomain(d.toLowerCase(), { allowPrivateDomains: true }) ?? d.toLowerCase()
export const aligned = (a: string, b: string) => orgDomain(a) === orgDomain(b)

/** A `dns.resolve`-compatible resolver over our Dns (errors carry Node's codes). */
const resolverFor =
  (dns: DnsShape, timeoutMillis: number) =>
  async (name: string, type = "A"): Promise<unknown> => {
    const t = type.toUpperCase()
    if (t !== "A" && t !== "AAAA" && t !== "TXT" && t !== "PTR") throw Object.assign(new Error(`${t} not supported`), { code: "ENOTFOUND" })
    const result = await Effect.runPromise(Effect.result(dns.resolve(t, name, { timeoutMillis })))
    if (result._tag === "Failure") {
      const code = { NotFound: "ENOTFOUND", Timeout: "ETIMEOUT", ServerFailure: "ESERVFAIL", Refused: "EREFUSED", BadName: "EBADNAME", Other: "EOTHER" }[result.failure.reason]
      throw Object.assign(new Error(`${t} ${name}: ${result.failure.reason}`), { code })
    }
    return t === "TXT" ? result.success.records.map((r) => [r]) : [...result.success.records]
  }

export const check = (dns: DnsShape, input: AuthInput, timeoutMillis = 5000): Effect.Effect<AuthResult> =>
  Effect.tryPromise(async () => {
    const res = (await authenticate(Buffer.from(input.message), {
      ip: input.ip,
      helo: input.helo || input.ip,
      sender: input.mailFrom,
      mta: "mailmoat",
      resolver: resolverFor(dns, timeoutMillis),
      disableArc: true,
      disableBimi: true,
      disableDmarc: true
    })) as MailauthResult
    const from = res.dkim?.headerFrom?.[0]
    const fromDomain = from?.includes("@") ? from.slice(from.lastIndexOf("@") + 1).toLowerCase() : undefined
    if (fromDomain === undefined) return { authenticated: false, detail: "no single From address" }
    const spf = res.spf || undefined
    const spfDomain = spf?.domain
    const spfResult = spf?.status?.result ?? "none"
    if (spfResult === "pass" && spfDomain && aligned(spfDomain, fromDomain)) {
      return { authenticated: true, fromDomain, detail: `spf=pass (${spfDomain}) aligned with ${fromDomain}` }
    }
    const dkim = (res.dkim?.results ?? []).find((r) => r.status?.result === "pass" && r.signingDomain && aligned(r.signingDomain, fromDomain))
    if (dkim) return { authenticated: true, fromDomain, detail: `dkim=pass d=${dkim.signingDomain} aligned with ${fromDomain}` }
    return { authenticated: false, fromDomain, detail: `spf=${spfResult}${spfDomain ? ` (${spfDomain})` : ""}, no aligned dkim=pass` }
  }).pipe(Effect.catch((e) => Effect.succeed({ authenticated: false, detail: `authentication check failed: ${String(e).slice(0, 120)}` })))

interface MailauthResult {
  readonly dkim?: { readonly headerFrom?: ReadonlyArray<string>; readonly results?: ReadonlyArray<{ readonly signingDomain?: string; readonly status?: { readonly result?: string } }> }
  readonly spf?: { readonly domain?: string; readonly status?: { readonly result?: string } } | false
}
