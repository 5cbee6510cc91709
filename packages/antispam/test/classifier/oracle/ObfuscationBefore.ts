// Obfuscation.ts's `substitutedWords` as it was before it looked only at letter-symbol-letter runs:
// the oracle ScoreScans.test.ts compares the current code with. Kept verbatim but for the module header.

const MAX_CHARS = 50_000

/**
 * Letters with one or two look-alike digits or symbols (single or doubled, `pa$$word`) inside (not at an edge: `win32`, `mp3`
 * and `x86` end or start with their digits). At least 5 characters and 4 letters, so `b2b`,
 * `p2p`, `l10n` and `i18n` (two digits in a row) stay out.
 */
const SUBSTITUTED = /^[a-z]+(?:[013457$!]{1,2}[a-z]+){1,2}$/i
const CANDIDATE = /[a-z][013457$!]{1,2}[a-z]/i
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

/**
 * Words with substituted characters in `text` as written (counted up to `limit`; the case
 * tells a look-alike from two words joined). The candidates are what `/[a-zA-Z0-9$!]{5,20}/g`
 * matches: each run of `isRunChar` characters cut into pieces of 20 from its start, the last
 * piece kept if it has at least 5. A scan finds them without a match object per piece and
 * builds a string only for a piece that stands alone.
 */
export const substitutedWords = (text: string, limit = 10): number => {
  let n = 0
  const sample = text.length > MAX_CHARS ? text.slice(0, MAX_CHARS) : text
  // Most text has no letter-symbol-letter run at all: one cheap scan rules it out.
  if (!CANDIDATE.test(sample)) return 0
  const length = sample.length
  let i = 0
  while (i < length) {
    if (!isRunChar(sample.charCodeAt(i))) {
      i++
      continue
    }
    const start = i
    while (i < length && isRunChar(sample.charCodeAt(i))) i++
    for (let at = start; i - at >= 5; at += 20) {
      const end = Math.min(at + 20, i)
      // Part of a longer run (an address, a URL, a hex string): not a word.
      if (isWordChar(sample.charCodeAt(at - 1)) || isWordChar(sample.charCodeAt(end))) continue
      if (isSubstituted(sample.slice(at, end)) && ++n >= limit) return n
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
