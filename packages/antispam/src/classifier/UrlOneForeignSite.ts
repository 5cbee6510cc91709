/**
 * `url_one_foreign_site`: an HTML-only message (every body text comes from a text/html part) whose
 * body names one site and nothing else (every host of its links, pictures, bare names and
 * addresses on one registrable domain, and no IP literal) while that site is none of the sender's
 * (the domains of From, Sender, Reply-To, Return-Path and the Message-ID). The shape of a single
 * offer's page mailed from a mailbox elsewhere: a company's own mail names its own site, which is
 * From's; a newsletter names many sites; and a mailing service that moves every link onto its
 * tracking host bounces to, and writes the Message-ID on, its own domain.
 *
 * Round 39 left out "HTML only, every link on one host" for that mailing service (docs/classifier.md):
 * this form asks for every name in the body, not the links alone, and leaves the sender's names out.
 *
 * Counted on the training corpus (all subsets, 4,150 ham / 1,896 spam): 0 ham, 226 spam of both
 * eras, 17 of them missed by the shipped model on its features alone
 * (`bench/classifier-link31-candidates.mjs`, docs/classifier.md round 46).
 *
 * @category constructors
 * @since 0.5.0
 */
import type { Message } from "@mailmoat/core"
import { htmlOnly, isSenderSite, oneSite } from "./SenderSites.ts"

/** Whether `message` carries `url_one_foreign_site`. Never throws on a parsed message. */
export const urlOneForeignSite = (message: Message): boolean => {
  const body = message.body
  if (body.ips.length > 0 || !htmlOnly(body)) return false
  const site = oneSite(body.hosts)
  return site !== undefined && !isSenderSite(message.headers, site)
}
