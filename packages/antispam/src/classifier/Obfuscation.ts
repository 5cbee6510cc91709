/**
 * Word obfuscation: tricks that keep a word readable to people but unknown to a token table.
 * They are evidence in any language because ordinary writing has no reason for them.
 *
 * - character substitution: a digit or symbol standing in for a letter inside a word
 *   (`v1agra`, `m0rtgage`, `pa$$word`, `v!agra`); `|` and `@` are left out, as shell
 *   pipes and local addresses use them between letters. A look-alike keeps the word in one
 *   case (`v1agra`, `V1AGRA`, `V1agra`); where the case changes across the symbol it joins two
 *   words instead: a sentence glued to the next (`out!PEAK`, `FRIEND!To`) or a name written
 *   in camel case (`Buy4Now`), which newsletters repeat;
 * - spacing: a word spelled out with a separator between every letter (`V I A G R A`,
 *   `v.i.a.g.r.a`, `f-r-e-e-e`);
 * - zero-width and mixed-script words are found where the text is read (Words, HeaderEvidence).
 *
 * Linear in the input: one pass of bounded regular expressions over a bounded prefix.
 *
 * @category constructors
 * @since 0.2.0
 */

const MAX_CHARS = 50_000

/**
 * Letters with one or two look-alike digits or symbols (single or doubled, `pa$$word`) inside (not at an edge: `win32`, `mp3`
 * and `x86` end or start with their digits). At least 5 characters and 4 letters, so `b2b`,
 * `p2p`, `l10n` and `i18n` (two digits in a row) stay out.
 */
const SUBSTITUTED = /^[a-z]+(?:[013457$!]{1,2}[a-z]+){1,2}$/i
/** A letter, one or two look-alikes, a letter: global, for `substitutedWords`' jumps from one to the next. */
const CANDIDATES = /[a-z][013457$!]{1,2}[a-z]/gi
/** Hex strings (hashes, identifiers) are letters a-f with digits: not words. */
const HEX = /^[0-9a-f]+$/i

const isUpper = (c: number): boolean => c >= 65 && c <= 90
const isLower = (c: number): boolean => c >= 97 && c <= 122

const isSubstituted = (w: string): boolean => {
  if (w.length < 5 || w.length > 20 || !SUBSTITUTED.test(w) || HEX.test(w)) return false
  let letters = 0
  let upper = 0
  for (let i = 0; i < w.length; i++) {
    const c = w.charCodeAt(i)
    if (isLower(c)) letters++
    else if (isUpper(c)) {
      letters++
      upper++
    }
  }
  // One case throughout, or a capital first letter only (SUBSTITUTED makes w start with a letter).
  const oneCase = upper === 0 || upper === letters || (upper === 1 && isUpper(w.charCodeAt(0)))
  return letters >= 4 && oneCase
}

/** A character of the runs that can hold a substituted word: `[a-zA-Z0-9$!]`. */
const isRunChar = (c: number): boolean => isLower(c) || isUpper(c) || (c >= 48 && c <= 57) || c === 36 || c === 33

const isLetter = (c: number): boolean => isLower(c) || isUpper(c)

/** A look-alike of `SUBSTITUTED`: `[013457$!]`. */
const isLookAlike = (c: number): boolean =>
  c === 48 || c === 49 || c === 51 || c === 52 || c === 53 || c === 55 || c === 36 || c === 33

/**
 * Whether `text[from, to)` holds a letter, one or two look-alikes and a letter (what `CANDIDATES`
 * matches). Every word `SUBSTITUTED` accepts holds one, so a piece without one is no candidate.
 */
const hasLetterSymbolLetter = (text: string, from: number, to: number): boolean => {
  for (let i = from + 1; i < to - 1; i++) {
    if (!isLookAlike(text.charCodeAt(i)) || !isLetter(text.charCodeAt(i - 1))) continue
    const next = text.charCodeAt(i + 1)
    if (isLetter(next)) return true
    if (i + 2 < to && isLookAlike(next) && isLetter(text.charCodeAt(i + 2))) return true
  }
  return false
}

/**
 * Words with substituted characters in `text` as written (counted up to `limit`; the case
 * tells a look-alike from two words joined). The candidates are what `/[a-zA-Z0-9$!]{5,20}/g`
 * matches: each run of `isRunChar` characters cut into pieces of 20 from its start, the last
 * piece kept if it has at least 5. Only a run with a letter-symbol-letter inside (a match of
 * `CANDIDATES`, whose characters are all run characters, so it lies within one run) can hold a
 * word `SUBSTITUTED` accepts: the expression, a native scan, jumps from one such run to the next,
 * and only those runs are read here, in the text's order. The ordinary words between them, the
 * bulk of any text, cost no step of this loop (a char-code loop over every run read ~3.4 ns a
 * character, ~24 µs a message of the peer workload, whose URLs' hex paths keep it going to the end).
 * A piece with a letter-symbol-letter run inside that stands alone is sliced and checked.
 */
export const substitutedWords = (text: string, limit = 10): number => {
  let n = 0
  const sample = text.length > MAX_CHARS ? text.slice(0, MAX_CHARS) : text
  const length = sample.length
  CANDIDATES.lastIndex = 0
  for (let found = CANDIDATES.exec(sample); found !== null; found = CANDIDATES.exec(sample)) {
    // The run around the candidate: runs before it held none, or were read to their end.
    let start = found.index
    while (start > 0 && isRunChar(sample.charCodeAt(start - 1))) start--
    let i = found.index + found[0].length
    while (i < length && isRunChar(sample.charCodeAt(i))) i++
    CANDIDATES.lastIndex = i
    if (i - start < 5) continue
    for (let at = start; i - at >= 5; at += 20) {
      const end = Math.min(at + 20, i)
      // Part of a longer run (an address, a URL, a hex string): not a word.
      if (isWordChar(sample.charCodeAt(at - 1)) || isWordChar(sample.charCodeAt(end))) continue
      if (!hasLetterSymbolLetter(sample, at, end)) continue
      if (isSubstituted(sample.slice(at, end)) && ++n >= limit) {
        CANDIDATES.lastIndex = 0
        return n
      }
    }
  }
  return n
}

const isWordChar = (c: number): boolean =>
  isLower(c) ||
  isUpper(c) ||
  (c >= 48 && c <= 57) ||
  c === 46 ||
  c === 47 ||
  c === 95 ||
  c === 45 ||
  c === 64 ||
  c === 61

/**
 * Five or more single letters with the same separator between each (`V I A G R A`). Checked
 * per separator so that prose such as "a b c" or initials like "U.S.A." do not count.
 */
const SPACED = /(?:^|[\s(])(\p{L})([ .*_\-+~])\p{L}(?:\2\p{L}){3,}(?=$|[\s).,!?:;])/u

export const hasSpacedWord = (text: string): boolean =>
  SPACED.test(text.length > MAX_CHARS ? text.slice(0, MAX_CHARS) : text)

/** Obfuscation features for a subject and a body text (feature names without prefix). */
export const analyseObfuscation = (subject: string, body: string): Array<string> => {
  const features: Array<string> = []
  if (substitutedWords(subject, 1) >= 1 || substitutedWords(body, 2) >= 2) features.push("word_substitution")
  if (hasSpacedWord(subject) || hasSpacedWord(body)) features.push("word_spacing")
  return features
}
