/**
 * `charset_conflict`: the message's own charset declarations contradict each other, in one of
 * two forms:
 *
 * - the Subject declares a charset of a non-Latin script in an encoded word (`=?big5?B?…?=`,
 *   `=?iso-2022-jp?B?…?=`) while a text part carries 8-bit bytes under no charset at all;
 * - an HTML part's `<meta … charset=…>` names a charset of another script than the part's
 *   MIME charset (`charset=iso-8859-1` on the part, `gb2312` in the page).
 *
 * Mail libraries write a charset on every text part they encode, from the same setting as the
 * Subject's, so a program that knows the Subject needs RFC 2047 and leaves the body's bytes
 * undeclared assembled its headers by hand (a file attached as text is not read: mail programs
 * label one with its name alone). A page whose text is in one script and whose label
 * says another displays as garbage for everyone whose reader follows the label; a bulk tool that
 * stamps its default charset on any template does that. Only declarations of different scripts
 * count: UTF-8 fits any text, and Latin-1 against windows-1252 or UTF-8 (a template's meta left
 * as written while a mailing service re-encodes the page) names the same letters. Names this
 * table does not know never count.
 *
 * @category constructors
 * @since 0.4.0
 */
import type { MimePart } from "@mailmoat/core"

/** The script each known single-script charset writes; UTF-8 and UTF-16 are in none. */
const SCRIPTS: ReadonlyArray<readonly [string, RegExp]> = [
  [
    "latin",
    /^(?:us-ascii|ascii|iso[-_]?8859-(?:1|2|3|4|9|10|13|14|15|16)|latin-?[1-9]|windows-125[02478]|cp125[02478]|macintosh|x-mac-roman)$/
  ],
  ["zh-hans", /^(?:gb2312|gbk|x-gbk|gb18030|euc-cn|hz-gb-2312|cp936)$/],
  ["zh-hant", /^(?:big5|chinesebig5|big5-hkscs|x-x-big5|cp950)$/],
  ["ko", /^(?:euc-kr|ks_c_5601-1987|ks_c_5601|iso-2022-kr|cp949|x-windows-949)$/],
  ["ja", /^(?:shift[_-]jis|sjis|x-sjis|euc-jp|iso-2022-jp|cp932|windows-31j)$/],
  ["cyrillic", /^(?:koi8-r|koi8-u|windows-1251|cp1251|iso[-_]?8859-5|cp866|x-mac-cyrillic)$/],
  ["greek", /^(?:iso[-_]?8859-7|windows-1253|cp1253)$/],
  ["hebrew", /^(?:iso[-_]?8859-8(?:-i)?|windows-1255|cp1255)$/],
  ["arabic", /^(?:iso[-_]?8859-6|windows-1256|cp1256)$/],
  ["thai", /^(?:tis-620|windows-874|iso[-_]?8859-11)$/]
]

/** The script `charset` is written in, or undefined for UTF-8 and names not in the table. */
export const charsetScript = (charset: string | undefined): string | undefined => {
  if (typeof charset !== "string" || charset.length > 40) return undefined
  const name = charset.trim().toLowerCase()
  for (const [script, names] of SCRIPTS) if (names.test(name)) return script
  return undefined
}

/** RFC 2047 encoded words' charsets (an RFC 2231 language after `*` left out). */
const ENCODED_WORD_CHARSET = /=\?([^?*\s]{1,40})(?:\*[^?]*)?\?[bq]\?/gi
/** A `<meta>` tag's charset, in `charset=` or `content="text/html; charset=…"` form. */
const META_CHARSET = /<meta\b[^>]{0,300}?charset\s*=\s*["']?([\w.:-]{1,40})/i
/** Header characters and page bytes read: the head of a page holds its meta tags. */
const MAX_HEADER = 2000
const MAX_HEAD = 4096
const MAX_PARTS = 200
const MAX_DEPTH = 20
/** Bytes of a part searched for one that is not ASCII. */
const MAX_SCAN = 65536

const latin1 = new TextDecoder("latin1")

/** Whether an encoded word of `subject` declares a charset of a script other than Latin. */
const nonLatinEncodedWord = (subject: string | undefined): boolean => {
  if (typeof subject !== "string" || !subject.includes("=?")) return false
  ENCODED_WORD_CHARSET.lastIndex = 0
  const raw = subject.slice(0, MAX_HEADER)
  for (let m = ENCODED_WORD_CHARSET.exec(raw); m !== null; m = ENCODED_WORD_CHARSET.exec(raw)) {
    const script = charsetScript(m[1])
    if (script !== undefined && script !== "latin") {
      ENCODED_WORD_CHARSET.lastIndex = 0
      return true
    }
  }
  return false
}

const eightBit = (bytes: Uint8Array): boolean => {
  const n = Math.min(bytes.length, MAX_SCAN)
  for (let i = 0; i < n; i++) if (bytes[i]! >= 0x80) return true
  return false
}

/** The leaf parts of `root`, depth first, at most `MAX_PARTS` of them. */
export const leafParts = (root: MimePart): Array<MimePart> => {
  const leaves: Array<MimePart> = []
  const stack: Array<[MimePart, number]> = [[root, 0]]
  let seen = 0
  while (stack.length > 0 && seen++ < MAX_PARTS) {
    const [part, depth] = stack.pop()!
    const children = Array.isArray(part.children) ? part.children : []
    if (children.length === 0) leaves.push(part)
    else if (depth < MAX_DEPTH) for (let i = children.length - 1; i >= 0; i--) stack.push([children[i]!, depth + 1])
  }
  return leaves
}

const textType = (part: MimePart): string =>
  typeof part.contentType === "string" ? part.contentType.toLowerCase().slice(0, 60) : ""
const bodyOf = (part: MimePart): Uint8Array | undefined => (part.body instanceof Uint8Array ? part.body : undefined)

/** Whether `part` is a file attached (a name, or an `attachment` disposition), not body text. */
export const attached = (part: MimePart): boolean =>
  (typeof part.filename === "string" && part.filename.length > 0) || /attachment/i.test(String(part.disposition ?? ""))

/**
 * Whether an HTML part's meta tag and MIME label name charsets of two different scripts, over a
 * page that holds 8-bit bytes. A page of ASCII reads the same under either label: a stale meta
 * there harms no one and can stay unnoticed in a sender's template for years. The meta is read
 * first: few pages have a conflicting one, and the byte scan covers the whole page.
 */
const metaOtherScript = (part: MimePart): boolean => {
  const label = charsetScript(part.charset)
  const body = bodyOf(part)
  if (label === undefined || body === undefined) return false
  const script = charsetScript(META_CHARSET.exec(latin1.decode(body.subarray(0, MAX_HEAD)))?.[1])
  return script !== undefined && script !== label && eightBit(body)
}

/** Whether the Subject (raw, as sent) and the MIME parts of a message declare charsets that contradict. */
export const charsetConflict = (subject: string | undefined, mime: MimePart | undefined): boolean => {
  if (mime === undefined || mime === null) return false
  const leaves = leafParts(mime)
  const subjectNonLatin = nonLatinEncodedWord(subject)
  for (const part of leaves) {
    const type = textType(part)
    if (!type.startsWith("text/")) continue
    // A file attached as text (Outlook labels a `.txt` with its name only) is no body text.
    if (subjectNonLatin && !part.charset && !attached(part)) {
      const body = bodyOf(part)
      if (body !== undefined && eightBit(body)) return true
    }
    if (type === "text/html" && metaOtherScript(part)) return true
  }
  return false
}
