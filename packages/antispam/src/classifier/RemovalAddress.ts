/**
 * `removal_free_mail`: the mail asks the reader to write to an address to be removed or to
 * unsubscribe, and that address is a mailbox at a free-mail provider's own domain
 * (`remove-me@yahoo.com`, not a service on one of its subdomains) that is not the From address.
 * A bulk mailer whose From is forged collects removals in a throwaway mailbox; a sender that keeps
 * a list takes removals where it keeps the list (its list server, its mailing service, a page),
 * because it has to act on them, and a person's or a club's newsletter written from a free-mail
 * mailbox names that same mailbox, which does not count.
 *
 * Read: the decoded text (a removal word within 200 characters before the address or 60 after
 * it) and the raw HTML (a `mailto:` link's query or the markup beside it). Lines quoted from
 * another message (`>`) are not read, and an address a contact label presents (`Questions?`,
 * `Contact us:`, `Customer service:`, support, orders, billing in the 50 characters before it) is
 * not a removal address: a shop's footer with an unsubscribe link beside a free-mail contact.
 *
 * Counted on the training corpus (round 19 in docs/classifier.md): 1 ham of 4,150 (a post that
 * cites a spammer's removal address while complaining about it), 122 spam of both eras.
 *
 * @category constructors
 * @since 0.5.0
 */
import { registrableDomain } from "./Domains.ts"
import { isFreeMail } from "./HeaderAnomalies.ts"

/** Characters of each text read: the removal line of a bulk mail is in its first pages or at its end. */
const MAX_TEXT = 150_000
/** Addresses looked at per text: each costs a host test, most stop there. */
const MAX_ADDRESSES = 200
const BEFORE = 200
const AFTER = 60
const LABEL_BEFORE = 50

const REMOVAL = /(?:\bremov(?:e|al|ed|ing)\b|\bunsubscri|\bopt[- ]?out\b|\btaken off\b|\babmelden\b)/i
const CONTACT =
  /(?:\bquestions?\b|\bcontact\b|\bcustomer (?:service|care)\b|\bsupport\b|\borders?\b|\bbilling\b)[^@]{0,50}$/i
const HOST = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+/i
const LOCAL_CHAR = /[A-Za-z0-9._%+=-]/
const FROM_ADDRESS = /([A-Za-z0-9._%+=-]+@[A-Za-z0-9.-]+)/g

/** The last address in a From header's value, lower-cased (the display name may hold another). */
const fromAddress = (from: string | undefined): string | undefined => {
  if (from === undefined) return undefined
  let last: string | undefined
  for (const m of String(from).slice(0, 1000).matchAll(FROM_ADDRESS)) last = m[1]
  return last?.toLowerCase()
}

/** Whether the host is a free-mail provider's own registrable domain (`yahoo.com`, not `groups.yahoo.com`). */
const freeMailbox = (host: string): boolean => isFreeMail(host) && registrableDomain(host) === host

/** Whether the line holding `at` is quoted from another message (`>` at its start). */
const quoted = (text: string, at: number): boolean => {
  let i = text.lastIndexOf("\n", at) + 1
  while (i < at && (text[i] === " " || text[i] === "\t")) i++
  return text[i] === ">"
}

/**
 * The sender's address (`fromAddress` of the From value), read only when a text names a free-mail
 * mailbox: most mail names none, and reading the field's addresses was most of this check's cost.
 */
interface Sender {
  readonly from: string | undefined
  read: boolean
  address: string | undefined
}

const senderAddress = (sender: Sender): string | undefined => {
  if (!sender.read) {
    sender.address = fromAddress(sender.from)
    sender.read = true
  }
  return sender.address
}

/** Whether `text` asks to write to a free-mail mailbox other than the sender's to be removed. */
const asksRemovalAt = (text: string, sender: Sender): boolean => {
  const t = text.length > MAX_TEXT ? text.slice(0, MAX_TEXT) : text
  let looked = 0
  for (let at = t.indexOf("@"); at > 0 && looked < MAX_ADDRESSES; at = t.indexOf("@", at + 1)) {
    looked++
    const host = HOST.exec(t.slice(at + 1, at + 256))?.[0].toLowerCase()
    if (host === undefined || !freeMailbox(host)) continue
    let start = at
    while (start > 0 && at - start < 64 && LOCAL_CHAR.test(t[start - 1]!)) start--
    if (start === at) continue
    const address = `${t.slice(start, at).toLowerCase()}@${host}`
    if (address === senderAddress(sender) || quoted(t, at)) continue
    const end = at + 1 + host.length
    const removal = REMOVAL.test(t.slice(Math.max(0, start - BEFORE), start)) || REMOVAL.test(t.slice(end, end + AFTER))
    if (removal && !CONTACT.test(t.slice(Math.max(0, start - LABEL_BEFORE), start))) return true
  }
  return false
}

/**
 * Whether the mail's `texts` (decoded text parts) or `htmls` (raw HTML parts) ask the reader to
 * write to a free-mail mailbox other than `from` (the From header's value) to be removed.
 */
export const removalFreeMail = (
  texts: ReadonlyArray<unknown>,
  htmls: ReadonlyArray<unknown>,
  from: string | undefined
): boolean => {
  const sender: Sender = { from, read: false, address: undefined }
  for (const t of texts) if (asksRemovalAt(String(t), sender)) return true
  for (const h of htmls) if (asksRemovalAt(String(h), sender)) return true
  return false
}
