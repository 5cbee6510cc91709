/**
 * Sub-addresses (`ceo+news@example.org`): the address a tagged address is delivered to, for
 * every lookup keyed by a mail address (the recipient directory with its bypass flags, safe
 * senders and per-recipient policy, and the end-user blocklist). The delimiters are
 * `antispam.recipientDelimiter`, a set of characters like Postfix's `recipient_delimiter`:
 * `+` (the default), `-` (qmail and Exim style), `+-` (either), or empty (no folding).
 *
 * The rules are the delivering server's, so that a lookup and the delivery agree on whose mail
 * it is:
 *
 * - the local part is cut at the first character of the set (`a+b-c@` with `+-` is `a@`);
 * - a local part that starts with a delimiter is not folded (`+tag@` is not `@`: there is no
 *   address before it);
 * - a quoted local part that needs its quotes is not folded (the quotes say the characters are
 *   the name itself);
 * - with `-` in the set, `owner-list@` and `list-request@` keep their names (mailing-list
 *   conventions Postfix keeps too), as do `postmaster@` and `mailer-daemon@`.
 *
 * Folding is idempotent: the folded local part holds no delimiter.
 *
 * @category models
 * @since 0.1.0
 */

/** The default: the usual `+`. */
export const DEFAULT_DELIMITER = "+"

/** Characters that may delimit a sub-address: RFC 5322 `atext` punctuation except letters and digits. */
export const DELIMITER_CHARACTERS = "!#$%&'*+-/=?^_`{|}~"

/** True when every character of `set` is one `DELIMITER_CHARACTERS` holds (empty: folding off). */
export const isDelimiterSet = (set: string): boolean => [...set].every((c) => DELIMITER_CHARACTERS.includes(c))

const KEPT = new Set(["postmaster", "mailer-daemon"])

/**
 * The address `address` is a sub-address of (`ceo@example.org` for `ceo+tag@example.org`), or
 * undefined when it is none under `delimiters`. Compares case-insensitively and never throws.
 */
export const base = (address: string, delimiters: string): string | undefined => {
  if (delimiters.length === 0) return undefined
  const at = address.lastIndexOf("@")
  if (at <= 0 || address.startsWith('"')) return undefined
  const local = address.slice(0, at)
  const lower = local.toLowerCase()
  if (KEPT.has(lower)) return undefined
  if (delimiters.includes("-") && (lower.startsWith("owner-") || (lower.length > 8 && lower.endsWith("-request"))))
    return undefined
  let cut = -1
  for (let i = 0; i < local.length; i++) {
    if (delimiters.includes(local[i]!)) {
      cut = i
      break
    }
  }
  return cut > 0 ? local.slice(0, cut) + address.slice(at) : undefined
}

/** `address` without its sub-address (itself when it has none). */
export const fold = (address: string, delimiters: string): string => base(address, delimiters) ?? address
