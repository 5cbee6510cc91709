/**
 * `received_provider_host_forged`: at the origin of the mail (the oldest Received hop that recorded
 * a public address) the client greeted as a host of a big web-mail provider
 * (`smtp0482.mail.yahoo.com`, `rsxim.msn.com`), while the receiving server found that address's
 * reverse DNS name in another domain (`cust-216-152-232-85.nas.vdot.net`) and is no host of the
 * provider itself. A provider's relays greet under names whose reverse DNS is the provider's; a
 * bulk tool borrows a relay's name to look like one (docs/classifier.md, round 40). Counted on the
 * training corpus (train/ and eval/, 4,150 ham and 1,896 spam): no ham, 95 spam, 10 of them missed
 * by the shipped model with none of their words known.
 *
 * `received_forged_helo` reads the provider's bare domain as HELO (`HELO yahoo.com`); this reads a
 * host under it, which that feature leaves alone. A user's client that greets the provider's own
 * submission server as the provider (`HELO yahoo.co.uk` to `smtp.mail.yahoo.com`) is not marked:
 * the receiver is the provider's. Nor is a reverse DNS name that is no domain name (`unknown`,
 * a Windows host's bare name), which says nothing about whose address it was.
 *
 * @category constructors
 * @since 0.5.0
 */
import type { ReceivedHop } from "@mailmoat/core"
import { registrableDomain } from "./Domains.ts"
import { originHop } from "./OriginHop.ts"

/**
 * Providers by the first label of their registrable domains, one family per provider: a relay of
 * the family may carry any of its labels in its names (Hotmail's leave through `msn.com`, Gmail's
 * reverse names are `google.com` or `1e100.net`), and country domains count as their provider.
 */
const PROVIDERS: ReadonlyArray<ReadonlyArray<string>> = [
  ["hotmail", "msn", "live", "outlook", "passport"],
  ["yahoo", "ymail", "rocketmail", "yahoodns"],
  ["aol", "aim", "netscape"],
  ["gmail", "googlemail", "google", "1e100"],
  ["excite"],
  ["lycos"],
  ["juno", "netzero", "untd"]
]
const PROVIDER = new Map<string, number>(PROVIDERS.flatMap((labels, i) => labels.map((l) => [l, i] as const)))
/**
 * Any provider's label anywhere in a name: a HELO without one cannot be a provider's host, and
 * most mail has none, so the origin hop is looked for only when some hop's HELO has one.
 */
const ANY_LABEL = new RegExp(PROVIDERS.flat().join("|"), "i")
/** A domain name: two or more labels, the last of letters. */
const DOMAIN_NAME = /^[a-z0-9-]{1,63}(?:\.[a-z0-9-]{1,63})*\.[a-z]{2,24}$/

const lower = (name: string | undefined): string => (name === undefined ? "" : String(name).toLowerCase().slice(0, 255))

/** The provider family (its index) of `host`'s registrable domain, or -1. */
const providerOf = (host: string): number => {
  const domain = host === "" ? null : registrableDomain(host)
  if (domain === null) return -1
  return PROVIDER.get(domain.slice(0, domain.indexOf("."))) ?? -1
}

/** Whether the origin hop's HELO is a provider's host that neither its reverse DNS name nor its receiver belongs to. */
export const providerHostForged = (received: ReadonlyArray<ReceivedHop>): boolean => {
  if (!received.some((hop) => hop.helo !== undefined && ANY_LABEL.test(String(hop.helo).slice(0, 255)))) return false
  const origin = originHop(received)
  if (origin === undefined) return false
  const helo = lower(origin.hop.helo)
  if (!DOMAIN_NAME.test(helo)) return false
  const provider = providerOf(helo)
  // The bare domain is received_forged_helo's; a host under it is this one's.
  if (provider < 0 || registrableDomain(helo) === helo) return false
  const rdns = lower(origin.hop.rdns)
  if (!DOMAIN_NAME.test(rdns) || providerOf(rdns) === provider) return false
  return providerOf(lower(origin.hop.by)) !== provider
}
