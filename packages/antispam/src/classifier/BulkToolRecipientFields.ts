/**
 * `recipient_field_repeated`: the header block holds two or more To fields, Cc fields or Bcc
 * fields. RFC 5322 (section 3.6) allows each at most once, and a mail program writes every
 * recipient of a field into that one field; a bulk tool that writes a field per recipient
 * (`Cc: a@example.net`, `Cc: b@example.net`, ... dozens of them) does not.
 *
 * Counted on the training corpus (train/ and eval/, 4,150 ham / 1,896 spam): 0 ham, 13 spam (all
 * with repeated Cc fields), 3 of them missed by the shipped model with none of their words known,
 * all 3 at 0.7 or more (`bench/classifier-header33-candidates.mjs`, docs/classifier.md round 52).
 *
 * @category constructors
 * @since 0.5.0
 */

/** Whether any of the To fields `to`, the Cc fields `cc` and the Bcc fields `bcc` (every such field of the header block) are more than one. */
export const recipientFieldRepeated = (
  to: ReadonlyArray<string>,
  cc: ReadonlyArray<string>,
  bcc: ReadonlyArray<string>
): boolean => to.length > 1 || cc.length > 1 || bcc.length > 1
