#!/usr/bin/env node
// Word-free shapes of an offer's body counted alone and in pairs, per corpus subset, before any is
// built: the counts behind round 39 in docs/classifier.md. The same columns as
// bench/classifier-body28-candidates.mjs (round 33), whose single rows (lines of blanks, repeated
// URL lines, exclamations) each show ham; here they are counted again with a second trait that the
// ham carrying the first never carry.
//
//   node bench/classifier-body30-candidates.mjs [--corpus DIR] [--dist PATH/index.js] [--model FILE]
//     [--show NAME]   (prints the files that carry candidate NAME, ham first)
//     [--pairs]       (instead: 52 coarse body traits alone and every pair of them, with the ham
//                      carrying each and the spam missed with none known; the pairs no ham carries
//                      that mark 6 or more near misses, the search the candidates below came from)
//
// Needs `npx turbo run build --filter=@mailmoat/antispam`; exits 2 without a corpus.
import {
  args,
  candidateSetup,
  count,
  letters,
  lines,
  nonBlank,
  opt,
  printMissTable,
  printPairTable
} from "./classifier-common.mjs"

const { corpus, Classifier, model } = await candidateSetup()
const show = opt("show", undefined)
/**
 * Spam missed with none known at this probability or more: what a late weight of about 1 lifts over
 * the cut-off of a message none of whose words are known (0.85 since round 37).
 */
const NEAR = 0.6

const URL_LINE = /^[ \t]*<?(?:https?:\/\/|www\.)\S+[ \t]*$/i
/** The decoded texts (HTML's reduced text too), line ends made LF. */
const texts = (m) => m.body.texts.map((t) => String(t).slice(0, 150_000).replace(/\r\n?/g, "\n"))
const anyText = (m, f) => texts(m).some(f)
/** Three or more lines of only blanks (3+), all of one width. */
const blankWidth = (t) => {
  const widths = new Map()
  for (const l of lines(t)) if (/^ {3,}$/.test(l)) widths.set(l.length, (widths.get(l.length) ?? 0) + 1)
  return [...widths.values()].some((n) => n >= 3)
}
const urlLines = (t) => lines(t).filter((l) => URL_LINE.test(l)).length
const exclaimLines = (t) => count(t, /![ \t]*$/gm)
const capsLine = (l) => letters(l) >= 6 && !/[a-z]/.test(l)
const LIST_HEADERS = ["list-id", "list-unsubscribe", "list-post", "mailing-list", "list-help"]

const candidates = {
  // Lines of blanks as paragraph spacing (round 33: ham in three subsets), by the text's length.
  "blank: 3+ lines of blanks, one width": (m) => anyText(m, blankWidth),
  "blank: the same, text under 1,500 letters": (m) => anyText(m, (t) => blankWidth(t) && letters(t) < 1500),
  "blank: the same, text under 1,000 letters": (m) => anyText(m, (t) => blankWidth(t) && letters(t) < 1000),
  "blank: the same, text under 800 letters": (m) => anyText(m, (t) => blankWidth(t) && letters(t) < 800),
  "blank: the same, no List-* header": (m) =>
    LIST_HEADERS.every((h) => m.headers.get(h) === undefined) && anyText(m, blankWidth),
  "blank: the same, with a URL alone on a line": (m) => anyText(m, (t) => blankWidth(t) && urlLines(t) >= 1),
  "blank: the same, 2+ lines ending in !": (m) => anyText(m, (t) => blankWidth(t) && exclaimLines(t) >= 2),
  "blank: 3+ lines of blanks (any widths), text under 1,000 letters": (m) =>
    anyText(m, (t) => count(t, /^ {3,}$/gm) >= 3 && letters(t) < 1000),
  "blank: 3+ lines of one blank, text under 1,000 letters": (m) =>
    anyText(m, (t) => count(t, /^ $/gm) >= 3 && letters(t) < 1000),
  // A short text that shouts and points at links alone on their lines.
  "shout: 2+ URL lines, 2+ lines ending in !, under 800 letters": (m) =>
    anyText(m, (t) => urlLines(t) >= 2 && exclaimLines(t) >= 2 && letters(t) < 800),
  "shout: 2+ URL lines, 3+ lines ending in !, under 800 letters": (m) =>
    anyText(m, (t) => urlLines(t) >= 2 && exclaimLines(t) >= 3 && letters(t) < 800),
  "shout: 1+ URL line, 3+ lines ending in !, under 800 letters": (m) =>
    anyText(m, (t) => urlLines(t) >= 1 && exclaimLines(t) >= 3 && letters(t) < 800),
  // Capitals.
  "caps: first non-blank line in capitals (10+ letters), no URL at all": (m) =>
    (m.body.urls ?? []).length === 0 &&
    anyText(m, (t) => capsLine(nonBlank(t)[0] ?? "") && letters(nonBlank(t)[0]) >= 10),
  "caps: a quarter of 5+ lines in capitals": (m) =>
    anyText(m, (t) => {
      const nb = nonBlank(t).filter((l) => letters(l) >= 6)
      return nb.length >= 5 && nb.filter(capsLine).length * 4 >= nb.length
    }),
  // Links as the brief names them: repeated targets, tracking parameters, one host.
  "link: an href 3+ times in one page": (m) =>
    m.body.htmls.some((h) => {
      const c = new Map()
      for (const x of String(h).matchAll(/href\s*=\s*["']?([^"'\s>]+)/gi))
        c.set(x[1].toLowerCase(), (c.get(x[1].toLowerCase()) ?? 0) + 1)
      return [...c.values()].some((n) => n >= 3)
    }),
  "link: a query value of 3+ digits": (m) =>
    (m.body.urls ?? []).some((u) => /[?&][a-z_]{1,12}=\d{3,}/i.test(String(u))),
  "link: HTML only, every link on one host": (m) =>
    m.body.htmls.length > 0 && !m.mime.children?.length && new Set((m.body.hosts ?? []).map(String)).size === 1,
  "money: a line with a $ amount ending in !": (m) => anyText(m, (t) => /\$\s?\d[^\n]*![ \t]*$/m.test(t)),
  "money: a percentage on a line with !": (m) => anyText(m, (t) => /\d\s?%[^\n]*!/m.test(t))
}

// Coarse traits for `--pairs` (a search, not candidates: most are in hundreds of ham alone).
const any = anyText
const PAIR_TRAITS = {
  excl_lines2: (m) => any(m, (t) => count(t, /![ \t]*$/gm) >= 2),
  caps_emph3: (m) =>
    any(m, (t) => lines(t).filter((l) => /[a-z]/.test(l) && count(l, /\b[A-Z]{4,}\b/g) >= 2).length >= 3),
  caps_words8: (m) => any(m, (t) => count(t, /\b[A-Z]{4,}\b/g) >= 8),
  colon_url: (m) => any(m, (t) => /:[ \t]*\n(?:[ \t]*\n)?[ \t]*<?(?:https?:\/\/|www\.)\S+[ \t]*$/m.test(t)),
  excl_url_near: (m) => any(m, (t) => /![ \t]*\n(?:[^\n]*\n){0,2}[ \t]*<?(?:https?:\/\/|www\.)\S+[ \t]*$/m.test(t)),
  dollar_excl_line: (m) => any(m, (t) => /\$\s?\d[^\n]*![ \t]*$/m.test(t)),
  percent_excl_line: (m) => any(m, (t) => /\d\s?%[^\n]*!/m.test(t)),
  short_400: (m) => {
    const l = texts(m).reduce((a, t) => Math.max(a, letters(t)), 0)
    return l > 0 && l < 400
  },
  short_1500: (m) => {
    const l = texts(m).reduce((a, t) => Math.max(a, letters(t)), 0)
    return l > 0 && l < 1500
  },
  url_lines2: (m) => any(m, (t) => lines(t).filter((l) => URL_LINE.test(l)).length >= 2),
  caps_open2: (m) =>
    any(m, (t) => {
      const nb = nonBlank(t).slice(0, 2)
      return nb.length === 2 && nb.every(capsLine)
    }),
  caps_first: (m) =>
    any(m, (t) => {
      const l = nonBlank(t)[0] ?? ""
      return letters(l) >= 10 && !/[a-z]/.test(l)
    }),
  caps_lines3: (m) => any(m, (t) => lines(t).filter((l) => letters(l) >= 20 && !/[a-z]/.test(l)).length >= 3),
  caps_share_lines: (m) =>
    any(m, (t) => {
      const nb = nonBlank(t).filter((l) => letters(l) >= 6)
      const c = nb.filter(capsLine).length
      return nb.length >= 5 && c * 4 >= nb.length
    }),
  blank_width: (m) =>
    any(m, (t) => {
      const w = new Map()
      for (const l of lines(t)) if (/^ {3,}$/.test(l)) w.set(l.length, (w.get(l.length) ?? 0) + 1)
      return [...w.values()].some((n) => n >= 3)
    }),
  trail_blanks5: (m) => any(m, (t) => count(t, /\S[ \t]{3,}$/gm) >= 5),
  url_line_repeat: (m) =>
    any(m, (t) => {
      const s = new Set()
      for (const l of lines(t)) {
        if (!URL_LINE.test(l)) continue
        const u = l.trim()
        if (s.has(u)) return true
        s.add(u)
      }
      return false
    }),
  url_lines2_short: (m) => any(m, (t) => lines(t).filter((l) => URL_LINE.test(l)).length >= 2 && letters(t) < 800),
  url_line_any: (m) => any(m, (t) => lines(t).some((l) => URL_LINE.test(l))),
  mailto_subject: (m) => any(m, (t) => /mailto:[^\s?]+\?subject=/i.test(t)),
  rule_plus: (m) => any(m, (t) => /^[ \t]*([+~#])\1{9,}[ \t]*$/m.test(t)),
  rule_any: (m) => any(m, (t) => /^[ \t]*([-=_+*~#])\1{9,}[ \t]*$/m.test(t)),
  dollars3: (m) => any(m, (t) => count(t, /\$\s?\d{1,3}(?:,\d{3})+(?:\.\d\d)?|\$\s?\d+\.\d\d/g) >= 3),
  dollar_any: (m) => any(m, (t) => /\$\s?\d/.test(t)),
  percent2: (m) => any(m, (t) => count(t, /\d\s?%/g) >= 2),
  excl_caps_line: (m) => any(m, (t) => /[A-Z]{2}[^\n]*!{2,}[ \t]*$/m.test(t)),
  excl_lines3: (m) => any(m, (t) => count(t, /![ \t]*$/gm) >= 3),
  question_lines3: (m) => any(m, (t) => count(t, /\?[ \t]*$/gm) >= 3),
  phone_line: (m) => any(m, (t) => /^[ \t]*(?:\+?1[ .-]?)?\(?\d{3}\)?[ .-]?\d{3}[ .-]\d{4}[ \t]*$/m.test(t)),
  tollfree: (m) => any(m, (t) => /\b(?:1[ .-]?)?\(?8(?:00|88|77|66)\)?[ .-]?\d{3}[ .-]\d{4}\b/.test(t)),
  bullets3: (m) => any(m, (t) => count(t, /^[ \t]*[*\-•>o+][ \t]+\S/gm) >= 3),
  short_text: (m) => {
    const l = texts(m).reduce((a, t) => Math.max(a, letters(t)), 0)
    return l > 0 && l < 800
  },
  email_greeting: (m) => any(m, (t) => /^[ \t]*(?:hi|hello|dear|greetings)[ \t]+[\w.+-]+@[\w-]+\.[\w.-]+/im.test(t)),
  email_line: (m) => any(m, (t) => /^[ \t]*(?:mailto:)?[\w.+-]+@[\w-]+\.[\w.-]+[ \t]*$/m.test(t)),
  url_query: (m) => (m.body.urls ?? []).some((u) => /[?&][a-z_]{1,12}=/i.test(String(u))),
  url_query_digits: (m) => (m.body.urls ?? []).some((u) => /[?&][a-z_]{1,12}=\d{3,}/i.test(String(u))),
  url_one_host: (m) => new Set((m.body.hosts ?? []).map(String)).size === 1,
  no_url: (m) => (m.body.urls ?? []).length === 0,
  removal_tail: (m) =>
    ["list-id", "list-unsubscribe", "list-post", "mailing-list", "list-help"].every(
      (h) => m.headers.get(h) === undefined
    ) &&
    any(m, (t) => {
      const tail = nonBlank(t).slice(-8).join("\n")
      return /\b(?:remov|unsubscri|opt[- ]?out)/i.test(tail) && /(?:https?:\/\/|mailto:|@)/i.test(tail)
    }),
  no_list_header: (m) =>
    ["list-id", "list-unsubscribe", "list-post", "mailing-list", "list-help"].every(
      (h) => m.headers.get(h) === undefined
    ),
  html_href_repeat3: (m) =>
    m.body.htmls.some((h) => {
      const c = new Map()
      for (const x of String(h)
        .slice(0, 200000)
        .matchAll(/href\s*=\s*["']?([^"'\s>]+)/gi)) {
        const k = x[1].toLowerCase()
        c.set(k, (c.get(k) ?? 0) + 1)
      }
      return [...c.values()].some((n) => n >= 3)
    }),
  html_img_link: (m) => m.body.htmls.some((h) => /<a\b[^>]*>\s*<img\b[^>]*>\s*<\/a>/i.test(String(h).slice(0, 200000))),
  html_only: (m) => m.body.htmls.length > 0 && !m.mime.children?.length && /html/i.test(m.mime.contentType ?? ""),
  no_html: (m) => m.body.htmls.length === 0,
  no_quote: (m) => !any(m, (t) => /^>/m.test(t)),
  center_indent: (m) => any(m, (t) => count(t, /^ {6,}\S[^\n]{5,}$/gm) >= 5),
  tab_lines: (m) => any(m, (t) => count(t, /^\t+\S/gm) >= 5),
  money_words: (m) => any(m, (t) => count(t, /\$\s?\d[\d,]*(?:\.\d\d)?/g) >= 5),
  digits_heavy_lines: (m) =>
    any(m, (t) => nonBlank(t).filter((l) => count(l, /\d/g) * 3 > l.trim().length && l.trim().length >= 8).length >= 5),
  star_rule: (m) => any(m, (t) => /^[ \t]*\*{10,}[ \t]*$/m.test(t)),
  long_para_lines: (m) => any(m, (t) => lines(t).some((l) => l.length > 300)),
  double_space_sentences: (m) => any(m, (t) => count(t, /[.!?] {2}[A-Z]/g) >= 5)
}

// The pairs no ham carries that mark 6 or more near misses (at NEAR, printPairTable's default too).
if (args.includes("--pairs"))
  printPairTable({ Classifier, corpus, model, traits: PAIR_TRAITS, keep: (r) => r.ham === 0 && r.near >= 6 })
else printMissTable({ Classifier, corpus, model, candidates, show, near: NEAR })
