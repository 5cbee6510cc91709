/**
 * `url_ip_one_site`: a link to an IP literal in a message whose body names at most one site besides
 * (every host of its links, pictures, bare names and addresses on one registrable domain, or none).
 * An offer whose server has no name: the page, its pictures or its removal link on a bare address,
 * with nothing else or one site of the sender's offer around it. Ham that link an IP literal do so
 * among the sites of what they discuss: a search engine's cached page posted to a list (the list's
 * site, the cached page's), a bank's newsletter (its named sites too), a list of servers.
 *
 * Counted on the training corpus (all subsets, 4,150 ham / 1,896 spam): 0 ham, 253 spam of both
 * eras, 10 missed by the shipped model on its features alone, all of them at 0.6 or more (against
 * 6 ham, 392 spam for `url_ip_literal` alone; `bench/classifier-link32-candidates.mjs`,
 * docs/classifier.md round 50).
 *
 * @category constructors
 * @since 0.5.0
 */
import type { Message } from "@mailmoat/core"
import { siteOf } from "./SenderSites.ts"
import { hasIpLink } from "./UrlIpLinks.ts"

/** Host names read before the answer is known: two sites end it. */
const MAX_HOSTS = 100

/** Whether `hosts` are on at most one site. */
const atMostOneSite = (hosts: ReadonlyArray<string>): boolean => {
  const n = Math.min(hosts.length, MAX_HOSTS)
  if (n === 0) return true
  const site = siteOf(String(hosts[0]))
  for (let i = 1; i < n; i++) if (siteOf(String(hosts[i])) !== site) return false
  return true
}

/**
 * Whether `message` carries `url_ip_one_site`. Never throws on a parsed message. `ipLink` is
 * `hasIpLink` of the message's links when the caller knows it already: the tokenizer's
 * `url_ip_literal` (`analyseUrls`) is the same test of the same links.
 */
export const urlIpOneSite = (message: Message, ipLink: boolean = hasIpLink(message.body.urls)): boolean =>
  ipLink && atMostOneSite(message.body.hosts)
