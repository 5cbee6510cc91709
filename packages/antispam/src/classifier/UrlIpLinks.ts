/**
 * The links of a message whose host is an IP literal, as `url_ip_literal` reads them (Urls.ts): the
 * host after any user-info, without its port, a dotted IPv4 address or a bracketed IPv6 one. The
 * shared read of round 50's traits (docs/classifier.md): an offer's server with no name.
 *
 * @category constructors
 * @since 0.5.0
 */
import { hostOf, isIpHost, lastLinkParts, linkParts, MAX_URLS } from "./Urls.ts"

/** Whether `url`'s host is an IP literal (dotted IPv4 or bracketed IPv6). */
export const isIpLink = (url: string): boolean => {
  if (!linkParts(url)) return false
  const [schemeEnd, authorityEnd] = lastLinkParts()
  const authorityStart = schemeEnd + 3
  const at = url.lastIndexOf("@", authorityEnd - 1)
  const host = hostOf(url.slice(at >= authorityStart ? at + 1 : authorityStart, authorityEnd))
  return isIpHost(host)
}

/** Whether one of the first links of `urls` is on an IP literal. */
export const hasIpLink = (urls: ReadonlyArray<string>): boolean => {
  const n = Math.min(urls.length, MAX_URLS)
  for (let i = 0; i < n; i++) if (isIpLink(String(urls[i]))) return true
  return false
}
