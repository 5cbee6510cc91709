/**
 * The sites a message's sender names and the sites its body names, for the links' traits of round
 * 46 (docs/classifier.md): a site is a host's registrable domain; the sender's are those of the
 * addresses in From, Sender, Reply-To, Return-Path and the Message-ID (a mailing service that sends
 * for a company bounces to, and writes the Message-ID on, its own domain).
 *
 * @category constructors
 * @since 0.5.0
 */
import type { Headers, Message } from "@mailmoat/core"
import { registrableDomain } from "./Domains.ts"

/** Headers whose addresses name the sender (and the mailing service that sends for it). */
const SENDER_HEADERS = ["from", "sender", "reply-to", "return-path", "message-id"] as const
/** Characters of one sender header read: an address is in the first of them. */
const MAX_HEADER = 1000
/** Addresses read per sender header. */
const MAX_ADDRESSES = 20
/** The domain after an `@`, up to the characters that end an address. */
const ADDRESS_DOMAIN = /@([^\s<>()[\]"',;:@]{1,253})/g

/** The site of a host: its registrable domain, the host itself when it has none; lower case. */
export const siteOf = (host: string): string => {
  const lower = host.toLowerCase().replace(/\.+$/, "")
  return registrableDomain(lower) ?? lower
}

/** Whether every body text of `message` comes from an HTML part: HTML with no plain-text version. */
export const htmlOnly = (body: Message["body"]): boolean =>
  body.htmls.length > 0 && body.texts.length === body.htmls.length

/** The one site every host of `hosts` is on, or undefined (no host, or two sites). */
export const oneSite = (hosts: ReadonlyArray<string>): string | undefined => {
  if (hosts.length === 0) return undefined
  const site = siteOf(String(hosts[0]))
  for (let i = 1; i < hosts.length; i++) if (siteOf(String(hosts[i])) !== site) return undefined
  return site
}

/** The sites of the addresses in the sender's headers. */
export const senderSites = (headers: Headers): Set<string> => {
  const sites = new Set<string>()
  for (const name of SENDER_HEADERS) {
    const value = headers.get(name)
    if (typeof value !== "string" || !value.includes("@")) continue
    ADDRESS_DOMAIN.lastIndex = 0
    const text = value.slice(0, MAX_HEADER)
    let read = 0
    for (let m = ADDRESS_DOMAIN.exec(text); m !== null && read < MAX_ADDRESSES; m = ADDRESS_DOMAIN.exec(text)) {
      read++
      sites.add(siteOf(m[1]!))
    }
  }
  return sites
}

/** Whether `site` is the site of an address in one of the sender's headers. */
export const isSenderSite = (headers: Headers, site: string): boolean => senderSites(headers).has(site)
