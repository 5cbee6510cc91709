/**
 * `from_name_caps`: the sender's display name written in capitals, as in `"DR SAMUEL EBOKA"
 * <…>` or `UK PRANK CALLS <…>`. Mail programs show the name a person typed once, in the case
 * people write their names; bulk tools and advance-fee scams fill the field from a template in
 * capitals. Letters are counted in any script that has case; a name in a script without case
 * (Chinese, Japanese, Korean) is never capitals. Addresses inside the field are not the name.
 *
 * Counted on the training corpus (all subsets, 4,150 ham / 1,896 spam): 1 ham, 65 spam.
 * Six letters at least, so that a short acronym ("IBM", "CNET", "NASA") is no shouted name.
 *
 * @category constructors
 * @since 0.4.0
 */
import { ADDRESS, caps } from "./HeaderEvidence.ts"

/** Letters of a display name below this are an acronym, not a name in capitals. */
const MIN_LETTERS = 6
const ANGLE_ADDRESS = /<[^<>]{0,300}>/g

/** The display name of a decoded From field: the field without its addresses. */
export const displayName = (from: string): string =>
  from.slice(0, 1000).replace(ANGLE_ADDRESS, " ").replace(ADDRESS, " ")

/** Whether the display name of the decoded From field is written in capitals only. */
export const fromNameCaps = (from: string | undefined): boolean => {
  if (from === undefined) return false
  const c = caps(displayName(from))
  return c.letters >= MIN_LETTERS && c.ratio === 1
}
