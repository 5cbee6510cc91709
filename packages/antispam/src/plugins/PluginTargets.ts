/**
 * What plugin blocklist providers are asked about, by kind:
 *
 * - `ip`: the last identified sender from the Received walk (`ReceivedChain.analyse`, the same
 *   trust path as the RBL stage), then the IPs found in the body (`BodyTargets`).
 * - `domain`: the registrable domains found in the body (`BodyTargets`), then the domains of the
 *   From header address and of MAIL FROM.
 * - `address`: the MAIL FROM address, then the From header address.
 *
 * Values are normalised (IP text without `::ffff:`, lower-case names without a trailing dot),
 * deduplicated in that order, and carry where they were found: `origin` (the first place:
 * `client` or `received[i]` for the sender, `body`, `from-header`, `mail-from`) and `origins`
 * (every place, so a provider can ask only about the envelope sender's domain). Providers get
 * both on their query. The skip list and the body limits are the DNSBL ones; the
 * sender IP is dropped when it is on the skip list, like in the RBL stage.
 *
 * **Gotchas**
 * The From header is untrusted text: only a plain `local@domain` (angle-bracketed or bare) is
 * taken; anything else (group syntax, encoded words, IP-literal domains) is left out.
 *
 * @category models
 * @since 0.1.0
 */
import type { BlocklistQuery, Envelope, Message, QueryKind, QueryOrigin } from "@mailmoat/core"
import { IpAddress } from "@mailmoat/core"
import * as BodyTargets from "../dnsbl/BodyTargets.ts"
import type * as ReceivedChain from "../received/ReceivedChain.ts"

export interface PluginQuery extends BlocklistQuery {
  readonly origin: QueryOrigin
  readonly origins: ReadonlyArray<QueryOrigin>
}

export interface PluginTargets {
  readonly queries: ReadonlyArray<PluginQuery>
  /** The last identified sender, when the Received walk found one. */
  readonly sender?: string | undefined
  /** Values found but not asked, with the reason (skip list, limits). */
  readonly dropped: ReadonlyArray<{ readonly value: string; readonly why: string }>
}

const ADDRESS =
  /^[^\s<>@,;:"()[\]\\]{1,64}@([a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?)+)$/

/** A lower-case `local@domain` address, or undefined when `raw` is not a plain address. */
export const normaliseAddress = (raw: string | undefined): string | undefined => {
  if (raw === undefined) return undefined
  const a = raw.trim().toLowerCase().replace(/\.$/, "")
  return a.length <= 254 && ADDRESS.test(a) ? a : undefined
}

/** The domain of a normalised address. */
export const domainOf = (address: string): string => address.slice(address.lastIndexOf("@") + 1)

/** The first address in a From header value: `Name <a@b>` or a bare `a@b`. */
export const headerAddress = (value: string | undefined): string | undefined => {
  if (value === undefined) return undefined
  const v = value.slice(0, 2000)
  const bracketed = /<([^<>\s]+)>/.exec(v)?.[1]
  return normaliseAddress(bracketed ?? /(?:^|[\s,;:])([^\s<>,;:"()]+@[^\s<>,;:"()]+)/.exec(v)?.[1])
}

export interface TargetOptions {
  /** The message's Received-chain analysis (shared with the other stages). */
  readonly chain: ReceivedChain.ChainResult
  readonly limits: BodyTargets.TargetLimits
}

/** The queries for `message`, in kind order ip, domain, address. */
export const extract = (
  message: Pick<Message, "envelope" | "received" | "headers" | "body">,
  options: TargetOptions
): PluginTargets => {
  const byKey = new Map<string, { kind: QueryKind; value: string; origin: QueryOrigin; origins: Array<QueryOrigin> }>()
  const dropped: Array<{ value: string; why: string }> = []
  const add = (kind: QueryKind, value: string | undefined, origin: QueryOrigin) => {
    if (value === undefined || value.length === 0) return
    const key = `${kind}\u0000${value}`
    const known = byKey.get(key)
    if (known === undefined) byKey.set(key, { kind, value, origin, origins: [origin] })
    else if (!known.origins.includes(origin)) known.origins.push(origin)
  }
  const env: Envelope.Envelope = message.envelope
  const chain = options.chain
  const senderHop = chain.hops.find((h) => h.status === "sender")
  if (chain.sender !== undefined) {
    const skipped = options.limits.skip.match(chain.sender)
    if (skipped) dropped.push({ value: chain.sender, why: `on skip list ${skipped.text}` })
    else add("ip", IpAddress.parse(chain.sender)?.text, (senderHop?.source ?? "client") as QueryOrigin)
  }
  const body = BodyTargets.extract(message.body, options.limits)
  dropped.push(...body.dropped)
  for (const ip of body.ips) add("ip", ip, "body")
  for (const d of body.domains) add("domain", d, "body")
  const from = headerAddress(message.headers.get("from"))
  const mailFrom = normaliseAddress(env.mailFrom)
  if (from !== undefined) add("domain", domainOf(from), "from-header")
  if (mailFrom !== undefined) add("domain", domainOf(mailFrom), "mail-from")
  if (mailFrom !== undefined) add("address", mailFrom, "mail-from")
  if (from !== undefined) add("address", from, "from-header")
  const queries = [...byKey.values()].map(
    (q): PluginQuery => Object.freeze({ ...q, origins: Object.freeze(q.origins) })
  )
  return { queries, sender: chain.sender, dropped }
}
