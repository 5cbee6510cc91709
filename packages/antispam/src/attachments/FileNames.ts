/**
 * What a file name says about how a mail client's system would open it: its effective extension
 * and whether the name hides it.
 *
 * **Gotchas**
 * - Windows ignores trailing dots and spaces (`invoice.exe.` and `invoice.exe ` run as `.exe`),
 *   so they are dropped before the extension is read.
 * - Bidirectional embeddings, overrides and isolates (U+202E RIGHT-TO-LEFT OVERRIDE and kin)
 *   make `report\u202Efdp.exe` display as `reportexe.pdf`: one in a name is `disguised`; the
 *   extension is read from the name's characters in their stored order, which is what the system
 *   runs. Zero-width characters and direction marks are dropped before reading the extension but
 *   are no disguise: Persian writes ZWNJ inside words, emoji sequences join with ZWJ, and names in
 *   Hebrew or Arabic carry RLM/LRM.
 * - Windows cuts a name at NUL and opens `x.exe::$DATA` as `x.exe` (the file's own contents).
 * - Paths inside archives use `/` (ZIP) and sometimes `\`: only the last component counts.
 *
 * @category models
 * @since 0.1.0
 */

// U+202A-U+202E, U+2066-U+2069: embeddings, overrides and isolates, which reorder what is shown.
const DISGUISE = /[\u202a-\u202e\u2066-\u2069]/
// The above, U+061C and U+200E-U+200F (direction marks), U+200B-U+200D, U+2060, U+FEFF
// (invisible joiners and spaces): no part of an extension as it is seen.
const INVISIBLE = /[\u061c\u200b-\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff]/g

export interface NameReading {
  /** Lower-case extension without the dot; empty when the name has none. */
  readonly extension: string
  readonly disguised: boolean
}

export const readName = (name: string): NameReading => {
  const nul = name.indexOf("\0")
  const whole = nul === -1 ? name : name.slice(0, nul)
  const base = whole.slice(Math.max(whole.lastIndexOf("/"), whole.lastIndexOf("\\")) + 1)
  const disguised = DISGUISE.test(base)
  const plain = base
    .replace(INVISIBLE, "")
    .replace(/::\$data$/i, "")
    .replace(/[. ]+$/, "")
  const dot = plain.lastIndexOf(".")
  return { extension: dot === -1 ? "" : plain.slice(dot + 1).toLowerCase(), disguised }
}
