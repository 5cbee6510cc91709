/**
 * Registrable domain of a host name (public suffix list, private domains included), memoised:
 * the same few thousand hosts (relays, senders, link targets) recur from message to message,
 * and a public-suffix lookup costs far more than a map hit. The cache is bounded and simply
 * cleared when full, so hostile mail with endless new names cannot grow it.
 *
 * @category constructors
 * @since 0.2.0
 */
import { getDomain } from "tldts"

const MAX_ENTRIES = 20_000
const cache = new Map<string, string | null>()

/** The registrable domain of `host` (`mail.example.co.uk` -> `example.co.uk`), or null. */
export const registrableDomain = (host: string): string | null => {
  const hit = cache.get(host)
  if (hit !== undefined) return hit
  const domain = getDomain(host, { allowPrivateDomains: true })
  if (cache.size >= MAX_ENTRIES) cache.clear()
  cache.set(host, domain)
  return domain
}
