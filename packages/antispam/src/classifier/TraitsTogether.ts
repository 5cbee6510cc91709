/**
 * Traits that name one sender's tool twice, read together (round 56, docs/classifier.md): the
 * layer weighs each feature on its own, so a message carrying a bulk tool's habit in its header
 * block and another in its body gets the two weights and no more, which with none of its words
 * known can stay under the cut-off. Each rule here is a combination of features the tokenizer has
 * already named, its groups the families the earlier rounds built, not a set a search over the
 * corpus picked; this only reads the feature names, never the message.
 *
 * - `bulk_header_and_body`: one of the traits of a tool that writes the header block itself
 *   (`BULK_HEADER`) and one of a body padded or laid out per copy by a template (`BULK_BODY`).
 *   Mail programs write the header block and people the text; a message whose header shows a
 *   tool's hand in one field and whose text shows it again was written by the tool throughout.
 *   Counted on the corpus (all subsets, 4,150 ham / 1,896 spam): 0 ham, 317 spam of both eras
 *   (`bench/classifier-together34-candidates.mjs --rule`).
 *
 * @category constructors
 * @since 0.5.0
 */

/**
 * A bulk tool's hand in the header block: a padded subject before a random tail (round 8), a code
 * or the clock in its tail (round 35), a Received stamp no server writes (round 17), a Message-ID
 * its relay wrote for a tool speaking SMTP (round 32) or in Outlook's form with random digits
 * (round 25), a random or bulk mailer's name (rounds 8, 21), a stand-in To, a sorted run of
 * addresses, a field per recipient (rounds 35, 52), a MIME boundary from the tool's clock (round 31).
 */
export const BULK_HEADER: ReadonlyArray<string> = [
  "subject_padding",
  "subject_code_tail",
  "subject_clock_stamp",
  "received_stamp_month_first",
  "message_id_relay_written",
  "message_id_forged_outlook",
  "mailer_random",
  "mailer_bulk",
  "to_stand_in",
  "to_sorted_run",
  "recipient_field_repeated",
  "mime_boundary_forged"
]

/**
 * A body padded or laid out per copy: a random tail in the text or after the page (rounds 10, 25,
 * 33), a short text spaced by lines of blanks of one width (round 39).
 */
export const BULK_BODY: ReadonlyArray<string> = [
  "text_padding_tail",
  "text_trailing_junk",
  "html_trailing_junk",
  "text_blank_spacing"
]

/** A combination: one trait or more of each group. */
interface Together {
  readonly name: string
  readonly groups: ReadonlyArray<ReadonlyArray<string>>
}

/** The rules, in the order their names are given. */
export const TOGETHER: ReadonlyArray<Together> = [{ name: "bulk_header_and_body", groups: [BULK_HEADER, BULK_BODY] }]

/** The names (without the `feat:` prefix) of the combinations that `features` (a message's, so far) hold. */
export const togetherFeatures = (features: ReadonlySet<string>): ReadonlyArray<string> => {
  const out: Array<string> = []
  for (const rule of TOGETHER) if (rule.groups.every((g) => g.some((f) => features.has(f)))) out.push(rule.name)
  return out
}
