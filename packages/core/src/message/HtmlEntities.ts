/**
 * HTML character references (named and numeric) to text. Named references cover the Latin-1
 * set plus the punctuation, symbols and invisible characters seen in mail (a bounded table, not
 * all 2 231 HTML5 names: unknown names are left as written). Numeric references follow the HTML
 * rules: 0x80-0x9F map as windows-1252, invalid code points become U+FFFD.
 *
 * @category internal
 * @since 0.1.0
 */

const LATIN1 =
  "nbsp iexcl cent pound curren yen brvbar sect uml copy ordf laquo not shy reg macr deg plusmn sup2 sup3 acute micro para middot cedil sup1 ordm raquo frac14 frac12 frac34 iquest " +
  "Agrave Aacute Acirc Atilde Auml Aring AElig Ccedil Egrave Eacute Ecirc Euml Igrave Iacute Icirc Iuml ETH Ntilde Ograve Oacute Ocirc Otilde Ouml times Oslash Ugrave Uacute Ucirc Uuml Yacute THORN szlig " +
  "agrave aacute acirc atilde auml aring aelig ccedil egrave eacute ecirc euml igrave iacute icirc iuml eth ntilde ograve oacute ocirc otilde ouml divide oslash ugrave uacute ucirc uuml yacute thorn yuml"

const NAMED = new Map<string, string>([
  ["amp", "&"],
  ["lt", "<"],
  ["gt", ">"],
  ["quot", '"'],
  ["apos", "'"],
  ["ensp", "\u2002"],
  ["emsp", "\u2003"],
  ["thinsp", "\u2009"],
  ["zwnj", "\u200c"],
  ["zwj", "\u200d"],
  ["lrm", "\u200e"],
  ["rlm", "\u200f"],
  ["ndash", "\u2013"],
  ["mdash", "\u2014"],
  ["lsquo", "\u2018"],
  ["rsquo", "\u2019"],
  ["sbquo", "\u201a"],
  ["ldquo", "\u201c"],
  ["rdquo", "\u201d"],
  ["bdquo", "\u201e"],
  ["dagger", "\u2020"],
  ["Dagger", "\u2021"],
  ["bull", "\u2022"],
  ["hellip", "\u2026"],
  ["permil", "\u2030"],
  ["prime", "\u2032"],
  ["Prime", "\u2033"],
  ["lsaquo", "\u2039"],
  ["rsaquo", "\u203a"],
  ["oline", "\u203e"],
  ["euro", "\u20ac"],
  ["trade", "\u2122"],
  ["larr", "\u2190"],
  ["uarr", "\u2191"],
  ["rarr", "\u2192"],
  ["darr", "\u2193"],
  ["harr", "\u2194"],
  ["OElig", "\u0152"],
  ["oelig", "\u0153"],
  ["Scaron", "\u0160"],
  ["scaron", "\u0161"],
  ["Yuml", "\u0178"],
  ["fnof", "\u0192"],
  ["circ", "\u02c6"],
  ["tilde", "\u02dc"],
  ["hearts", "\u2665"],
  ["check", "\u2713"],
  ["star", "\u2606"],
  ["colon", ":"],
  ["sol", "/"],
  ["period", "."],
  ["commat", "@"],
  ["lpar", "("],
  ["rpar", ")"],
  ["NewLine", "\n"],
  ["Tab", "\t"]
])
LATIN1.split(" ").forEach((name, i) => {
  NAMED.set(name, String.fromCharCode(160 + i))
})

const CP1252 = [
  0x20ac, 0x81, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021, 0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0x8d, 0x017d,
  0x8f, 0x90, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0x9d,
  0x017e, 0x0178
]

const codePoint = (n: number): string => {
  if (n >= 0x80 && n <= 0x9f) return String.fromCodePoint(CP1252[n - 0x80]!)
  if (n === 0 || n > 0x10ffff || (n >= 0xd800 && n <= 0xdfff)) return "\ufffd"
  return String.fromCodePoint(n)
}

// One bounded alternative per form: no nested quantifiers.
const REF = /&(?:#(\d{1,8})|#[xX]([0-9a-fA-F]{1,7})|([A-Za-z][A-Za-z0-9]{1,31}));?/g

/** Decodes character references in `s`. */
export const decode = (s: string): string => {
  if (!s.includes("&")) return s
  return s.replace(REF, (whole, dec: string | undefined, hex: string | undefined, name: string | undefined) => {
    if (dec !== undefined) return codePoint(Number(dec))
    if (hex !== undefined) return codePoint(Number.parseInt(hex, 16))
    return NAMED.get(name!) ?? whole
  })
}
