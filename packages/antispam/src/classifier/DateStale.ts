/**
 * `date_stale`: the Date more than a week before the message came in from the network, read
 * against the newest Received hop that took it in from a public address; the hops above that
 * one (from loopback, a private address or no address at all: a local delivery, a mail fetcher,
 * a mailbox filter handing it on) are the recipient's own handling, which may come any time later.
 *
 * Bulk tools stamp stale Dates (a template's, or a list's old one); people's programs take the
 * clock. Read against the newest stamp of any hop, the feature also fired on mail that sat in a
 * mailbox before it was handed on: 48 of the corpus's 54 ham carriers (a mailing list's posts
 * fetched months later from a mailbox, `from localhost … with IMAP (fetchmail)`, and a
 * sweepstakes reminder re-delivered six weeks later `by … (Postfix, from userid 500)`) and none of
 * its 168 spam carriers owe it to such a hop (docs/classifier.md, round 61). A gateway that is the
 * MX sees the sender's last relay on top, so there it reads what it read before; an IMAP or POP3
 * scan reads a mailbox's copy, where the recipient's own hops sit above.
 *
 * `date_future` still reads the newest stamp of any hop (HeaderAnomalies.ts): a later local hop
 * only ever makes a Date look older, never newer.
 *
 * @category constructors
 * @since 0.5.0
 */
import { IpAddress, type ReceivedHop } from "@mailmoat/core"
import { parseDate } from "./MailDate.ts"
import { isPublic, MAX_HOPS } from "./OriginHop.ts"

const DAY = 24 * 3600_000
/** How far before the network's stamp a Date is stale: a week (a program's clock is off by hours). */
export const STALE_AFTER = 7 * DAY

/** The time of the newest hop that took the message in from a public address and whose stamp parses. */
export const networkStamp = (received: ReadonlyArray<ReceivedHop>): number | undefined => {
  const last = Math.min(received.length, MAX_HOPS)
  for (let i = 0; i < last; i++) {
    const hop = received[i]!
    const ip = hop.ip === undefined ? undefined : IpAddress.parse(hop.ip)
    if (ip === undefined || !isPublic(ip)) continue
    const t = parseDate(hop.date)
    if (t !== undefined) return t
  }
  return undefined
}

/** Whether the Date (Unix ms) is more than a week before the network's stamp; false without one. */
export const dateStale = (date: number, received: ReadonlyArray<ReceivedHop>): boolean => {
  const stamp = networkStamp(received)
  return stamp !== undefined && stamp - date > STALE_AFTER
}
