/**
 * Web-mail claims the Received chain does not back: a From address or Message-ID on a web-mail
 * provider's domain (`x@hotmail.com`, `<...@yahoo.com>`) in a message whose Received hops never
 * name that provider. Mail written at a web-mail provider leaves through the provider's own
 * relays, which stamp the chain; a bot that only writes the provider's name into From and
 * Message-ID cannot add them (SpamAssassin's FORGED_HOTMAIL_RCVD and FORGED_YAHOO_RCVD rules).
 * The fact is about how the message travelled, not its words, so it means the same in any
 * decade and language.
 *
 * Only providers whose users send through the provider are listed: not mailbox services that
 * people routinely send through their own relays (GMX, mail.com, usa.net forwarding addresses
 * all did in the training mail). A message with no Received hop at all shows no chain to
 * compare with and is left alone.
 *
 * @category constructors
 * @since 0.4.0
 */
import type { Headers, ReceivedHop } from "@mailmoat/core"
import { registrableDomain } from "./Domains.ts"

/**
 * Web-mail providers by the first label of their registrable domains: a claim of any label of a
 * family is backed by a hop on any label of the same family (Hotmail mail leaves through
 * `msn.com` relays, AOL's through `aol.com` for Netscape addresses, Gmail's through `google.com`),
 * and country domains (`yahoo.co.uk`, `hotmail.fr`) count as their provider.
 */
const FAMILIES: ReadonlyArray<ReadonlyArray<string>> = [
  ["hotmail", "msn", "live", "outlook", "passport"],
  ["yahoo", "ymail", "rocketmail", "yahoodns"],
  ["aol", "aim", "netscape"],
  ["gmail", "googlemail", "google"],
  ["excite"],
  ["lycos"],
  ["juno", "netzero", "untd"]
]
const FAMILY = new Map<string, ReadonlyArray<string>>(FAMILIES.flatMap((f) => f.map((label) => [label, f] as const)))

const MAX_HOPS = 30
const ADDRESS_HOST = /@([^\s<>,;:"()[\]@]{1,255})/
const MESSAGE_ID_HOST = /@([^<>\s@]{1,255})>\s*$/

/** First label of the registrable domain of `host`, or undefined. */
const providerLabel = (host: string): string | undefined => {
  const domain = registrableDomain(
    host
      .toLowerCase()
      .replace(/^\[|\]$/g, "")
      .replace(/[>.]+$/, "")
  )
  return domain ? domain.slice(0, domain.indexOf(".")) : undefined
}

/**
 * The provider family a host claims, when the host is the provider's own domain: a mailbox is
 * `x@hotmail.com`, while a subdomain (`groups.msn.com`, `mail.yahoo.net`) is a service or a
 * relay, not a web-mail address.
 */
const claimedFamily = (host: string | undefined): ReadonlyArray<string> | undefined => {
  if (host === undefined) return undefined
  const h = host.toLowerCase().replace(/[>.]+$/, "")
  // The provider's label first: most hosts name none, and then the public-suffix lookup is not asked.
  const family = FAMILY.get(h.slice(0, h.indexOf(".")))
  return family !== undefined && registrableDomain(h) === h ? family : undefined
}

/**
 * True when From or Message-ID names a web-mail provider that no Received hop names. Not when
 * the chain starts with a local submission (the oldest hop records no IP): the message was
 * written on a host of the chain, by a web application ("send this story to a friend" forms
 * put the reader's own address in From) or a news gateway, whose host the chain names.
 */
export const webMailUnrelayed = (headers: Headers, received: ReadonlyArray<ReceivedHop>): boolean => {
  if (received.length === 0 || !received[received.length - 1]!.ip) return false
  const fromClaim = claimedFamily(ADDRESS_HOST.exec((headers.get("from") ?? "").slice(0, 2000))?.[1])
  const midClaim = claimedFamily(MESSAGE_ID_HOST.exec((headers.get("message-id") ?? "").slice(0, 600))?.[1])
  if (fromClaim === undefined && midClaim === undefined) return false
  const seen = new Set<string>()
  for (const hop of received.slice(0, MAX_HOPS))
    for (const name of [hop.helo, hop.rdns, hop.by]) {
      const label = name ? providerLabel(name) : undefined
      if (label !== undefined) seen.add(label)
    }
  const unbacked = (family: ReadonlyArray<string> | undefined) =>
    family !== undefined && !family.some((label) => seen.has(label))
  return unbacked(fromClaim) || unbacked(midClaim)
}
