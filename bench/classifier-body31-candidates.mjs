#!/usr/bin/env node
// Word-free shapes of an offer's text, counted per corpus subset before any is built: the counts
// behind round 43 in docs/classifier.md. The columns of bench/classifier-body30-candidates.mjs
// (round 39); rounds 25-39's candidates (that bench, body28's, body27's, body's, candidates') are
// not repeated. This round reads how the text is typed: punctuation without its blank, a letter's
// re-wrapping, every line indented by one blank, shouted list items, a headline's form, sums spelt
// out in digits, the share of priced lines.
//
//   node bench/classifier-body31-candidates.mjs [--corpus DIR] [--dist PATH/index.js] [--model FILE]
//     [--show NAME]   (prints the files that carry candidate NAME, ham first)
//     [--pairs]       (instead: 29 coarse text traits alone and every pair of them, with the ham
//                      carrying each and the spam missed with none known; the pairs no ham carries
//                      that mark 3 or more near misses)
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
/** Spam missed with none known at this probability or more: what a late weight of about 1.2 lifts. */
const NEAR = 0.6

/** The decoded texts (HTML's reduced text too), line ends made LF. */
const texts = (m) => m.body.texts.map((t) => String(t).slice(0, 150_000).replace(/\r\n?/g, "\n"))
const anyText = (m, f) => texts(m).some(f)
/** Lines not quoted (`>`), links and addresses blanked: what the sender typed, not what it points at. */
const typed = (t) =>
  lines(t)
    .filter((l) => !/^\s*>/.test(l))
    .map((l) => l.replace(/\S*(?:[@/]|www\.|\.(?:com|net|org)\b)\S*/gi, " "))
/** A full stop or comma glued to the next sentence (`country.I`, `Hence,I`), not an abbreviation or a name's dots. */
const GLUED = /[a-z]{3}[.,][A-Z][a-z]{2}/g
const glued = (t) => typed(t).reduce((n, l) => n + count(l, GLUED), 0)
const gluedComma = (t) => typed(t).reduce((n, l) => n + count(l, /[a-z]{3},[A-Z][a-z]{2}/g), 0)
const gluedStop = (t) => typed(t).reduce((n, l) => n + count(l, /[a-z]{3}\.[A-Z][a-z]{2}/g), 0)
/** Re-wrapped lines: a long line, a line of one or two words, a line that goes on (a paragraph wrapped twice). */
const rewraps = (t) => {
  const ls = typed(t)
  let n = 0
  for (let i = 1; i + 1 < ls.length; i++) {
    const a = ls[i - 1].trimEnd()
    const b = ls[i].trim()
    const c = ls[i + 1].trim()
    if (
      a.length >= 60 &&
      b.length > 0 &&
      b.length <= 14 &&
      b.split(/\s+/).length <= 2 &&
      c.length >= 40 &&
      /^[a-z]/.test(c)
    )
      n++
  }
  return n
}
/** Every non-blank line indented by exactly one blank. */
const oneBlankIndent = (t) => {
  const nb = nonBlank(t)
  return nb.length >= 5 && nb.filter((l) => /^ \S/.test(l)).length >= nb.length * 0.9
}
/** Lines ending in a blank after a word (not a signature's `-- `). */
const trailingBlankShare = (t) => {
  const nb = nonBlank(t).filter((l) => l.trim() !== "--")
  return nb.length >= 8 ? nb.filter((l) => / $/.test(l)).length / nb.length : 0
}
const ITEM = /^[ \t]*(?:[*\-•·o+]|\d{1,2}[.)])[ \t]+\S/
const itemExclaim = (t) => lines(t).filter((l) => ITEM.test(l) && /![ \t]*$/.test(l)).length
const capsHeadline = (t) => {
  const l = nonBlank(t)[0] ?? ""
  return letters(l) >= 8 && !/[a-z]/.test(l) && /[!?][ \t]*$/.test(l)
}
const moneyLines = (t) => lines(t).filter((l) => /[$£€]\s?\d|\d\s?%/.test(l)).length
const phoneLike = /\(?\b\d{3}\)?[ .-]\d{3}[ .-]\d{4}\b/
/** A testimonial's attribution: a line of a dash and a name (initial or city after), `- John D., Dallas, TX`. */
const attribution = (t) =>
  count(
    t,
    /^[ \t]*(?:-{1,2}|~|—)[ \t]*[A-Z][a-z]+\.?(?:[ \t]+[A-Z]\.?|[ \t]+[A-Z][a-z]+)?,[ \t]*[A-Z][A-Za-z. ]+(?:,[ \t]*[A-Z]{2})?[ \t]*$/gm
  )
/** Two of the first four lines in capitals (6+ letters): a letterhead. */
const letterhead = (t) =>
  nonBlank(t)
    .slice(0, 4)
    .filter((l) => letters(l) >= 6 && !/[a-z]/.test(l)).length >= 2
/** Whether the first non-blank line ends in one of `ends` (`"!?"`). */
const opens = (t, ends) => ends.includes((nonBlank(t)[0] ?? "").trimEnd().slice(-1) || "-")
/** Non-blank lines after the first that end in `!`. */
const laterShouts = (t) =>
  nonBlank(t)
    .slice(1)
    .filter((l) => /![ \t]*$/.test(l)).length
/** A text opening on a headline (a first line ending in `!` or `?`) that goes on selling: 4+ more lines ending in `!`, or 3+ lines with an amount or a percentage. */
const pitch = (t) => opens(t, "!?") && (laterShouts(t) >= 4 || moneyLines(t) >= 3)
/** A greeting by name: four words or fewer, one of them after a comma (`Olá, Fernanda!`). */
const vocative = (l) => l.includes(",") && l.trim().split(/\s+/).length <= 4
const shortest = (m) => texts(m).reduce((a, t) => Math.max(a, letters(t)), 0)
const noUrl = (m) => (m.body.urls ?? []).length === 0
const plainOnly = (m) => m.body.htmls.length === 0

const candidates = {
  "glued: 3+ `.`/`,` glued to a capital (`country.I`)": (m) => anyText(m, (t) => glued(t) >= 3),
  "glued: 5+": (m) => anyText(m, (t) => glued(t) >= 5),
  "glued: 3+ commas glued (`Hence,I`)": (m) => anyText(m, (t) => gluedComma(t) >= 3),
  "glued: 2+ commas and 2+ stops glued": (m) => anyText(m, (t) => gluedComma(t) >= 2 && gluedStop(t) >= 2),
  "glued: 3+, plain text only": (m) => plainOnly(m) && anyText(m, (t) => glued(t) >= 3),
  "glued: 3+, no link": (m) => noUrl(m) && anyText(m, (t) => glued(t) >= 3),
  "rewrap: 3+ long-short-long lines": (m) => anyText(m, (t) => rewraps(t) >= 3),
  "rewrap: 5+": (m) => anyText(m, (t) => rewraps(t) >= 5),
  "rewrap: 3+ and glued 2+": (m) => anyText(m, (t) => rewraps(t) >= 3 && glued(t) >= 2),
  "indent: every line one blank in (5+ lines)": (m) => anyText(m, oneBlankIndent),
  "trailing blank: half of 8+ lines": (m) => anyText(m, (t) => trailingBlankShare(t) >= 0.5),
  "trailing blank: half of 8+ lines, not format=flowed": (m) =>
    !/format\s*=\s*"?flowed/i.test(m.headers.get("content-type") ?? "") &&
    anyText(m, (t) => trailingBlankShare(t) >= 0.5),
  "items: 3+ list items ending in `!`": (m) => anyText(m, (t) => itemExclaim(t) >= 3),
  "items: 2+ list items ending in `!`, text under 1,500 letters": (m) =>
    anyText(m, (t) => itemExclaim(t) >= 2 && letters(t) < 1500),
  "headline: first line in capitals ending in `!` or `?`": (m) => anyText(m, capsHeadline),
  "money: 5+ lines with an amount or a percentage": (m) => anyText(m, (t) => moneyLines(t) >= 5),
  "money: a third of 6+ lines with an amount or a percentage": (m) =>
    anyText(m, (t) => {
      const nb = nonBlank(t)
      return nb.length >= 6 && moneyLines(t) * 3 >= nb.length
    }),
  "phone: 3+ lines with a phone number, under 1,500 letters": (m) =>
    anyText(m, (t) => lines(t).filter((l) => phoneLike.test(l)).length >= 3 && letters(t) < 1500),
  "testimonial: 2+ attribution lines (`- Name, City`)": (m) => anyText(m, (t) => attribution(t) >= 2),
  "money: an amount of millions in digits (`$20,500,000`)": (m) =>
    anyText(m, (t) => /(?:[$£€]|\b(?:US\$?|USD)\s?)\d{1,3}(?:,\d{3}){2,}/.test(t)),
  "money: the same, `£`/`€`/`EUR`/`GBP` too, `.` groups too (`text_amount_millions`)": (m) =>
    anyText(m, (t) => /(?:[$£€]|(?<![A-Za-z])(?:USD|EUR|GBP)) ?\d{1,3}([,.])\d{3}(?:\1\d{3})+(?!\d)/.test(t)),
  "money: millions in digits, 10M+ only": (m) =>
    anyText(m, (t) => /(?:[$£€]|\b(?:US\$?|USD)\s?)\d{2,3}(?:,\d{3}){2,}/.test(t)),
  "money: a million or more in digits, any number (no currency)": (m) =>
    anyText(m, (t) => /(?<![\d.,])\d{1,3}(?:,\d{3}){2,}(?![\d,])/.test(t)),
  "money: the same, no link": (m) =>
    noUrl(m) && anyText(m, (t) => /(?:[$£€]|\b(?:US\$?|USD)\s?)\d{1,3}(?:,\d{3}){2,}/.test(t)),
  "letterhead: 2 of the first 4 lines in capitals, 1,000+ letters, no link": (m) =>
    noUrl(m) && anyText(m, (t) => letters(t) >= 1000 && letterhead(t)),
  "letterhead: the same, any links": (m) => anyText(m, (t) => letters(t) >= 1000 && letterhead(t)),
  "opening: first line a question, short text": (m) => anyText(m, (t) => opens(t, "?") && letters(t) < 1500),
  "opening: first line ends in `!`, under 1,500 letters": (m) => anyText(m, (t) => opens(t, "!") && letters(t) < 1500),
  "caps: 3+ lines wholly in capitals (10+), under 1,500 letters": (m) =>
    anyText(m, (t) => nonBlank(t).filter((l) => letters(l) >= 10 && !/[a-z]/.test(l)).length >= 3 && letters(t) < 1500),
  "caps: 5+ words in capitals inside sentences, under 1,500 letters": (m) =>
    anyText(
      m,
      (t) =>
        letters(t) < 1500 && typed(t).reduce((n, l) => n + (/[a-z]/.test(l) ? count(l, /\b[A-Z]{3,}\b/g) : 0), 0) >= 5
    ),
  "opening question, 3+ lines ending in `!`": (m) => anyText(m, (t) => opens(t, "?") && laterShouts(t) >= 3),
  "opening question, 3+ lines with an amount or a percentage": (m) =>
    anyText(m, (t) => opens(t, "?") && moneyLines(t) >= 3),
  "opening `!`/`?`, 3+ other lines ending in `!`": (m) => anyText(m, (t) => opens(t, "!?") && laterShouts(t) >= 3),
  "opening `!`/`?`, 4+ other lines ending in `!`": (m) => anyText(m, (t) => opens(t, "!?") && laterShouts(t) >= 4),
  "opening `!`/`?`, 3+ amount lines": (m) => anyText(m, (t) => opens(t, "!?") && moneyLines(t) >= 3),
  "opening `!`/`?`, 3+ other `!` lines or 3+ amount lines": (m) =>
    anyText(m, (t) => opens(t, "!?") && (laterShouts(t) >= 3 || moneyLines(t) >= 3)),
  "opening `!`/`?`, 4+ other `!` lines or 3+ amount lines": (m) => anyText(m, pitch),
  "the same, not after a greeting by name (4 words or fewer with a comma) (`text_pitch_opening`)": (m) =>
    anyText(m, (t) => pitch(t) && !vocative(nonBlank(t)[0] ?? "")),
  "the same, nor a single word (`Hello!`)": (m) =>
    anyText(
      m,
      (t) => pitch(t) && !vocative(nonBlank(t)[0] ?? "") && (nonBlank(t)[0] ?? "").trim().split(/\s+/).length > 1
    ),
  "opening `!`/`?`, 4+ other `!` lines or 3+ amount lines, plain text only": (m) => plainOnly(m) && anyText(m, pitch),
  "short plain text, no link, no greeting line": (m) => plainOnly(m) && noUrl(m) && shortest(m) > 0 && shortest(m) < 600
}

// Coarse traits for `--pairs` (a search, not candidates: most are in many ham alone).
const capsLineOf = (l) => letters(l) >= 6 && !/[a-z]/.test(l)
const MILLIONS = /(?:[$£€]|\b(?:US\$?|USD)\s?)\d{1,3}(?:,\d{3}){2,}/
const PAIR_TRAITS = {
  open_exclaim: (m) => anyText(m, (t) => opens(t, "!")),
  open_question: (m) => anyText(m, (t) => opens(t, "?")),
  open_caps: (m) => anyText(m, (t) => capsLineOf(nonBlank(t)[0] ?? "")),
  letterhead: (m) => anyText(m, (t) => nonBlank(t).slice(0, 4).filter(capsLineOf).length >= 2),
  caps_lines3: (m) => anyText(m, (t) => nonBlank(t).filter((l) => letters(l) >= 10 && !/[a-z]/.test(l)).length >= 3),
  caps_words5: (m) =>
    anyText(m, (t) => typed(t).reduce((n, l) => n + (/[a-z]/.test(l) ? count(l, /\b[A-Z]{3,}\b/g) : 0), 0) >= 5),
  money_third: (m) =>
    anyText(m, (t) => {
      const nb = nonBlank(t)
      return nb.length >= 6 && moneyLines(t) * 3 >= nb.length
    }),
  money_lines3: (m) => anyText(m, (t) => moneyLines(t) >= 3),
  millions: (m) => anyText(m, (t) => MILLIONS.test(t)),
  glued2: (m) => anyText(m, (t) => glued(t) >= 2),
  items_exclaim2: (m) => anyText(m, (t) => itemExclaim(t) >= 2),
  items3: (m) => anyText(m, (t) => lines(t).filter((l) => ITEM.test(l)).length >= 3),
  trailing_half: (m) => anyText(m, (t) => trailingBlankShare(t) >= 0.5),
  rewrap2: (m) => anyText(m, (t) => rewraps(t) >= 2),
  excl_lines3: (m) => anyText(m, (t) => count(t, /![ \t]*$/gm) >= 3),
  question_lines2: (m) => anyText(m, (t) => count(t, /\?[ \t]*$/gm) >= 2),
  url_line: (m) => anyText(m, (t) => /^[ \t]*<?(?:https?:\/\/|www\.)\S+[ \t]*$/im.test(t)),
  rule_line: (m) => anyText(m, (t) => /^[ \t]*([-=_*~#:.])\1{9,}[ \t]*$/m.test(t)),
  phone: (m) => anyText(m, (t) => phoneLike.test(t)),
  short_1500: (m) => shortest(m) > 0 && shortest(m) < 1500,
  long_3000: (m) => shortest(m) >= 3000,
  no_url: noUrl,
  plain_only: plainOnly,
  no_quote: (m) => !anyText(m, (t) => /^>/m.test(t)),
  colon_line_end: (m) => anyText(m, (t) => count(t, /:[ \t]*$/gm) >= 3),
  double_space: (m) => anyText(m, (t) => count(t, /[.!?] {2}[A-Z]/g) >= 5),
  dots_ellipsis: (m) => anyText(m, (t) => count(t, /\.{3,}/g) >= 3),
  paren_amount: (m) => anyText(m, (t) => /\([^)]*\d[^)]*\)/.test(t) && MILLIONS.test(t))
}

// The pairs no ham carries that mark 3 or more near misses (at NEAR, printPairTable's default too).
if (args.includes("--pairs"))
  printPairTable({ Classifier, corpus, model, traits: PAIR_TRAITS, keep: (r) => r.ham === 0 && r.near >= 3 })
else printMissTable({ Classifier, corpus, model, candidates, show, near: NEAR })
