// Html.ts as it was before its tag and anchor loops used `exec` instead of `matchAll`: the oracle
// TextScans.test.ts compares the current code with. Kept verbatim but for the module header.
import { registrableDomain } from "../../../src/classifier/Domains.ts"

export interface HtmlEvidence {
  readonly tokens: ReadonlyArray<string>
  readonly features: ReadonlyArray<string>
  /** Number of `<img>` tags. */
  readonly images: number
}

const MAX_HTML = 200_000
const TAG = /<\s*([a-zA-Z][a-zA-Z0-9]{0,15})\b([^>]{0,300})>/g
const A_OPEN = /<a\s([^>]{0,1000})>/gi
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
  let n = 0
  for (const _ of text.slice(0, 50_000).matchAll(LAYOUT_TAG)) if (++n >= 5) return true
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

export const analyseHtml = (htmls: ReadonlyArray<string>): HtmlEvidence => {
  const tokens = new Set<string>()
  const features = new Set<string>()
  let images = 0
  let budget = MAX_HTML
  for (const whole of htmls) {
    if (budget <= 0) break
    const html = whole.length > budget ? whole.slice(0, budget) : whole
    budget -= html.length
    let tagCount = 0
    let white = false
    for (const m of html.matchAll(TAG)) {
      if (++tagCount > 3000) break
      const tag = m[1]!.toLowerCase()
      const attrs = m[2] ?? ""
      // No plain `html:tag:*` tokens: "uses HTML" told spam from ham in 2002 and tells nothing
      // since (held-out training mail: dropping them halved the false positives).
      if (tag === "img") images++
      if (tag === "form") features.add("html_form")
      if (tag === "script") features.add("html_script")
      if (tag === "iframe" || tag === "object" || tag === "embed") features.add("html_embed")
      if (tag === "font" && /\bsize\s*=\s*["']?\+?[4-7]/i.test(attrs)) features.add("html_big_font")
      if ((tag === "font" && /\bsize\s*=\s*["']?(?:1|-[1-9])\b/i.test(attrs)) || TINY_CSS_FONT.test(attrs))
        features.add("html_tiny_font")
      if (/\bdisplay\s*:\s*none|visibility\s*:\s*hidden|font-size\s*:\s*[01](?:\.\d+)?(?:px|pt)?\s*[;"']/i.test(attrs))
        features.add("html_hidden_text")
      if ((tag === "font" && /\bcolor\s*=\s*["']?#?(?:fff|ffffff|white)\b/i.test(attrs)) || WHITE_CSS_TEXT.test(attrs))
        white = true
    }
    // White text with no background colour anywhere: invisible on the white page mail readers
    // default to (newsletters with white text on a coloured cell set a background, inline or in a style sheet).
    if (white && !/bgcolor|background/i.test(html)) features.add("html_white_text")
    if (COMMENT_IN_WORD.test(html)) features.add("html_comment_in_word")
    if (trailingJunk(whole)) features.add("html_trailing_junk")
    if (/&#x?[0-9a-f]{2,6};/i.test(html) && (html.match(/&#x?[0-9a-f]{2,6};/gi)?.length ?? 0) > 20)
      features.add("html_entity_heavy")
    // Anchors: the opening tag by a bounded regex, the text up to `</a` by indexOf, so a
    // hostile part costs linear time.
    let anchors = 0
    for (const m of html.matchAll(A_OPEN)) {
      if (++anchors > 300) break
      const href = HREF.exec(m[1] ?? "")?.[1]
      if (!href) continue
      const start = m.index + m[0].length
      const close = html
        .slice(start, start + 310)
        .toLowerCase()
        .indexOf("</a")
      if (close < 0) continue
      const text = html.slice(start, start + close).replace(/<[^>]*>/g, "")
      const shown = VISIBLE_HOST.exec(text)?.[1]?.toLowerCase()
      const target = HOST_OF_HREF.exec(href)?.[1]?.toLowerCase()
      if (shown && target && registrable(shown) !== registrable(target)) features.add("url_text_mismatch")
      if (/^\s*(?:click|here|click here)\s*$/i.test(text)) tokens.add("html:click-here")
    }
  }
  return { tokens: [...tokens], features: [...features], images }
}
