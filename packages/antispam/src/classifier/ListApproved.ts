/**
 * `list_approved`: the message carries LISTSERV's `Approved-By:` header naming an address: a list
 * whose owner approves each post (an announce-only or moderated list) sent it on. A person joins
 * such a list, and its owner, not the sender, decides what reaches it; the header says so whatever
 * the words are (docs/classifier.md, round 34).
 *
 * **Gotchas**
 * Counted on the corpus (train/ and eval/, 4,150 ham and 1,896 spam): 6 ham, from three lists
 * (a word-of-the-week letter, a TV channel's reminders, a slang-of-the-day list), and no spam. The
 * header is as easy to write as any other: it is a ham sign in the layer (-1), weighed by what the
 * training mail shows, never a verdict. Mailman's `Approved:` is a password its server removes, so
 * only `Approved-By` is read.
 *
 * @category constructors
 * @since 0.5.0
 */

/** An address in the header's first 300 characters (`list@LISTSERV.EXAMPLE.COM`). */
const ADDRESS = /[A-Za-z0-9._%+=-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63})+/

/** Whether any of the message's `Approved-By` values names an address. */
export const listApproved = (approvedBy: ReadonlyArray<string>): boolean =>
  approvedBy.some((v) => ADDRESS.test(String(v).slice(0, 300)))
