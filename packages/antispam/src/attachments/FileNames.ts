/**
 * What a file name says about how a mail client's system would open it: its effective extension
 * and whether the name hides it.
 *
 * **Gotchas**
 * - Windows ignores trailing dots and spaces (`invoice.exe.` and `invoice.exe ` run as `.exe`),
 *   so they are dropped before the extension is read.
 * - Bidirectional controls (U+202E RIGHT-TO-LEFT OVERRIDE and kin) make `report\u202Efdp.exe`
 *   display as `reportexe.pdf`; zero-width characters split a visible extension from the real
 *   one. Either in a name is `disguised`; the extension is read from the name's characters in
 *   their stored order, which is what the system runs.
 * - Paths inside archives use `/` (ZIP) and sometimes `\`: only the last component counts.
 *
 * @category models
 * @since 0.1.0
 */

// U+061C, U+200E-U+200F, U+202A-U+202E, U+2066-U+2069: bidirectional controls. U+200B-U+200D,
// U+2060, U+FEFF: invisible joiners and spaces.
const DISGUISE = /[\u061c\u200b-\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff]/

export interface NameReading {
  /** Lower-case extension without the dot; empty when the name has none. */
  readonly extension: string
  readonly disguised: boolean
}

export const readName = (name: string): NameReading => {
  const base = name.slice(Math.max(name.lastIndexOf("/"), name.lastIndexOf("\\")) + 1)
  const disguised = DISGUISE.test(base)
  const plain = (disguised ? base.replace(new RegExp(DISGUISE.source, "g"), "") : base).replace(/[. ]+$/, "")
  const dot = plain.lastIndexOf(".")
  return { extension: dot === -1 ? "" : plain.slice(dot + 1).toLowerCase(), disguised }
}
