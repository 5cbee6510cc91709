/**
 * `to_tagged_for_sender`: the message was sent to an address its recipient tagged for this sender
 * (`zzz-buy4now@…` receiving From `newsletters@buy4now.ie`, `ler+foxsports@…` receiving From
 * `…@mailings.foxsports.com`). Sub-addressing (`user+tag`, `user-tag`) lets a person hand each
 * shop or list an address of its own; mail to it from that sender is mail the person asked for,
 * whatever its words. The evidence is the pairing, not the words: a spammer who harvested some
 * address does not write From in the domain its tag names (docs/classifier.md, round 34).
 *
 * Read: every recipient address the message names (the envelope's, To, Cc, Delivered-To,
 * X-Original-To and the Received hops' `for <…>`); the tag is a segment after the first of the
 * local part, between `+`, `-`, `_` or `.`, equal to the first label of the registrable domain of
 * From's address (3 characters or more). A recipient in From's own registrable domain does not
 * count (a company's `sales-shop@shop.example` writing to itself names itself, not a sender).
 *
 * **Gotchas**
 * Counted on the corpus (train/ and eval/, 4,150 ham and 1,896 spam): 83 ham, 2 spam, and those
 * two are mail from the very companies the tags name (a registrar's and a software shop's offers
 * to the addresses given them), labelled spam by their recipient. It says who was given the
 * address, not that the mail is wanted: it is a ham sign in the layer (-1), never a verdict.
 *
 * @category constructors
 * @since 0.5.0
 */
import { registrableDomain } from "./Domains.ts"

/** What the trait reads of a message. */
export interface RecipientTagInput {
  readonly from: string | undefined
  /**
   * Header values and envelope addresses that name recipients, in any form (`Name <a@b>`, lists);
   * read only once From names a usable sender domain, and only until a tag is found.
   */
  readonly recipients: Iterable<string>
}

/** Addresses in a header value, at most 50 per value (a To of hundreds names no sender's tag). */
const ADDRESS = /([A-Za-z0-9._%+=-]{1,64})@([A-Za-z0-9.-]{1,253})/g
const MAX_LOCAL = 64
const MAX_PER_VALUE = 50
const SEPARATOR = /[+\-_.]/
/** A label of 3 or more characters: shorter ones (`e`, `ab`) name no one. */
const MIN_LABEL = 3

const domainOf = (host: string): string | null => registrableDomain(host.toLowerCase().replace(/\.+$/, ""))

/** Whether `local` holds `label` as a whole segment after its first (`base-label`, `base+x-label`). */
const taggedWith = (local: string, label: string): boolean => {
  let at = local.indexOf(label, 1)
  while (at > 0) {
    const end = at + label.length
    if (SEPARATOR.test(local[at - 1]!) && (end === local.length || SEPARATOR.test(local[end]!))) return true
    at = local.indexOf(label, at + 1)
  }
  return false
}

/** A character of an address's local part as `ADDRESS` reads it: `[A-Za-z0-9._%+=-]`. */
const isLocalChar = (c: number): boolean =>
  (c >= 97 && c <= 122) ||
  (c >= 65 && c <= 90) ||
  (c >= 48 && c <= 57) ||
  c === 46 ||
  c === 95 ||
  c === 37 ||
  c === 43 ||
  c === 61 ||
  c === 45

/** `+`, `-`, `_` or `.`: what `SEPARATOR` matches. */
const isSeparator = (c: number): boolean => c === 43 || c === 45 || c === 95 || c === 46

/**
 * Whether a local part `ADDRESS` could find in `value` holds a separator: one of the (at most 64)
 * local-part characters right before some `@` is one. A tag needs a separator before it, so
 * without one no address of the value is tagged, whatever From's label. Most recipients
 * (`<user@host>`) have none: their addresses are not matched, and From's domain is not looked up.
 */
const mayHoldTag = (value: string): boolean => {
  for (let at = value.indexOf("@"); at >= 0; at = value.indexOf("@", at + 1))
    for (let i = at - 1; i >= 0 && at - i <= MAX_LOCAL; i--) {
      const c = value.charCodeAt(i)
      if (isSeparator(c)) return true
      if (!isLocalChar(c)) break
    }
  return false
}

/** A tag read inside a label of From's host (`to_tagged_for_sender_host`): 4 characters or more. */
const MIN_HOST_TAG = 4

/**
 * Whether `local` holds, as a segment after its first, a tag of `MIN_HOST_TAG`+ characters with a
 * letter that one of `labels` contains (`zzz-unspun` and the label `mediaunspun`).
 */
const taggedInLabels = (local: string, labels: ReadonlyArray<string>): boolean =>
  local
    .split(SEPARATOR)
    .slice(1)
    .some(
      (t) => t.length >= MIN_HOST_TAG && /[a-z]/.test(t) && !MAIL_HOST_WORD.test(t) && labels.some((l) => l.includes(t))
    )

/** Words mail hosts are named by (`mail.`, `news.`, `lists.`): a tag that is one names no sender. */
const MAIL_HOST_WORD = /^(?:e?mails?|news|newsletters?|lists?|mailings?|bounces?|smtp|www|info)$/

/** What the tags are compared with: From's registrable domain, its first label, the labels above it. */
interface Sender {
  readonly domain: string
  readonly label: string
  readonly above: ReadonlyArray<string>
}

/** The sender of From's host `host`; null when the host has no registrable domain. */
const senderOf = (host: string): Sender | null => {
  const domain = domainOf(host)
  if (domain === null) return null
  const labels = host.toLowerCase().replace(/\.+$/, "").split(".")
  return { domain, label: domain.split(".")[0] ?? "", above: labels.slice(0, labels.length - domain.split(".").length) }
}

/**
 * Whether some recipient address outside From's registrable domain has a local part that
 * `tagged` accepts for From's sender; none when `usable` refuses the sender. From's registrable
 * domain (a public-suffix lookup) is asked for once a recipient may hold a tag.
 */
const someRecipientTagged = (
  input: RecipientTagInput,
  usable: (sender: Sender) => boolean,
  tagged: (local: string, sender: Sender) => boolean
): boolean => {
  const from = /@([A-Za-z0-9.-]{1,253})/.exec(String(input.from ?? "").slice(0, 1000))?.[1]
  if (from === undefined) return false
  let sender: Sender | null | undefined
  for (const value of input.recipients) {
    const text = String(value).slice(0, 10_000)
    if (!mayHoldTag(text)) continue
    if (sender === undefined) sender = senderOf(from)
    if (sender === null || !usable(sender)) return false
    let n = 0
    for (const a of text.matchAll(ADDRESS)) {
      if (++n > MAX_PER_VALUE) break
      // The tag test first: it is a string search, the domain a public-suffix lookup.
      if (tagged(a[1]!.toLowerCase(), sender) && domainOf(a[2]!) !== sender.domain) return true
    }
  }
  return false
}

/**
 * Whether some recipient address carries a tag naming From's host below its registrable domain
 * (`to_tagged_for_sender_host`, round 58): the tag inside a label above the registrable domain,
 * as when a sender mails under its own name at a bulk mailer's domain (`…@mediaunspun.imakenews.net`
 * to `zzz-unspun@…`). A tag of the registrable domain's first label is `recipientTaggedForSender`'s,
 * and a recipient in From's own registrable domain does not count.
 */
export const recipientTaggedInSenderHost = (input: RecipientTagInput): boolean =>
  someRecipientTagged(
    input,
    (s) => s.above.length > 0,
    (local, s) => taggedInLabels(local, s.above) && !taggedWith(local, s.label)
  )

/** Whether some recipient address carries a tag naming From's domain (see above). */
export const recipientTaggedForSender = (input: RecipientTagInput): boolean =>
  someRecipientTagged(
    input,
    (s) => s.label.length >= MIN_LABEL,
    (local, s) => taggedWith(local, s.label)
  )
