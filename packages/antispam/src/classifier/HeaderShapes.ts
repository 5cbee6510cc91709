/**
 * Two malformed header shapes no mail library writes (round 25 in docs/classifier.md):
 *
 * - `content_type_empty_params`: a Content-Type with an empty parameter (`text/html;;;;`,
 *   `text/plain; ; charset=...`). Libraries write each parameter once after one `;`; a template
 *   filled in by a bulk tool with some parameters left empty leaves the separators. No ham of
 *   4,150, 7 spam.
 * - `from_empty_comment`: a From header that ends in an empty comment (`x@y.com ()`): a display
 *   name left empty in a template of the old `address (Name)` form. No ham, 19 spam.
 *
 * @category constructors
 * @since 0.5.0
 */

const EMPTY_PARAM = /;[ \t\r\n]*;/
const EMPTY_COMMENT = /\([ \t]*\)[ \t\r\n]*$/

/** Whether `contentType` (the header's raw value) holds an empty parameter. */
export const contentTypeEmptyParams = (contentType: string | undefined): boolean =>
  contentType !== undefined && EMPTY_PARAM.test(String(contentType).slice(0, 1000))

/** Whether `from` (the header's raw value) ends in an empty comment. */
export const fromEmptyComment = (from: string | undefined): boolean =>
  from !== undefined && EMPTY_COMMENT.test(String(from).slice(-200))
