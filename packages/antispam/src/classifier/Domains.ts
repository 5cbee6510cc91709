/**
 * Registrable domain of a host name (public suffix list, private domains included), memoised:
 * the same few thousand hosts (relays, senders, link targets) recur from message to message,
 * and a public-suffix lookup costs far more than a map hit. The cache is bounded and simply
 * cleared when full, so hostile mail with endless new names cannot grow it.
 *
 * Gotcha: the host names come out of a message (a header value, the HTML, a URL) by `slice`,
 * `match` or `toLowerCase`, and V8 may represent such a string as a view of the string it was cut
 * from. Kept as a cache key, a view keeps its whole parent alive: a header block or an HTML part of
 * every message that brought a new host, for as long as the entry lives. So the cache stores a
 * copy of its own of each new host, and the domain is cut from that copy.
 *
 * @category constructors
 * @since 0.2.0
 */
import { BoundedMemo } from "@mailmoat/core"
import { getDomain } from "tldts"

const MAX_ENTRIES = 20_000
const cache = new Map<string, string | null>()

/** The registrable domain of `host` (`mail.example.co.uk` -> `example.co.uk`), or null. */
export const registrableDomain = (host: string): string | null => {
  const hit = cache.get(host)
  if (hit !== undefined) return hit
  const key = BoundedMemo.detachText(host)
  const domain = getDomain(key, { allowPrivateDomains: true })
  if (cache.size >= MAX_ENTRIES) cache.clear()
  cache.set(key, domain)
  return domain
}
