// HtmlText.ts as it was before its source-text replaces, attribute slices and spacing pass stopped
// copying unchanged text, spacing by the four replaces TextSpacing.tidy stands for: the oracle
// HtmlReduce.test.ts compares reduce with. Kept verbatim but for imports.
import * as HtmlEntities from "../../../src/message/HtmlEntities.ts"
const tidy = (s: string): string =>
  s
    .replace(/[\u00ad\u200b-\u200d\u2060\ufeff]/g, "")
    .replace(/[ \t\r\f\v\u00a0]+/g, " ")
    .replace(/ ?\n ?/g, "\n")
    .replace(/\n+/g, "\n")
    .trim()

export interface Reduced {
  readonly text: string
  /** Attribute values (entity-decoded, trimmed) in document order. */
  readonly links: ReadonlyArray<string>
}

const BLOCK = new Set([
  "address",
  "article",
  "aside",
  "blockquote",
  "br",
  "caption",
  "center",
  "dd",
  "div",
  "dl",
  "dt",
  "fieldset",
  "figcaption",
  "figure",
  "footer",
  "form",
  "h1",
  "h2",
  "h3",
  "h4",
  "h5",
  "h6",
  "header",
  "hr",
  "li",
  "main",
  "nav",
  "ol",
  "p",
  "pre",
  "section",
  "table",
  "tbody",
  "td",
  "tfoot",
  "th",
  "thead",
  "title",
  "tr",
  "ul"
])
const RAW_TEXT = new Set(["script", "style", "noscript", "template", "xmp"])

// Attribute scan over one tag's text; the value alternatives are single bounded classes.
const ATTR = /(?:^|[\s"'/])(href|src|action)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>"']+))/gi

/** Line breaks in the source are just whitespace; only block elements break lines. */
const sourceText = (s: string): string => s.replace(/[\t\n\r\f\v]/g, " ")

const isAlpha = (c: number): boolean => (c | 0x20) >= 0x61 && (c | 0x20) <= 0x7a
const isAlnum = (c: number): boolean => isAlpha(c) || (c >= 0x30 && c <= 0x39)

/** Index of the `>` closing the tag that opens at `lt`, honouring quoted attribute values; -1 if none. */
const tagEnd = (html: string, lt: number): number => {
  let quote = 0
  let afterEq = false
  for (let j = lt + 1; j < html.length; j++) {
    const c = html.charCodeAt(j)
    if (quote !== 0) {
      if (c === quote) quote = 0
      continue
    }
    if (c === 0x3e) return j
    if (c === 0x3d) afterEq = true
    else if (afterEq && (c === 0x22 || c === 0x27)) {
      quote = c
      afterEq = false
    } else if (c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) afterEq = false
  }
  return -1
}

/** Reduces HTML to text and links. Never throws; linear in the input. */
export const reduce = (html: string): Reduced => {
  const pieces: Array<string> = []
  const links: Array<string> = []
  const n = html.length
  let i = 0
  while (i < n) {
    const lt = html.indexOf("<", i)
    if (lt < 0) {
      pieces.push(sourceText(html.slice(i)))
      break
    }
    if (lt > i) pieces.push(sourceText(html.slice(i, lt)))
    const c1 = html.charCodeAt(lt + 1)
    if (html.startsWith("<!--", lt)) {
      const end = html.indexOf("-->", lt + 4)
      i = end < 0 ? n : end + 3
      continue
    }
    if (c1 === 0x21 || c1 === 0x3f) {
      const end = html.indexOf(">", lt + 2)
      i = end < 0 ? n : end + 1
      continue
    }
    const closing = c1 === 0x2f
    const nameStart = closing ? lt + 2 : lt + 1
    if (!isAlpha(html.charCodeAt(nameStart))) {
      pieces.push("<")
      i = lt + 1
      continue
    }
    const end = tagEnd(html, lt)
    if (end < 0) break
    let nameEnd = nameStart
    while (nameEnd < end && isAlnum(html.charCodeAt(nameEnd))) nameEnd++
    const name = html.slice(nameStart, nameEnd).toLowerCase()
    i = end + 1
    if (BLOCK.has(name)) pieces.push("\n")
    if (closing) continue
    const tag = html.slice(nameEnd, end)
    if (tag.includes("=")) {
      ATTR.lastIndex = 0
      for (let m = ATTR.exec(tag); m !== null; m = ATTR.exec(tag)) {
        const v = HtmlEntities.decode(m[2] ?? m[3] ?? m[4] ?? "")
          .replace(/[\t\r\n]/g, "")
          .trim()
        if (v !== "") links.push(v)
      }
    }
    if (RAW_TEXT.has(name)) {
      const close = new RegExp(`</${name}[\\s>/]`, "gi")
      close.lastIndex = i
      const m = close.exec(html)
      if (!m) break
      const gt = html.indexOf(">", m.index)
      i = gt < 0 ? n : gt + 1
    }
  }
  return { text: tidy(HtmlEntities.decode(pieces.join(""))), links }
}
