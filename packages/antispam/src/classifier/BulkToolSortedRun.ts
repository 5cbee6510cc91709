/**
 * `to_sorted_run`: three recipients in a row (To's addresses, then Cc's, as written) whose
 * addresses follow each other in alphabetical order, begin with the same character, and are not
 * all on one registrable domain: `cpuma@earthlink.net, cpumatt@trib.com, cpun@rocketmail.com`,
 * `webmaster@egarde.8m.com, webmaster@egay.zzn.com, webmaster@egert.de`. A bulk tool that puts
 * the next few addresses of its sorted list of collected addresses into each copy writes the
 * list's order; people write to people they know, whose addresses are not each other's
 * neighbours in the alphabet on unrelated domains.
 *
 * Not for a run on one domain: a colleague's addresses copied from a sorted directory
 * (`alice@corp.example, andy@corp.example, anne@corp.example`) are one organisation's, which a
 * person may well write to at once. Three recipients in order alone are common (one in six of any
 * three is), three in order with the same first character on two domains are not.
 *
 * Counted on the training corpus (train/ and eval/, 4,150 ham / 1,896 spam): 0 ham, 105 spam of
 * both eras, 16 of them missed by the shipped model with none of their words known, 4 of those at
 * 0.7 or more (`bench/classifier-header33-candidates.mjs`, docs/classifier.md round 52). The 341
 * ham with three or more recipients (lists, colleagues, friends) have no such run.
 *
 * @category constructors
 * @since 0.5.0
 */
import { registrableDomain } from "./Domains.ts"

/** The field's first characters read: a bulk tool's list is long, the run is near its start. */
const MAX_FIELD = 4_000
/** Addresses compared per message. */
const MAX_ADDRESSES = 200
const ADDRESS = /[A-Za-z0-9._%+'-]{1,64}@[A-Za-z0-9.-]{1,253}\.[A-Za-z]{2,24}/g
/** Recipients in a row that make a run. */
const RUN = 3

/** How many `@` the fields' first characters hold, counted up to `n`: most mail has one or two recipients, and no run. */
const atSigns = (fields: ReadonlyArray<string>, n: number): number => {
  let count = 0
  for (const field of fields)
    for (let i = field.indexOf("@"); i >= 0 && i < MAX_FIELD && count < n; i = field.indexOf("@", i + 1)) count++
  return count
}

const addressesOf = (fields: ReadonlyArray<string>): Array<string> =>
  fields.flatMap((field) => String(field).slice(0, MAX_FIELD).match(ADDRESS) ?? [])

/** The registrable domain of an address's host, else the host itself. */
const domainOf = (address: string): string => {
  const host = address.slice(address.lastIndexOf("@") + 1).replace(/\.+$/, "")
  return registrableDomain(host) ?? host
}

/** Whether `b` follows `a` in a sorted list and begins with the same character (both lower-case). */
const nextInList = (a: string, b: string): boolean => a < b && a[0] === b[0]

/**
 * Whether the recipients of the To fields `to` and then the Cc fields `cc` (every such field, as
 * sent) hold a run of three whose addresses follow each other in alphabetical order, begin with
 * the same character and lie on two or more registrable domains.
 */
export const recipientsSortedRun = (to: ReadonlyArray<string>, cc: ReadonlyArray<string>): boolean => {
  if (atSigns(to, RUN) + atSigns(cc, RUN) < RUN) return false
  const addresses = [...addressesOf(to), ...addressesOf(cc)].slice(0, MAX_ADDRESSES).map((a) => a.toLowerCase())
  let start = 0
  for (let i = 1; i < addresses.length; i++) {
    if (!nextInList(addresses[i - 1]!, addresses[i]!)) {
      start = i
      continue
    }
    if (i - start + 1 < RUN) continue
    const run = addresses.slice(i - RUN + 1, i + 1)
    if (new Set(run.map(domainOf)).size >= 2) return true
  }
  return false
}
