// Words.ts as it was before edges were trimmed by a char-code loop and white space came from core:
// the oracle ScoreScans.test.ts compares the current code with. Kept verbatim but for the module header.

/** Zero-width and invisible format characters used to break up words for filters. */
export const INVISIBLE =
  /[\u00AD\u061C\u115F\u1160\u17B4\u17B5\u180E\u200B-\u200F\u202A-\u202E\u2060-\u2064\u206A-\u206F\uFEFF]/g

const INVISIBLE_ONE = new RegExp(INVISIBLE.source)

/** True when the text contains an invisible character (non-global twin of `INVISIBLE`). */
export const hasInvisible = (text: string): boolean => INVISIBLE_ONE.test(text)

const EDGE = /^[^\p{L}\p{N}$€£]+|[^\p{L}\p{N}%!?]+$/gu
const URLISH = /^(?:https?:|ftp:|www\.|mailto:)/
// Control characters other than the white space that splits words (tab, line ends), and the
// invisible ones of `INVISIBLE`: both are dropped before splitting, in one pass over the text.
const DROPPED = new RegExp(`[\\u0000-\\u0008\\u000E-\\u001F\\u007F${INVISIBLE.source.slice(1, -1)}]`, "g")

export interface WordOptions {
  readonly prefix?: string | undefined
  readonly maxChars?: number | undefined
  readonly maxWords?: number | undefined
}

const isDigit = (c: number): boolean => c >= 48 && c <= 57

const isAsciiAlnum = (c: number): boolean => (c >= 97 && c <= 122) || (c >= 48 && c <= 57)

/** First letters of `URLISH` (h, f, w, m): other words skip the expression. */
const mayBeUrl = (c: number): boolean => c === 104 || c === 102 || c === 119 || c === 109

/** Length in code points (a surrogate pair counts once), without building an array. */
const codePoints = (w: string): number => {
  let n = w.length
  for (let i = 0; i < w.length; i++) {
    const c = w.charCodeAt(i)
    if (c >= 0xd800 && c <= 0xdbff) n--
  }
  return n
}

/** White space as `\s` matches it in a regular expression (ECMAScript WhiteSpace and LineTerminator). */
export const isSpace = (c: number): boolean =>
  c <= 32
    ? c === 32 || (c >= 9 && c <= 13)
    : c >= 0xa0 &&
      (c === 0xa0 ||
        c === 0x1680 ||
        (c >= 0x2000 && c <= 0x200a) ||
        c === 0x2028 ||
        c === 0x2029 ||
        c === 0x202f ||
        c === 0x205f ||
        c === 0x3000 ||
        c === 0xfeff)

/** The token of one white-space-separated run of cleaned, lower-cased text, if it gives one. */
const wordToken = (raw: string, prefix: string): string | undefined => {
  if (mayBeUrl(raw.charCodeAt(0)) && URLISH.test(raw)) return undefined
  // A very long run is a skip token whatever its edges; trimming it with EDGE would be
  // quadratic on a long run of punctuation.
  if (raw.length > 60) {
    if (isDigit(raw.charCodeAt(0))) return undefined
    return `${prefix}skip:${[...raw.slice(0, 2)][0]!} ${Math.min(10 * Math.floor(raw.length / 10), 100)}`
  }
  const w =
    isAsciiAlnum(raw.charCodeAt(0)) && isAsciiAlnum(raw.charCodeAt(raw.length - 1)) ? raw : raw.replace(EDGE, "")
  if (w.length === 0) return undefined
  const at = w.indexOf("@")
  if (at > 0 && at < w.length - 1) return `${prefix}email:${w.slice(at + 1).slice(0, 40)}`
  // Count code points, not UTF-16 units, so non-Latin words get the same limits.
  const len = codePoints(w)
  if (len < 3) return undefined
  if (len <= 12) return prefix + w
  if (isDigit(w.charCodeAt(0))) return undefined
  return `${prefix}skip:${String.fromCodePoint(w.codePointAt(0)!)} ${Math.min(10 * Math.floor(len / 10), 100)}`
}

/**
 * Splits text into word tokens; e-mail addresses become `email:<domain>`, URLs are skipped (URL
 * facts have their own tokens). The whole text is cleaned and lower-cased once, split on white
 * space by a scan that stops at `maxWords` tokens, and a word is trimmed by the Unicode-aware
 * expression only when an edge is not an ASCII letter or digit: this is the tokenizer's hottest
 * loop.
 */
export const words = (text: string, options: WordOptions = {}): Array<string> => pushWords(text, [], options)

/**
 * `words`, appended to `into` (at most `maxWords` of them), which it returns: the message body's
 * words go straight into the tokenizer's list instead of through an array of their own.
 */
export const pushWords = (text: string, into: Array<string>, options: WordOptions = {}): Array<string> => {
  const prefix = options.prefix ?? ""
  const limit = into.length + (options.maxWords ?? 5000)
  const maxChars = options.maxChars ?? 100_000
  const input = (text.length > maxChars ? text.slice(0, maxChars) : text).replace(DROPPED, "").toLowerCase()
  const n = input.length
  let i = 0
  while (into.length < limit) {
    while (i < n && isSpace(input.charCodeAt(i))) i++
    const start = i
    while (i < n && !isSpace(input.charCodeAt(i))) i++
    if (i === start) break
    const token = wordToken(input.slice(start, i), prefix)
    if (token !== undefined) into.push(token)
  }
  return into
}

/** Numeric value in one of a few buckets, so counts become tokens that generalise. */
export const bucket = (n: number, edges: ReadonlyArray<number>): string => {
  for (const e of edges) if (n <= e) return `${e}`
  return `${edges[edges.length - 1]}+`
}
