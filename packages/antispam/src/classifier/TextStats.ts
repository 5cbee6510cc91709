/**
 * Language-independent statistics of the decoded text: how much of it is money, shouting and
 * punctuation, and whether the plain and HTML versions of one message say the same thing. A
 * table of words learns nothing from a language it has not seen; these numbers mean the same
 * in any of them.
 *
 * - features: `body_currency_dense` (many amounts of money for the length), `body_exclaim_dense`
 *   (exclamation marks as sentence ends), `text_html_mismatch` (a multipart/alternative whose
 *   text and HTML versions share few words: filters read one, people the other);
 * - tokens `stat:<name>:<bucket>` (capitals, digits, punctuation per letter), which the token
 *   table weighs like any other token.
 *
 * @category constructors
 * @since 0.2.0
 */
import { AsciiView } from "./AsciiView.ts"
import { TokenSet } from "./TokenSet.ts"
import { bucket, type WordText, wordBytes } from "./Words.ts"

/** Characters of a text `textStats` reads (its counts are of these). */
export const STATS_CHARS = 50_000

export interface TextStats {
  readonly letters: number
  /** Of `letters`, those of a script that writes a syllable or a word per character (`SYLLABIC`). */
  readonly syllabic: number
  readonly upper: number
  readonly digits: number
  readonly exclaims: number
  readonly punctuation: number
  readonly currency: number
}

const isCurrency = (c: number): boolean => c === 0x24 || c === 0xa3 || c === 0xa5 || c === 0x20ac || c === 0x20b9

/**
 * A reader of the runs of ASCII letters and of ASCII digits (each run one or the other) in the
 * first `window` characters of a text, given to `textStats`, which passes over them anyway:
 * `mark` gets each run's hash (`TopicGate.mark`).
 */
export interface LetterRuns {
  readonly window: number
  readonly mark: (hash: number) => void
}

/**
 * One pass over a bounded prefix of `text` (ASCII fast path, Unicode letters via the class), and
 * the runs of its first `runs.window` characters to `runs` when given: a run is cut where the
 * window ends, as the text read to that point ends it.
 */
export const textStats = (text: string, runs?: LetterRuns): TextStats => {
  let letters = 0
  let syllabic = 0
  let upper = 0
  let digits = 0
  let exclaims = 0
  let punctuation = 0
  let currency = 0
  const n = Math.min(text.length, STATS_CHARS)
  const window = runs === undefined ? 0 : Math.min(runs.window, n)
  // FNV-1a of the run so far, letters lower-cased, as `ClueIndex.hashRange` computes it (its
  // constants written out, as there), and its length: positive for letters, negative for digits.
  let h = 0x811c9dc5 | 0
  let run = 0
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i)
    // An ASCII letter: `c | 0x20` is a lower-case one exactly for A-Z and a-z.
    const lower = c | 0x20
    if (lower >= 97 && lower <= 122) {
      letters++
      if (c <= 90) upper++
      if (i < window) {
        if (run < 0) {
          runs!.mark(h)
          h = 0x811c9dc5 | 0
          run = 0
        }
        h = Math.imul(h ^ lower, 0x01000193)
        run++
      }
      continue
    }
    if (c >= 48 && c <= 57) {
      if (run > 0) {
        runs!.mark(h)
        h = 0x811c9dc5 | 0
        run = 0
      }
      if (i < window) {
        h = Math.imul(h ^ c, 0x01000193)
        run--
      }
      digits++
      // An amount: a currency sign right before the number (`$5`, `€ 20`) or a code after it.
      const prev = text.charCodeAt(i - 1)
      const prev2 = text.charCodeAt(i - 2)
      if (
        !(prev >= 48 && prev <= 57) &&
        prev !== 46 &&
        prev !== 44 &&
        (isCurrency(prev) || (prev === 32 && isCurrency(prev2)))
      )
        currency++
      continue
    }
    if (run !== 0) {
      runs!.mark(h)
      h = 0x811c9dc5 | 0
      run = 0
    }
    if (c === 33) {
      exclaims++
      punctuation++
    } else if (c === 63 || c === 42 || c === 35 || c === 37 || c === 126) punctuation++
    else if (c >= 0xc0 && ONE_LETTER.test(text[i]!)) {
      letters++
      if (isSyllabic(c)) syllabic++
      else if (ONE_UPPER.test(text[i]!)) upper++
    }
  }
  if (run !== 0) runs!.mark(h)
  return { letters, syllabic, upper, digits, exclaims, punctuation, currency }
}

/**
 * Latin letters one character of a syllabic or logographic script stands for: a Han character is a
 * syllable and most often a word or half of one, a kana a syllable, a Hangul block a syllable of
 * two to four letters. A text in Chinese, Japanese or Korean holds about a third as many
 * characters as the same text in a European language, so a threshold on the amount of text to
 * read counts each of them as three letters.
 */
export const SYLLABIC_WEIGHT = 3

/**
 * Whether the UTF-16 unit `c` is a Han character (CJK unified ideographs, extension A and the
 * compatibility block), a kana (hiragana, katakana, half-width katakana) or a Hangul syllable.
 */
export const isSyllabic = (c: number): boolean =>
  (c >= 0x4e00 && c <= 0x9fff) ||
  (c >= 0x3400 && c <= 0x4dbf) ||
  (c >= 0xf900 && c <= 0xfaff) ||
  (c >= 0x3041 && c <= 0x30ff) ||
  (c >= 0xff66 && c <= 0xff9d) ||
  (c >= 0xac00 && c <= 0xd7a3)

/**
 * How much `stats`' text says, in Latin letters: its letters, a syllabic one counting
 * `SYLLABIC_WEIGHT`. What a threshold of "little text" reads, so that it means the same amount of
 * text in any script.
 */
export const textAmount = (stats: TextStats): number => stats.letters + (SYLLABIC_WEIGHT - 1) * stats.syllabic

const LETTER = /\p{L}/uy
// Built once: the build writes an expression with `\p{...}` as a `new RegExp` call, which in a
// loop made a new expression object per character.
const ONE_LETTER = /\p{L}/u
const ONE_UPPER = /\p{Lu}/u

/** UTF-16 units of the letter (a code point of `\p{L}`) at `i` of `s`, 0 when there is none. */
const letterAt = (s: string, i: number): number => {
  const c = s.charCodeAt(i)
  if ((c >= 97 && c <= 122) || (c >= 65 && c <= 90)) return 1
  if (c < 0xaa) return 0
  LETTER.lastIndex = i
  return LETTER.test(s) ? LETTER.lastIndex - i : 0
}

/**
 * Distinct words of 3+ letters (first 400), into `into` (emptied first): the maximal runs of 3 or
 * more letters, which is what `/\p{L}{3,}/gu` matches, found by a scan that allocates no match
 * object (one per word was a tenth of the classifier's garbage) and, as the words are pieces of
 * the lower-cased text (`TokenSet`), no string per word. The scan hashes a run as it reads it
 * (`hashRange` of the run, the set's key), so a word's characters are not read a second time for it.
 */
export const wordSet = (text: string, into: TokenSet = new TokenSet()): TokenSet => {
  addWordRuns(text, into)
  return into
}

/**
 * `wordSet(text, into)`, counting the words added that `other` holds as well: their number is
 * returned. When given `enough`, the scan stops once that count divided by `other`'s size reaches
 * it (the caller then needs no more words: see `analyseText`).
 */
const addWordRuns = (text: string, into: TokenSet, other?: TokenSet, enough = Number.POSITIVE_INFINITY): number => {
  into.clear()
  const s = text.slice(0, VERSION_CHARS).toLowerCase()
  const bytes = ascii.of(s)
  if (bytes !== undefined) return addAsciiWordRuns(s, bytes, 0, s.length, into, other, enough)
  const n = s.length
  let shared = 0
  let i = 0
  while (i < n && into.size < 400) {
    const start = i
    let letters = 0
    // FNV-1a of the run so far, `hashRange`'s (its constants written out, as there).
    let hash = 0x811c9dc5 | 0
    for (let w = letterAt(s, i); w > 0; w = letterAt(s, i)) {
      hash = Math.imul(hash ^ s.charCodeAt(i), 0x01000193)
      // A letter outside the Basic Multilingual Plane: both units of its surrogate pair.
      if (w === 2) hash = Math.imul(hash ^ s.charCodeAt(i + 1), 0x01000193)
      i += w
      letters++
    }
    if (letters >= 3) {
      if (into.addRange(s, start, i - start, hash) && other?.has(s, start, i - start, hash) === true)
        if (++shared / other.size >= enough) return shared
    } else if (letters === 0) i += s.charCodeAt(i) < 0xd800 || s.codePointAt(i)! <= 0xffff ? 1 : 2
  }
  return shared
}

/** `addWordRuns`' bytes of an ASCII text. */
const ascii = new AsciiView()

/**
 * `addWordRuns` on `s[from, to)` (lower-cased) whose characters are all ASCII, read from `bytes`,
 * their codes, after `into` was emptied: its letters are those `letterAt` finds below 0x80, and each is one code unit.
 */
const addAsciiWordRuns = (
  s: string,
  bytes: Uint8Array,
  from: number,
  to: number,
  into: TokenSet,
  other: TokenSet | undefined,
  enough: number
): number => {
  const n = to
  let shared = 0
  let i = from
  while (i < n && into.size < 400) {
    const start = i
    let hash = 0x811c9dc5 | 0
    for (; i < n; i++) {
      const c = bytes[i]!
      if (!((c >= 97 && c <= 122) || (c >= 65 && c <= 90))) break
      hash = Math.imul(hash ^ c, 0x01000193)
    }
    const letters = i - start
    if (letters >= 3) {
      if (into.addRange(s, start, letters, hash) && other?.has(s, start, letters, hash) === true)
        if (++shared / other.size >= enough) return shared
    } else if (letters === 0) i++
  }
  return shared
}

/**
 * `addAsciiWordRuns(s, bytes, from, to, into)` (no other set) that also gives `hidden` every run of
 * ASCII letters and of ASCII digits it passes (`TopicGate`'s runs: their FNV-1a hashes, the
 * letters lower-cased, which `s` is), so that the version's one read serves its word set and the
 * topics' gate. Returns where it stopped: `to`, or after the run that filled the set (a run's end).
 */
const addAsciiWordRunsMarking = (
  s: string,
  bytes: Uint8Array,
  from: number,
  to: number,
  into: TokenSet,
  hidden: HiddenRuns
): number => {
  let i = from
  while (i < to && into.size < 400) {
    const start = i
    let hash = 0x811c9dc5 | 0
    for (; i < to; i++) {
      const c = bytes[i]!
      if (!((c >= 97 && c <= 122) || (c >= 65 && c <= 90))) break
      hash = Math.imul(hash ^ c, 0x01000193)
    }
    const letters = i - start
    if (letters > 0) {
      hidden.mark(hash)
      if (letters >= 3) into.addRange(s, start, letters, hash)
      continue
    }
    const c = bytes[i]!
    if (c >= 48 && c <= 57) {
      for (; i < to; i++) {
        const d = bytes[i]!
        if (!(d >= 48 && d <= 57)) break
        hash = Math.imul(hash ^ d, 0x01000193)
      }
      hidden.mark(hash)
    } else i++
  }
  return i
}

/** Share of the smaller word set found in the larger one (1 = same words). */
export const overlap = (a: string, b: string): number => setOverlap(wordSet(a), wordSet(b))

const setOverlap = (x: TokenSet, y: TokenSet): number => {
  const [small, large] = x.size <= y.size ? [x, y] : [y, x]
  if (small.size === 0) return 1
  let shared = 0
  for (let i = 0; i < small.size; i++)
    if (large.has(small.textAt(i), small.offsetAt(i), small.lengthAt(i), small.hashAt(i))) shared++
  return shared / small.size
}

/** Characters of a version whose words are read. */
const VERSION_CHARS = 20_000

/** Words each version needs for `text_html_mismatch` to be read. */
const MIN_VERSION_WORDS = 15
/** Overlap below which the versions say different things. */
const MISMATCH = 0.3

/**
 * Whether `html`'s words (into `htmlWords`) overlap `plain`'s by less than `MISMATCH`, `setOverlap`'s
 * share. The shared words are counted as the HTML's are added; the share divides them by the
 * smaller set, at most `plain`'s size, so once they reach `MISMATCH` of `plain`'s size the share
 * can only be larger, whatever the rest of the HTML holds, and its scan stops there (the usual
 * message, whose versions are one text, after a part of its HTML).
 */
const htmlMismatch = (plain: TokenSet, html: string): boolean =>
  mismatchOf(plain, addWordRuns(html, htmlWords, plain, MISMATCH))

/** `htmlMismatch` once `htmlWords` holds the HTML's words, `shared` of which `plain` holds. */
const mismatchOf = (plain: TokenSet, shared: number): boolean => {
  const size = htmlWords.size
  return size >= MIN_VERSION_WORDS && shared / Math.min(plain.size, size) < MISMATCH
}

/**
 * A message's two versions as pieces of one lower-cased text the tokenizer made anyway (the
 * body's text for its word scan, `Words.wordText`): for each version k, `read.input` from
 * `starts[k]` holds `alternative[k].toLowerCase()`. The pieces' words are read there, from the
 * scan's bytes, when the text is ASCII: neither version is cut, lower-cased and encoded again.
 */
export interface Versions {
  readonly read: WordText
  readonly starts: readonly [number, number]
  /**
   * Given when the plain version (the first) is one the text's statistics did not read: its runs
   * go to `hidden` (`TopicGate`'s `mark`; `scan` for what its word set's read leaves) as its
   * words are read (`analyseText` answers `hiddenMarked`).
   */
  readonly hidden?: HiddenRuns | undefined
}

/** The topics' gate as the reader of a version's runs (`TopicGate.mark`, `TopicGate.scan`). */
export interface HiddenRuns {
  readonly mark: (hash: number) => void
  readonly scan: (s: string) => void
}

/**
 * `text_html_mismatch` of `alternative` read from `versions` (see there), or undefined when its
 * text is not ASCII. Lower-casing gives every character one character in the same place when the
 * result is ASCII (the one character it makes two of, U+0130, gives one that is not), so the
 * first `VERSION_CHARS` of each version, lower-cased, are those of its piece.
 */
const versionsMismatch = (alternative: readonly [string, string], versions: Versions): boolean | undefined => {
  const bytes = wordBytes(versions.read)
  if (bytes === undefined) return undefined
  const { input } = versions.read
  const [plainStart, htmlStart] = versions.starts
  plainWords.clear()
  htmlWords.clear()
  plainWords.view(input, bytes)
  htmlWords.view(input, bytes)
  const plainEnd = plainStart + Math.min(VERSION_CHARS, alternative[0].length)
  const { hidden } = versions
  if (hidden === undefined)
    addAsciiWordRuns(input, bytes, plainStart, plainEnd, plainWords, undefined, Number.POSITIVE_INFINITY)
  else {
    const versionEnd = plainStart + alternative[0].length
    const reached = addAsciiWordRunsMarking(input, bytes, plainStart, plainEnd, plainWords, hidden)
    // The set filled: the rest of the version from the end of the run that filled it. Cut at
    // `VERSION_CHARS`, where a run may go on: all of it again (a run marked twice is marked).
    // The version lower-cased has the runs the gate reads in the version (it folds ASCII letters).
    if (reached < plainEnd) hidden.scan(input.slice(reached, versionEnd))
    else if (plainEnd < versionEnd) hidden.scan(input.slice(plainStart, versionEnd))
  }
  let mismatch = false
  if (plainWords.size >= MIN_VERSION_WORDS) {
    const htmlEnd = htmlStart + Math.min(VERSION_CHARS, alternative[1].length)
    mismatch = mismatchOf(
      plainWords,
      addAsciiWordRuns(input, bytes, htmlStart, htmlEnd, htmlWords, plainWords, MISMATCH)
    )
  }
  plainWords.unview()
  htmlWords.unview()
  return mismatch
}

/** The words of a message's plain and HTML versions: kept, emptied for each message. */
const plainWords = new TokenSet()
const htmlWords = new TokenSet()

/**
 * Features and stat tokens of a message's text. `alternative` holds the plain and the
 * HTML-reduced text of a message with exactly one of each, when it has them.
 */
export const analyseText = (
  text: string,
  alternative?: readonly [string, string],
  stats?: TextStats,
  versions?: Versions
): { features: Array<string>; tokens: Array<string>; hiddenMarked: boolean } => {
  const s = stats ?? textStats(text)
  const features: Array<string> = []
  const tokens: Array<string> = []
  if (s.currency >= 4 && s.currency * 500 >= s.letters) features.push("body_currency_dense")
  if (s.exclaims >= 5 && s.exclaims * 150 >= s.letters) features.push("body_exclaim_dense")
  let hiddenMarked = false
  if (alternative) {
    const shared = versions === undefined ? undefined : versionsMismatch(alternative, versions)
    hiddenMarked = shared !== undefined && versions?.hidden !== undefined
    if (shared === undefined) {
      const plain = wordSet(alternative[0], plainWords)
      // Both versions need some words: an empty text part is lazy software, not a trick.
      if (plain.size >= MIN_VERSION_WORDS && htmlMismatch(plain, alternative[1])) features.push("text_html_mismatch")
    } else if (shared) features.push("text_html_mismatch")
    plainWords.release()
    htmlWords.release()
  }
  if (s.letters >= 50) {
    tokens.push(`stat:caps:${bucket(Math.round((100 * s.upper) / s.letters), [2, 5, 10, 20, 40])}`)
    tokens.push(`stat:digits:${bucket(Math.round((100 * s.digits) / s.letters), [1, 3, 10, 30])}`)
    tokens.push(`stat:punct:${bucket(Math.round((1000 * s.punctuation) / s.letters), [1, 3, 10, 30])}`)
  }
  return { features, tokens, hiddenMarked }
}
