/**
 * Evidence from raw HTML parts: a few telling attribute tricks (as tokens), and tricks
 * that generalise across eras (as features): text hidden from the reader (display:none, tiny
 * fonts, white text), comments splitting words, links whose visible text names another host
 * than their target, forms and scripts; and HTML tags in a message that has no HTML part
 * (`text_plain_markup`: bulk tools sending HTML as text/plain, so the reader sees `<br>`), and
 * random text after the document's end (`html_trailing_junk`).
 *
 * Works with regular expressions over a bounded prefix of each part; it never builds a DOM.
 *
 * @category constructors
 * @since 0.1.0
 */
import { MessageModel } from "@mailmoat/core"
import { registrableDomain } from "./Domains.ts"

/** White space as `\s` matches it in a regular expression (core's test, shared by its scans). */
const { isWhitespace } = MessageModel

export interface HtmlEvidence {
  readonly tokens: ReadonlyArray<string>
  readonly features: ReadonlyArray<string>
  /** Number of `<img>` tags. */
  readonly images: number
  /** Number of links whose only content is an image: no word to read, only a picture to click. */
  readonly imageLinks: number
}

const MAX_HTML = 200_000
const A_OPEN = /<a\s([^>]{0,1000})>/gi
const IMG_TAG = /<img[\s/>]/i
/** A link's text once its tags are gone: nothing but blanks and non-breaking spaces. */
const BLANK = /^(?:\s|&nbsp;|&#160;)*$/i
const HREF = /\bhref\s*=\s*["']?([^"'\s>]{1,500})/i
const VISIBLE_HOST = /(?:https?:\/\/|www\.)([a-z0-9.-]+\.[a-z]{2,})/i
/** CSS font sizes from 2 to 5 px/pt: readable by a filter, not by a person (0-1 is hidden text). */
const TINY_CSS_FONT = /font-size\s*:\s*[2-5](?:\.\d+)?\s*(?:px|pt)\b/i
const WHITE_CSS_TEXT = /(?:^|[\s;"'])color\s*:\s*(?:#fff(?:fff)?|white)\b/i
const HOST_OF_HREF = /^https?:\/\/(?:[^@/?#]*@)?([^/:?#]+)/i

const registrable = (host: string): string => registrableDomain(host) ?? host

/** Tags that lay out or link a page; code and mail addresses in angle brackets are not among them. */
const LAYOUT_TAG = /<\s*(?:br|p|a\s+href|font|img|table|td|tr|div|b|center)\b[^<>]{0,300}>/gi

/**
 * True when plain text carries five or more layout tags: HTML sent as text/plain. A person who
 * quotes a tag or two while discussing a page stays below that.
 */
export const plainTextMarkup = (text: string): boolean => {
  const sample = text.slice(0, 50_000)
  let n = 0
  LAYOUT_TAG.lastIndex = 0
  while (LAYOUT_TAG.exec(sample) !== null) if (++n >= 5) return true
  return false
}

/** How far from a part's end `</html>` is looked for: the trailer is short, the part may not be. */
const TRAILER_WINDOW = 1000
const HTML_END = /<\/html\s*>/gi
/** A footer a list or a signature puts below the message starts with a delimiter line. */
const FOOTER_DELIMITER = /^(?:--|__|==)/
const LINK = /https?:|www\./i
const LETTER_OR_DIGIT = /[\p{L}\p{N}]/u
/** Two words in a row: prose (a disclaimer, a list's "to unsubscribe" line), not junk. */
const PROSE = /\p{L}{2,}\s+\p{L}{2,}/u
// Built once, not per message: the build writes an expression with `\p{...}` as a `new RegExp` call.
const COMMENT_IN_WORD = /\p{L}<!--[^>]{0,200}-->\p{L}/u

/**
 * True when the first line of text after the part's last `</html>` (in its last
 * `TRAILER_WINDOW` characters) is junk: letters or digits that are neither prose, a link nor a
 * footer's delimiter. Mail programs end the document with `</html>`; bulk tools put a random
 * string there (`3740oxdu6-332yIle8929EAtL5-l25`, `ndtxcpfjspwwtrkaxnxg`, the recipient's user
 * name), different in every copy, so that checksums of the message never match. Footers that
 * lists and gateways append (a delimiter line, sentences, the list's address) are not junk.
 */
export const trailingJunk = (html: string): boolean => {
  const tail = html.length > TRAILER_WINDOW ? html.slice(-TRAILER_WINDOW) : html
  let end = -1
  HTML_END.lastIndex = 0
  for (let m = HTML_END.exec(tail); m !== null; m = HTML_END.exec(tail)) end = m.index + m[0].length
  if (end < 0) return false
  for (const raw of tail
    .slice(end)
    .replace(/<[^<>]*>/g, " ")
    .split("\n")) {
    const line = raw.trim()
    if (line.length === 0) continue
    return !FOOTER_DELIMITER.test(line) && !LINK.test(line) && LETTER_OR_DIGIT.test(line) && !PROSE.test(line)
  }
  return false
}

const ENTITY = /&#x?[0-9a-f]{2,6};/gi
const BIG_FONT_ATTR = /\bsize\s*=\s*["']?\+?[4-7]/i
const SMALL_FONT_ATTR = /\bsize\s*=\s*["']?(?:1|-[1-9])\b/i
const HIDDEN_TEXT = /\bdisplay\s*:\s*none|visibility\s*:\s*hidden|font-size\s*:\s*[01](?:\.\d+)?(?:px|pt)?\s*[;"']/i
const WHITE_FONT_ATTR = /\bcolor\s*=\s*["']?#?(?:fff|ffffff|white)\b/i

// The tag `nextTag` found last: where its name starts and ends and where its `>` is. Module
// state rather than a result object per tag; `analyseHtml` reads it right after the call.
let nameStart = 0
let nameEnd = 0
let tagEnd = 0

const isAsciiLetter = (c: number): boolean => (c >= 97 && c <= 122) || (c >= 65 && c <= 90)
const isAsciiAlnum = (c: number): boolean => isAsciiLetter(c) || (c >= 48 && c <= 57)

/**
 * Whether the tag expression `/<\s*([a-zA-Z][a-zA-Z0-9]{0,15})\b([^>]{0,300})>/g` matches at or
 * after `from`; if so, the match's name and end are left in `nameStart`, `nameEnd` and `tagEnd`.
 * The expression cannot backtrack into another match at the same `<`: its white space is
 * followed by a letter, a name longer than 16 characters or followed by `_` leaves no word
 * boundary at any shorter length, and the attributes end at the first `>`, so one forward look
 * per `<` decides, bounded by the 300 characters the expression allows.
 */
const nextTag = (html: string, from: number): boolean => {
  const n = html.length
  for (let lt = html.indexOf("<", from); lt >= 0; lt = html.indexOf("<", lt + 1)) {
    let i = lt + 1
    while (i < n && isWhitespace(html.charCodeAt(i))) i++
    if (!isAsciiLetter(html.charCodeAt(i))) continue
    const start = i++
    while (i < n && i - start <= 16 && isAsciiAlnum(html.charCodeAt(i))) i++
    if (i - start > 16 || html.charCodeAt(i) === 95) continue
    const last = Math.min(n, i + 301)
    let gt = i
    while (gt < last && html.charCodeAt(gt) !== 62) gt++
    if (gt === last) continue
    nameStart = start
    nameEnd = i
    tagEnd = gt
    return true
  }
  return false
}

const OTHER = 0
const IMG = 1
const FORM = 2
const SCRIPT = 3
const EMBED = 4
const FONT = 5

/** Whether `html[start, end)` is `name` (lower case) in any case. Names are letters and digits. */
const nameIs = (html: string, start: number, end: number, name: string): boolean => {
  if (end - start !== name.length) return false
  for (let k = 0; k < name.length; k++) if ((html.charCodeAt(start + k) | 0x20) !== name.charCodeAt(k)) return false
  return true
}

/** The tags the analysis tells apart, by their name in any case (`iframe`, `object`, `embed` are one). */
const tagKind = (html: string, start: number, end: number): number => {
  if (nameIs(html, start, end, "img")) return IMG
  if (nameIs(html, start, end, "font")) return FONT
  if (nameIs(html, start, end, "form")) return FORM
  if (nameIs(html, start, end, "script")) return SCRIPT
  if (nameIs(html, start, end, "iframe") || nameIs(html, start, end, "object") || nameIs(html, start, end, "embed"))
    return EMBED
  return OTHER
}

/** How far after a link's opening tag its closing `</a` is looked for. */
const ANCHOR_TEXT = 310

/**
 * `html.slice(start, start + ANCHOR_TEXT).toLowerCase().indexOf("</a")`, found in place: no copy
 * of the window, none lower-cased. Lower-casing keeps every character where it is but U+0130,
 * which becomes two (`i` and a combining dot), and makes no `<`, `/` or `a` of anything but
 * those and `A`: so the offset is the tag's, plus one for each U+0130 before it.
 */
export const anchorClose = (html: string, start: number): number => {
  const last = Math.min(html.length, start + ANCHOR_TEXT) - 2
  let shift = 0
  for (let i = start; i < last; i++) {
    const c = html.charCodeAt(i)
    if (c === 0x130) shift++
    else if (c === 60 && html.charCodeAt(i + 1) === 47 && (html.charCodeAt(i + 2) | 0x20) === 97)
      return i - start + shift
  }
  return -1
}

/** More than 20 numeric character references: counted up to 21, no array of every match. */
const entityHeavy = (html: string): boolean => {
  let n = 0
  ENTITY.lastIndex = 0
  while (n <= 20 && ENTITY.exec(html) !== null) n++
  return n > 20
}

export const analyseHtml = (htmls: ReadonlyArray<string>): HtmlEvidence => {
  const tokens = new Set<string>()
  const features = new Set<string>()
  let images = 0
  let imageLinks = 0
  let budget = MAX_HTML
  for (const whole of htmls) {
    if (budget <= 0) break
    const html = whole.length > budget ? whole.slice(0, budget) : whole
    budget -= html.length
    let tagCount = 0
    let white = false
    // Tags found by `nextTag` (what the tag expression matched, without a match array and three strings per
    // tag): the tag loop was a fifth of the classifier's garbage.
    for (let from = 0; nextTag(html, from); from = tagEnd + 1) {
      if (++tagCount > 3000) break
      const tag = tagKind(html, nameStart, nameEnd)
      // No plain `html:tag:*` tokens: "uses HTML" told spam from ham in 2002 and tells nothing
      // since (held-out training mail: dropping them halved the false positives).
      if (tag === IMG) images++
      if (tag === FORM) features.add("html_form")
      if (tag === SCRIPT) features.add("html_script")
      if (tag === EMBED) features.add("html_embed")
      // Every attribute test below needs a character to match: a tag without attributes has none.
      if (tagEnd === nameEnd) continue
      const attrs = html.slice(nameEnd, tagEnd)
      const font = tag === FONT
      if (font && BIG_FONT_ATTR.test(attrs)) features.add("html_big_font")
      if ((font && SMALL_FONT_ATTR.test(attrs)) || TINY_CSS_FONT.test(attrs)) features.add("html_tiny_font")
      if (HIDDEN_TEXT.test(attrs)) features.add("html_hidden_text")
      if ((font && WHITE_FONT_ATTR.test(attrs)) || WHITE_CSS_TEXT.test(attrs)) white = true
    }
    // White text with no background colour anywhere: invisible on the white page mail readers
    // default to (newsletters with white text on a coloured cell set a background, inline or in a style sheet).
    if (white && !/bgcolor|background/i.test(html)) features.add("html_white_text")
    if (COMMENT_IN_WORD.test(html)) features.add("html_comment_in_word")
    if (trailingJunk(whole)) features.add("html_trailing_junk")
    if (entityHeavy(html)) features.add("html_entity_heavy")
    // Anchors: the opening tag by a bounded regex, the text up to `</a` by indexOf, so a
    // hostile part costs linear time.
    let anchors = 0
    A_OPEN.lastIndex = 0
    for (let m = A_OPEN.exec(html); m !== null; m = A_OPEN.exec(html)) {
      if (++anchors > 300) break
      const href = HREF.exec(m[1] ?? "")?.[1]
      if (!href) continue
      const start = m.index + m[0].length
      const close = anchorClose(html, start)
      if (close < 0) continue
      const inner = html.slice(start, start + close)
      const text = inner.replace(/<[^>]*>/g, "")
      if (IMG_TAG.test(inner) && BLANK.test(text)) imageLinks++
      const shown = VISIBLE_HOST.exec(text)?.[1]?.toLowerCase()
      const target = HOST_OF_HREF.exec(href)?.[1]?.toLowerCase()
      if (shown && target && registrable(shown) !== registrable(target)) features.add("url_text_mismatch")
      if (/^\s*(?:click|here|click here)\s*$/i.test(text)) tokens.add("html:click-here")
    }
  }
  return { tokens: [...tokens], features: [...features], images, imageLinks }
}
