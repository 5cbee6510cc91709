/**
 * `to_stand_in`: the To field names no recipient but a stand-in a bulk tool wrote in place of the
 * list it really sends to (the recipients travel in the envelope, as Bcc): either
 *
 * - one address, and no Cc, whose local part is a run of ten or more lower-case letters that no
 *   language spells (at most one vowel, or six letters in a row that are not vowels), on From's
 *   own registrable domain: `qpwzztnclt@onlineisbest.com` from
 *   `firstever001@44yes.onlineisbest.com`, a new run in every copy; or
 * - a Windows file path where an address goes (`<C:\`Bulk.AdzMTGnewmtg.txt@relay.example>`): the
 *   tool's merge field took the name of its list file.
 *
 * People write to people: a colleague's address on the sender's own domain is a name or initials
 * and a name (`jschmidtke`, `kschwarzkopf` have two vowels and at most five consonants in a row),
 * and a mail program never puts a path in To. Mail to oneself (From's address again) does not
 * count, nor an address on another domain (free-mail users' made-up names are not read).
 *
 * Counted on the training corpus (train/ and eval/, 4,150 ham / 1,896 spam): 0 ham, 28 spam of
 * both eras, 25 of them missed by the shipped model with none of their words known, 8 of those at
 * 0.7 or more (`bench/classifier-address-candidates.mjs`, docs/classifier.md round 35).
 *
 * @category constructors
 * @since 0.5.0
 */
import { registrableDomain } from "./Domains.ts"

/** The field's first characters read: a stand-in is one short address. */
const MAX_FIELD = 2_000
/** A drive letter and a path separator (or the backquote a tool wrote for it) where an address starts. */
const WINDOWS_PATH = /(?:^|[\s<,"'])[A-Za-z]:[\\`]/
const ADDRESS = /[^\s<>,;:"()[\]@]{1,64}@[^\s<>,;:"()[\]@]{1,255}/g
const RUN = /^[a-z]{10,40}$/
const VOWELS = /[aeiouy]/g
/** Six letters in a row that are not vowels (`y` counts as a vowel here, as it does in names). */
const CONSONANTS_6 = /[b-df-hj-np-tv-xz]{6}/

const addressesOf = (value: string | undefined): Array<string> =>
  value === undefined ? [] : (value.slice(0, MAX_FIELD).match(ADDRESS) ?? []).slice(0, 50)

/** Whether the lower-case `local` part is spelt as no language spells a word or a name. */
export const randomLocalPart = (local: string): boolean =>
  RUN.test(local) && ((local.match(VOWELS)?.length ?? 0) <= 1 || CONSONANTS_6.test(local))

const hostOf = (address: string): string =>
  address
    .slice(address.lastIndexOf("@") + 1)
    .toLowerCase()
    .replace(/[>.]+$/, "")

/**
 * Whether the To field (`to`, as sent) is a bulk tool's stand-in for its list (see the module's
 * header); `cc` and `from` are those fields as sent.
 */
export const toStandIn = (to: string | undefined, cc: string | undefined, from: string | undefined): boolean => {
  if (to === undefined) return false
  if (WINDOWS_PATH.test(to.slice(0, MAX_FIELD))) return true
  const recipients = addressesOf(to)
  if (recipients.length !== 1) return false
  const recipient = recipients[0]!
  // The local part's spelling first: most recipients are named by a word or a name, and then
  // neither Cc nor From is read (each test here is pure: their order does not change the answer).
  const local = recipient.slice(0, recipient.lastIndexOf("@"))
  if (!randomLocalPart(local) || addressesOf(cc).length > 0) return false
  const sender = addressesOf(from)[0]
  if (sender === undefined) return false
  if (recipient.toLowerCase() === sender.toLowerCase()) return false
  const domain = registrableDomain(hostOf(recipient))
  return domain !== null && domain === registrableDomain(hostOf(sender))
}
