/**
 * Word tokens from decoded text, SpamBayes style: split on white space, trim punctuation,
 * lower-case, keep words of 3..12 characters, summarise longer ones as `skip:<c> <len>`, except
 * long runs that start with a digit (order, tracking and phone numbers): they name one sender's
 * numbering scheme, not a class, and on the other era of the training mail they made
 * newsletters look like spam.
 * Tokens never contain tabs or newlines (the model file is tab separated).
 *
 * Bounded: at most `maxChars` characters of input and `maxWords` tokens of output.
 *
 * @category constructors
 * @since 0.1.0
 */
import { MessageModel } from "@mailmoat/core"
import { AsciiView } from "./AsciiView.ts"
import { hashRange } from "./ClueIndex.ts"
import type { TokenSet } from "./TokenSet.ts"

/** White space as `\s` matches it in a regular expression (core's test, shared by its scans). */
const { isWhitespace } = MessageModel

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
const DROPPED_ONE = new RegExp(DROPPED.source)

/**
 * Whether `text` holds a character the word scan drops: a control character other than white space,
 * or an invisible one (so `hasInvisible(text)` implies it). A text without one can tell the scan
 * so (`WordOptions.noneDropped`), which then does not look for them a second time.
 */
export const hasDropped = (text: string): boolean => DROPPED_ONE.test(text)

export interface WordOptions {
  readonly prefix?: string | undefined
  readonly maxChars?: number | undefined
  readonly maxWords?: number | undefined
  /** The caller found `hasDropped(text)` false: nothing to remove before splitting. */
  readonly noneDropped?: boolean | undefined
  /**
   * `wordText(text, options)` made before (for this text and these options): the scan reads it
   * instead of lower-casing the text again.
   */
  readonly read?: WordText | undefined
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

/** A letter or digit of ASCII (the input is lower-cased, but a capital may survive it). */
const isAsciiLetterOrDigit = (c: number): boolean =>
  (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || (c >= 65 && c <= 90)

/**
 * `raw` without the edges `EDGE` removes, by a char-code loop while the edges are ASCII (a
 * trailing comma or full stop, quotes, brackets): one slice instead of a Unicode regular
 * expression per such word. ASCII letters and digits are the only ASCII characters of `\p{L}` and
 * `\p{N}`. An edge that reaches a non-ASCII character goes to the expression, which decides
 * letters and symbols of any script.
 */
const trimEdges = (raw: string): string => {
  let start = 0
  let end = raw.length
  while (start < end) {
    const c = raw.charCodeAt(start)
    if (c >= 0x80) return raw.replace(EDGE, "")
    if (isAsciiLetterOrDigit(c) || c === 36) break
    start++
  }
  while (end > start) {
    const c = raw.charCodeAt(end - 1)
    if (c >= 0x80) return raw.replace(EDGE, "")
    if (isAsciiLetterOrDigit(c) || c === 37 || c === 33 || c === 63) break
    end--
  }
  return start === 0 && end === raw.length ? raw : raw.slice(start, end)
}

/** The token of one white-space-separated run of cleaned, lower-cased text, if it gives one. */
const wordToken = (raw: string, prefix: string): string | undefined => {
  if (mayBeUrl(raw.charCodeAt(0)) && URLISH.test(raw)) return undefined
  // A very long run is a skip token whatever its edges; trimming it with EDGE would be
  // quadratic on a long run of punctuation.
  if (raw.length > 60) {
    if (isDigit(raw.charCodeAt(0))) return undefined
    return `${prefix}skip:${[...raw.slice(0, 2)][0]!} ${Math.min(10 * Math.floor(raw.length / 10), 100)}`
  }
  const w = isAsciiAlnum(raw.charCodeAt(0)) && isAsciiAlnum(raw.charCodeAt(raw.length - 1)) ? raw : trimEdges(raw)
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

/** Whether `input` at `start` begins as `URLISH` matches (h, f, w, m: see `mayBeUrl`). */
const isUrlAt = (input: string, start: number): boolean => {
  switch (input.charCodeAt(start)) {
    case 104:
      return input.startsWith("http:", start) || input.startsWith("https:", start)
    case 102:
      return input.startsWith("ftp:", start)
    case 119:
      return input.startsWith("www.", start)
    case 109:
      return input.startsWith("mailto:", start)
    default:
      return false
  }
}

/**
 * `wordToken(input.slice(start, end), prefix)`, slicing only the runs that give a token. `at` is
 * the offset of the run's first `@` (-1: none), `high` its number of high surrogates and `hash`
 * its `hashRange`, all three found by the scan that found the run's end; they are the run's own
 * when no edge needs trimming, the usual case. A run of one or two code units never gives a token (an address
 * needs three, a word three code points), and a URL none: neither is sliced.
 * The patterns of `URLISH` hold no white space, so a match at `start` never reaches past the run.
 */
const wordAt = (
  input: string,
  start: number,
  end: number,
  at: number,
  high: number,
  hash: number,
  prefix: string,
  take: WordTake
): boolean => {
  const length = end - start
  if (length <= 2) return true
  const first = input.charCodeAt(start)
  if (mayBeUrl(first) && isUrlAt(input, start)) return true
  if (length > 60) return takeToken(wordToken(input.slice(start, end), prefix), take)
  if (isAsciiAlnum(first) && isAsciiAlnum(input.charCodeAt(end - 1)))
    return keptWord(input, start, end, at, high, hash, prefix, take)
  // `trimEdges` on offsets: the ASCII edges are passed over in place, so the run is sliced once
  // (the word kept), not twice; an edge that reaches a non-ASCII character takes the old way.
  let from = start
  let to = end
  while (from < to) {
    const c = input.charCodeAt(from)
    if (c >= 0x80) return takeToken(wordToken(input.slice(start, end), prefix), take)
    if (isAsciiLetterOrDigit(c) || c === 36) break
    from++
  }
  while (to > from) {
    const c = input.charCodeAt(to - 1)
    if (c >= 0x80) return takeToken(wordToken(input.slice(start, end), prefix), take)
    if (isAsciiLetterOrDigit(c) || c === 37 || c === 33 || c === 63) break
    to--
  }
  if (from === to) return true
  // Only ASCII was trimmed: the high surrogates are the run's; its first `@` may have been.
  const atOffset = at < 0 ? -1 : from === start ? at : atIn(input, from, to)
  const trimmedHash = from === start && to === end ? hash : hashRange(input, from, to - from)
  return keptWord(input, from, to, atOffset < to - from ? atOffset : -1, high, trimmedHash, prefix, take)
}

/** Gives `token` to `take` when there is one; whether to go on. */
const takeToken = (token: string | undefined, take: WordTake): boolean => token === undefined || take.token(token)

/** Offset of the first `@` of `input[from, to)` from `from`, -1 if none: never past `to`. */
const atIn = (input: string, from: number, to: number): number => {
  for (let i = from; i < to; i++) if (input.charCodeAt(i) === 64) return i - from
  return -1
}

/**
 * The token of `input[start, end)`, a word whose edges need no trimming (`wordToken` from the
 * address test on): `at` is its first `@` (-1: none), `high` its number of high surrogates, `hash`
 * its `hashRange`.
 */
const keptWord = (
  input: string,
  start: number,
  end: number,
  at: number,
  high: number,
  hash: number,
  prefix: string,
  take: WordTake
): boolean => {
  const length = end - start
  if (at > 0 && at < length - 1) return take.token(`${prefix}email:${input.slice(start + at + 1, end).slice(0, 40)}`)
  const len = length - high
  if (len < 3) return true
  // The usual word: the run itself, given as a range of the text so that no string need be made.
  if (len <= 12)
    return prefix === "" ? take.range(input, start, end, hash) : take.token(prefix + input.slice(start, end))
  if (isDigit(input.charCodeAt(start))) return true
  return take.token(
    `${prefix}skip:${String.fromCharCode(input.charCodeAt(start))} ${Math.min(10 * Math.floor(len / 10), 100)}`
  )
}

/**
 * Splits text into word tokens; e-mail addresses become `email:<domain>`, URLs are skipped (URL
 * facts have their own tokens). The whole text is cleaned and lower-cased once, split on white
 * space by a scan that stops at `maxWords` tokens, and a word is trimmed by the Unicode-aware
 * expression only when an edge is not ASCII: this is the tokenizer's hottest loop.
 */
export const words = (text: string, options: WordOptions = {}): Array<string> => pushWords(text, [], options)

/**
 * Where the scan's words go, in order: `token` gets a token as a string, `range` a token that is
 * `input.slice(start, end)` of the cleaned, lower-cased text (left unmade), with the piece's
 * `hashRange`. Each answers whether to go on.
 */
interface WordTake {
  readonly token: (token: string) => boolean
  readonly range: (input: string, start: number, end: number, hash: number) => boolean
}

/**
 * `words`, appended to `into` (at most `maxWords` of them), which it returns: the message body's
 * words go straight into the tokenizer's list instead of through an array of their own.
 */
export const pushWords = (text: string, into: Array<string>, options: WordOptions = {}): Array<string> => {
  const limit = into.length + (options.maxWords ?? 5000)
  if (into.length < limit)
    eachWord(text, options, {
      token: (token) => into.push(token) < limit,
      range: (input, start, end) => into.push(input.slice(start, end)) < limit
    })
  return into
}

/**
 * The first `maxWords` words of `text`, added to `into` one by one while it holds fewer than
 * `maxSize` tokens: what adding `pushWords`' array to a set in that way gives, without the
 * array, and without a string for a word that is a piece of the text (`TokenSet`): a message's
 * words were several hundred strings, most of them repeats or never read again.
 */
export const addWords = (text: string, into: TokenSet, maxSize: number, options: WordOptions = {}): TokenSet => {
  const maxWords = options.maxWords ?? 5000
  let taken = 0
  if (maxWords > 0 && into.size < maxSize) {
    const read = options.read === undefined ? wordText(text, options) : current(options.read)
    // Most words repeat one added before, whose characters are then compared with theirs: both
    // are pieces of `read.input`, so by its bytes when it has them.
    if (read.bytes !== undefined) into.view(read.input, read.bytes)
    eachWordOf(read, options.prefix ?? "", {
      token: (token) => {
        into.add(token)
        return ++taken < maxWords && into.size < maxSize
      },
      range: (input, start, end, hash) => {
        into.addRange(input, start, end - start, hash)
        return ++taken < maxWords && into.size < maxSize
      }
    })
    into.unview()
  }
  return into
}

/** The word scan's bytes of an ASCII text (`eachAsciiWord`). */
const ascii = new AsciiView()

/**
 * Gives the words of `text` to `take` in order until it answers false. The scan for a run's end
 * also notes its first `@` and its high surrogates and hashes it (`wordAt`), so most runs are read
 * once (a set of the words then reads a repeated word's characters once more, to compare them)
 * and only those that give a token other than themselves are sliced. A text of ASCII alone (most
 * mail's) is read as bytes (`eachAsciiWord`).
 */
const eachWord = (text: string, options: WordOptions, take: WordTake): void =>
  eachWordOf(options.read === undefined ? wordText(text, options) : current(options.read), options.prefix ?? "", take)

/**
 * What the word scan reads of a text: `input`, the text cut to `maxChars`, without the characters
 * `hasDropped` looks for, lower-cased; and its bytes when all of them are ASCII. Made once, it
 * serves the tokenizer's other reader of the lower-cased text (`TextStats.analyseText`'s word
 * sets of a message's two versions) as well as the scan.
 */
export interface WordText {
  readonly input: string
  /**
   * `AsciiView.of(input)` of the word scan's view: its buffer, which the view's next call
   * overwrites. Read them through `wordBytes`, which tells whether they still are `input`'s.
   */
  readonly bytes: Uint8Array | undefined
  /** The view's `calls` once it made `bytes`. */
  readonly calls: number
}

/** The text `eachWord` reads of `text` (`WordOptions.maxChars`, `noneDropped`). */
export const wordText = (text: string, options: WordOptions): WordText => {
  const maxChars = options.maxChars ?? 100_000
  const cut = text.length > maxChars ? text.slice(0, maxChars) : text
  const input = (options.noneDropped === true ? cut : cut.replace(DROPPED, "")).toLowerCase()
  const bytes = ascii.of(input)
  return { input, bytes, calls: ascii.calls }
}

/**
 * `read.bytes` while the view has not been called since it made them (they then still are
 * `read.input`'s codes); else those codes made again.
 */
export const wordBytes = (read: WordText): Uint8Array | undefined =>
  read.bytes === undefined || ascii.calls === read.calls ? read.bytes : ascii.of(read.input)

/** `read` with its bytes as `wordBytes` gives them. */
const current = (read: WordText): WordText =>
  read.bytes === undefined || ascii.calls === read.calls
    ? read
    : { input: read.input, bytes: ascii.of(read.input), calls: ascii.calls }

/** `eachWord` of the text `read` was made of. */
const eachWordOf = ({ input, bytes }: WordText, prefix: string, take: WordTake): void => {
  if (bytes !== undefined) {
    eachAsciiWord(input, bytes, prefix, take)
    return
  }
  const n = input.length
  let i = 0
  for (;;) {
    while (i < n && isWhitespace(input.charCodeAt(i))) i++
    const start = i
    let at = -1
    let high = 0
    // Whether every character so far is a lower-case ASCII letter or a digit (the usual word).
    let plain = true
    // `hashRange(input, start, i - start)` as the run grows (its constants written out, as there).
    let hash = 0x811c9dc5 | 0
    for (; i < n; i++) {
      const c = input.charCodeAt(i)
      if (isAsciiAlnum(c)) {
        hash = Math.imul(hash ^ c, 0x01000193)
        continue
      }
      if (isWhitespace(c)) break
      plain = false
      hash = Math.imul(hash ^ c, 0x01000193)
      if (c === 64) {
        if (at < 0) at = i - start
      } else if (c >= 0xd800 && c <= 0xdbff) high++
    }
    if (i === start || !giveRun(input, start, i, plain, at, high, hash, prefix, take)) return
  }
}

/**
 * Gives `take` the token of the run `input[start, end)` (`wordAt`'s arguments, and `plain`: the
 * run is lower-case ASCII letters and digits alone); whether to go on. What `wordAt` gives a
 * plain run of 3 to 12, without its tests: no URL (each of `URLISH`'s prefixes holds a `:` or a
 * `.`), no edge to trim, no `@`, no surrogate.
 */
const giveRun = (
  input: string,
  start: number,
  end: number,
  plain: boolean,
  at: number,
  high: number,
  hash: number,
  prefix: string,
  take: WordTake
): boolean =>
  plain && prefix === "" && end - start >= 3 && end - start <= 12
    ? take.range(input, start, end, hash)
    : wordAt(input, start, end, at, high, hash, prefix, take)

/**
 * `eachWord`'s scan of `input` (cleaned and lower-cased) whose characters are all ASCII, read
 * from `bytes`, their codes: no run holds a surrogate, and white space is what it is below 0x80.
 */
const eachAsciiWord = (input: string, bytes: Uint8Array, prefix: string, take: WordTake): void => {
  const n = input.length
  let i = 0
  for (;;) {
    while (i < n && isAsciiWhitespace(bytes[i]!)) i++
    const start = i
    let at = -1
    let plain = true
    let hash = 0x811c9dc5 | 0
    for (; i < n; i++) {
      const c = bytes[i]!
      if (isAsciiAlnum(c)) {
        hash = Math.imul(hash ^ c, 0x01000193)
        continue
      }
      if (isAsciiWhitespace(c)) break
      plain = false
      hash = Math.imul(hash ^ c, 0x01000193)
      if (c === 64 && at < 0) at = i - start
    }
    if (i === start || !giveRun(input, start, i, plain, at, 0, hash, prefix, take)) return
  }
}

/** `isWhitespace` of an ASCII code: the space, tab, line feed, vertical tab, form feed, return. */
const isAsciiWhitespace = (c: number): boolean => c === 32 || (c >= 9 && c <= 13)

/** Numeric value in one of a few buckets, so counts become tokens that generalise. */
export const bucket = (n: number, edges: ReadonlyArray<number>): string => {
  for (const e of edges) if (n <= e) return `${e}`
  return `${edges[edges.length - 1]}+`
}
