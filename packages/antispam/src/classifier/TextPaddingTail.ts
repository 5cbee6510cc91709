/**
 * `text_padding_tail`: one of a text's last twelve lines that hold more than blanks is a random
 * string, new for every copy so that no two copies have the same checksum: a run of letters and
 * digits (`4139vOLW7-758DoDY1425FRhM1-764SMFc8513fCsLl40`, `xay1992351y`), a run of lower-case
 * letters that no language spells (`mvuyrbjoefexbxbqnxqafujbgnn`), or such a run after a short tag
 * in brackets (`(I3-ss1)9302YsCL8-129qkjk2635Okca5-604qkYb2284cVMm7-023uoOI4889tl53`).
 * `text_trailing_junk` reads the last line only: a list's footer, a removal paragraph or a blank
 * form after the padding hides it from that check, and a run of letters alone never passes it.
 * People end a message with a name, a signature or a sentence; PGP armour (signatures, keys) is
 * left out, as its lines of base64 look the same.
 *
 * A line counts when it is (trimmed) one of:
 * - `text_trailing_junk`'s random line (8-80 letters, digits and hyphens, a lower-case letter and a
 *   digit, three runs or more, not hex alone) of 10 characters or more, with four runs or more or
 *   no hyphen (`jobfair24-Team`, a team's name, is not padding);
 * - 15 to 80 lower-case letters whose vowels (`aeiouy`) are under a fifth or over three quarters
 *   of them, or with five letters that are not vowels in a row;
 * - a tag of 2-12 letters, digits and hyphens in brackets and 16 or more of them after it.
 *
 * Counted on the training corpus (all subsets, 4,150 ham / 1,896 spam): 0 ham, 135 spam of both
 * eras, 27 of them missed by the shipped model on its features alone, 18 of those at 0.7 or more
 * (`bench/classifier-body28-candidates.mjs`).
 *
 * @category constructors
 * @since 0.5.0
 */
import { MessageModel } from "@mailmoat/core"
import { junkLine } from "./TextTrailingJunk.ts"

/** White space as `trim` removes it (core's test, shared by its scans). */
const { isWhitespace } = MessageModel

/** Lines read from a text's end that hold more than blanks. */
const TAIL_LINES = 12
/** Characters of a text's end read: twelve lines of padding and prose are in them. */
const TAIL = 6_000
const LETTERS = /^[a-z]{15,80}$/
const VOWEL = /[aeiouy]/g
const CONSONANTS_5 = /[b-df-hj-np-tv-xz]{5}/
const TAGGED = /^\([A-Za-z0-9-]{2,12}\)[A-Za-z0-9-]{16,}$/
const RUN = /[A-Za-z]+|\d+/g
const ARMOUR_BEGIN = /^-----BEGIN PGP /
const ARMOUR_END = /^-----END PGP /

const runs = (line: string): number => {
  let n = 0
  RUN.lastIndex = 0
  while (RUN.exec(line) !== null) n++
  return n
}

/** Whether `word` (lower-case letters) is spelt as no language spells one (see the module's header). */
const randomLetters = (word: string): boolean => {
  if (!LETTERS.test(word)) return false
  const vowels = word.match(VOWEL)?.length ?? 0
  return vowels * 5 < word.length || vowels * 4 > word.length * 3 || CONSONANTS_5.test(word)
}

/** Whether the trimmed `line` is a random string of padding (see the module's header). */
export const paddingLine = (line: string): boolean =>
  (line.length >= 10 && junkLine(line) && (runs(line) >= 4 || !line.includes("-"))) ||
  randomLetters(line) ||
  TAGGED.test(line)

/** Letters, digits, hyphens and brackets: the only characters of a padding line (see above). */
const isPaddingChar = (c: number): boolean =>
  (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 45 || c === 40 || c === 41

/** The shortest padding line: `text_trailing_junk`'s random line of 10 characters. */
const MIN_PADDING = 10

/**
 * Whether `text[from, to)` has a padding line's length and characters only: every form above is
 * 10 or more of them, with no blank. A line of prose fails at its first space, so `paddingLine`'s
 * expressions (and the line as a string) are left for the lines that could be padding.
 */
const paddingShape = (text: string, from: number, to: number): boolean => {
  if (to - from < MIN_PADDING) return false
  for (let i = from; i < to; i++) if (!isPaddingChar(text.charCodeAt(i))) return false
  return true
}

const HYPHEN = 45

/**
 * Whether one of the last `TAIL_LINES` lines of `text` that hold more than blanks (PGP armour left
 * out) is padding. Reads upwards from the end line by line, so a long text costs what its tail does.
 * A line is trimmed in place (`isWhitespace` is what `trim` removes) and made a string only when
 * it starts as an armour line does or has a padding line's shape.
 */
const tailHasPadding = (text: string): boolean => {
  const floor = Math.max(0, text.length - TAIL)
  let end = text.length
  let seen = 0
  let armoured = false
  while (end > floor && seen < TAIL_LINES) {
    const start = Math.max(floor, text.lastIndexOf("\n", end - 1) + 1)
    let from = start
    let to = end
    while (from < to && isWhitespace(text.charCodeAt(from))) from++
    while (to > from && isWhitespace(text.charCodeAt(to - 1))) to--
    // Both armour lines start with a hyphen.
    const line = from < to && text.charCodeAt(from) === HYPHEN ? text.slice(from, to) : undefined
    // Read upwards: an END line opens the armour, its BEGIN line closes it.
    if (line !== undefined && ARMOUR_END.test(line)) armoured = true
    else if (line !== undefined && ARMOUR_BEGIN.test(line)) armoured = false
    else if (!armoured && to > from) {
      if (paddingShape(text, from, to) && paddingLine(line ?? text.slice(from, to))) return true
      seen++
    }
    // The line break before this line: the next line up ends there.
    end = start - 1
  }
  return false
}

/** Whether one of the last twelve non-blank lines of any of `texts` (a message's decoded texts) is padding. */
export const textPaddingTail = (texts: ReadonlyArray<string>): boolean => {
  for (const text of texts) if (typeof text === "string" && tailHasPadding(text)) return true
  return false
}
