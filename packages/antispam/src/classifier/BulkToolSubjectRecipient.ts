/**
 * `subject_names_recipient`: the Subject calls the recipient by the address the mail was sent to,
 * the whole address (`Dear info@example.org, July 80% OFF`, `Account zzzz@…`) or its local part
 * as a greeting (`zzzz, do we have your money?`, `Hello katfish48 !`, `Rolex for you, j.harper`).
 * A bulk tool knows nothing of its recipient but the address, and writes it where a person's name
 * goes; a person, a shop or a service that greets someone greets them by the name it holds.
 *
 * Read: the decoded Subject's first 500 characters against every recipient address the message
 * names (`RecipientAddresses.ts`); a local part counts from 3 characters with a letter, as a whole
 * word (not inside a longer address or word) that a `,` or `!` follows, or that a `,`, `Dear`,
 * `Hi`, `Hello` or `Hey` precedes. Not in mail with a list header (List-Id, List-Post,
 * List-Unsubscribe, Mailing-List): a list's subject names the list's own address
 * (`Re: rpm-zzzlist@freshrpms.net`) or its tag (`[ILUG]`, the `ilug@` it was sent to).
 *
 * **Gotchas**
 * Counted on the corpus (train/ and eval/, 4,150 ham and 1,896 spam;
 * `bench/classifier-era35-candidates.mjs`, docs/classifier.md round 62): 0 ham, 45 spam of both
 * eras (the corpus replaced its readers' local parts by `zzzz` and `yyyy`, in the subjects too).
 * A local part that is a first name (`john@`) greeted by a person (`john, call me`) or by a shop
 * that sends no list header would be marked: none of the corpus's ham is.
 *
 * @category constructors
 * @since 0.5.0
 */

/** What the trait reads of a message. */
export interface SubjectRecipientInput {
  /** The decoded Subject. */
  readonly subject: string | undefined
  /** Header values and envelope addresses that name recipients, in any form (`Name <a@b>`, lists). */
  readonly recipients: Iterable<string>
  /** Whether the message carries a mailing list's header. */
  readonly listed: boolean
}

const MAX_SUBJECT = 500
const MAX_VALUE = 10_000
/** Addresses read per value and in all: a To of hundreds is a list, not one person. */
const MAX_PER_VALUE = 50
const MAX_ADDRESSES = 200
const ADDRESS = /([a-z0-9._%+=-]{1,64})@([a-z0-9.-]{1,253}\.[a-z]{2,})/g
/** A local part that names someone: 3 characters or more, with a letter. */
const MIN_LOCAL = 3
const LETTER = /[a-z]/
/** What a subject needs to name a recipient: an address's `@`, a greeting's `,` or `!`, or a greeting word. */
const MAY_NAME = /[@,!]|(?:^|[^a-z])(?:dear|hi|hello|hey)\s/
/** A word that greets the name after it. */
const GREETING = /(?:^|[^a-z])(?:dear|hi|hello|hey)\s+$/

/** A character that goes on a word or an address: letters, digits and `_ % + = - @`. */
const continues = (c: string | undefined): boolean => c !== undefined && /[a-z0-9_%+=@-]/.test(c)

/** Whether `subject` holds `local` as a word at `at`: not inside a longer word, address or host. */
const wordAt = (subject: string, local: string, at: number): boolean => {
  const before = subject[at - 1]
  if (continues(before) || before === ".") return false
  const end = at + local.length
  const after = subject[end]
  return !(continues(after) || (after === "." && continues(subject[end + 1])))
}

/** Whether the word `local` at `at` is a greeting: `local,`, `local !`, `, local`, `Dear local`. */
const greetsAt = (subject: string, local: string, at: number): boolean => {
  const after = subject.slice(at + local.length).trimStart()[0]
  if (after === "," || after === "!") return true
  const before = subject.slice(Math.max(0, at - 12), at)
  return /,\s*$/.test(before) || GREETING.test(before)
}

/** Whether `subject` greets by `local` somewhere (see the module's header). */
const greetsBy = (subject: string, local: string): boolean => {
  if (local.length < MIN_LOCAL || !LETTER.test(local)) return false
  for (let at = subject.indexOf(local); at >= 0; at = subject.indexOf(local, at + 1))
    if (wordAt(subject, local, at) && greetsAt(subject, local, at)) return true
  return false
}

/** Whether the Subject names a recipient by its address (see the module's header). */
export const subjectNamesRecipient = (input: SubjectRecipientInput): boolean => {
  if (input.listed || input.subject === undefined) return false
  const subject = input.subject.slice(0, MAX_SUBJECT).toLowerCase()
  // Most subjects hold none of what either form needs: the recipients are not read for them.
  if (!MAY_NAME.test(subject)) return false
  let read = 0
  for (const value of input.recipients) {
    let n = 0
    for (const a of String(value).slice(0, MAX_VALUE).toLowerCase().matchAll(ADDRESS)) {
      if (++n > MAX_PER_VALUE || ++read > MAX_ADDRESSES) break
      if (subject.includes(a[0]) || greetsBy(subject, a[1]!)) return true
    }
    if (read > MAX_ADDRESSES) return false
  }
  return false
}
