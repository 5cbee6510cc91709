#!/usr/bin/env node
// Word-free traits of the none-known misses that open like ham, counted per corpus subset before any
// is built: the counts behind round 51 in docs/classifier.md (`text_form_report_relayed` built).
// The columns of bench/classifier-body32-candidates.mjs (round 47); rounds 25-50's candidates (that
// bench, the earlier body, link and header benches) are not repeated. This round reads what rounds
// 33-47 did not: the relation of the text to the header block (a web form's report sent to many
// domains, the recipient's address or the subject typed into the text, a sender writing to
// itself), a text that repeats itself, a flyer's layout (centred lines, a box drawn in
// characters), and how the punctuation is typed (a blank before `!` or `?`, a postscript under an
// unsolicited letter).
//
//   node bench/classifier-body33-candidates.mjs [--corpus DIR] [--dist PATH/index.js] [--model FILE]
//     [--show NAME]   (prints the files that carry candidate NAME, ham first)
//     [--pairs]       (instead: the coarse traits below alone and every pair of them, with the ham
//                      carrying each and the spam missed with none known; the pairs no ham carries
//                      that mark 3 or more near misses)
//     [--pairs features] (the same with every feature of the tokenizer as a trait too)
//
// Needs `npx turbo run build --filter=@mailmoat/antispam`; exits 2 without a corpus.
import { candidateSetup, count, letters, lines, nonBlank, opt, printCandidates } from "./classifier-common.mjs"

const { corpus, Classifier, model } = await candidateSetup()
const show = opt("show", undefined)
/** Spam missed with none known at this probability or more: what a late weight of about 1.2 lifts. */
const NEAR = 0.6

/** The decoded texts (HTML's reduced text too), line ends made LF. */
const texts = (m) => m.body.texts.map((t) => String(t).slice(0, 100_000).replace(/\r\n?/g, "\n"))
const anyText = (m, f) => texts(m).some(f)
/** The first decoded text (the letter). */
const textOf = (m) => texts(m)[0] ?? ""
/** Lines not quoted from another message. */
const own = (t) => lines(t).filter((l) => !/^\s*>/.test(l))
/** The letter's lines up to a signature separator or a rule a list or a web-mail service appends its footer after. */
const letterLines = (t) => {
  const ls = nonBlank(t).filter((l) => !/^\s*>/.test(l))
  const end = ls.findIndex((l, i) => i > 2 && /^(?:-- ?|_{10,}|-{10,}|={10,}|\*{10,})\s*$/.test(l))
  return end < 0 ? ls : ls.slice(0, end)
}
const addressOf = (v) => (/([A-Za-z0-9._%+=-]+@[A-Za-z0-9.-]+[A-Za-z0-9])/.exec(v ?? "")?.[1] ?? "").toLowerCase()
const addressesOf = (v) =>
  [...(v ?? "").matchAll(/[A-Za-z0-9._%+=-]+@[A-Za-z0-9.-]+[A-Za-z0-9]/g)].map((a) => a[0].toLowerCase())
const LIST_HEADERS = ["list-id", "list-unsubscribe", "list-post", "mailing-list", "list-help"]
const noList = (m) => LIST_HEADERS.every((h) => m.headers.get(h) === undefined)
const noQuote = (m) => !/^\s*>/m.test(textOf(m))
const unthreaded = (m) => !m.headers.get("in-reply-to") && !m.headers.get("references")
const noUrl = (m) => !/https?:\/\/|www\./i.test(textOf(m)) && (m.body.urls ?? []).length === 0
const plainOnly = (m) => m.body.htmls.length === 0
const L = (m) => letters(textOf(m))

/** To's one address typed into the letter's own lines (`Dear ilug@linux.ie`, `New Account For: a@b.c`). */
const toInText = (m, first = Infinity) => {
  const to = addressesOf(m.headers.get("to"))
  if (to.length !== 1) return false
  return letterLines(textOf(m))
    .slice(0, first)
    .some((l) => l.toLowerCase().includes(to[0]))
}
/** A subject made comparable: tags in brackets, `Re:`/`Fwd:`/`ADV:`, a code tail and punctuation dropped. */
const plainSubject = (s) =>
  (s ?? "")
    .replace(/\[[^\]]*\]/g, " ")
    .replace(/^\s*(?:(?:re|fwd?|fw|adv)\s*:\s*)+/i, "")
    .replace(/[^A-Za-z0-9\u00C0-\uFFFF]+/g, " ")
    .trim()
    .toLowerCase()
/** The subject (5+ letters, 2+ words) is the letter's first line, or its first line begins with it. */
const subjectFirstLine = (m) => {
  const s = plainSubject(m.headers.get("subject"))
  if (letters(s) < 5 || s.split(" ").length < 2) return false
  const first = plainSubject(letterLines(textOf(m))[0] ?? "")
  return first === s || (first.startsWith(s) && first.length <= s.length * 2)
}
/** The subject appears among the letter's first 5 lines. */
const subjectInHead = (m) => {
  const s = plainSubject(m.headers.get("subject"))
  if (letters(s) < 8 || s.split(" ").length < 2) return false
  return letterLines(textOf(m))
    .slice(0, 5)
    .some((l) => plainSubject(l).includes(s))
}
/** From's address is To's one address. */
const fromIsTo = (m) => {
  const f = addressOf(m.headers.get("from"))
  const to = addressesOf(m.headers.get("to"))
  return f !== "" && to.length === 1 && to[0] === f && !m.headers.get("cc")
}
/** Lines of 40+ characters (the letter's own, blanks trimmed) that occur twice or more. */
const repeatedLines = (t) => {
  const seen = new Map()
  for (const l of own(t)) {
    const s = l.trim()
    if (s.length < 40 || /https?:|www\.|@/.test(s)) continue
    seen.set(s, (seen.get(s) ?? 0) + 1)
  }
  return [...seen.values()].filter((n) => n >= 2).length
}
/** The letter's first three lines (20+ characters each) occur again further down, in order. */
const openingRepeated = (t) => {
  const ls = nonBlank(t).map((l) => l.trim())
  const head = ls.slice(0, 3)
  if (head.length < 3 || head.some((l) => l.length < 20)) return false
  for (let i = 3; i + 2 < ls.length; i++)
    if (ls[i] === head[0] && ls[i + 1] === head[1] && ls[i + 2] === head[2]) return true
  return false
}
/** Centred lines: 4+ indented lines (3+ blanks, 3+ different indents) whose middles fall within 2 columns of one axis. */
const centred = (t) => {
  const mids = new Map()
  const indents = new Set()
  for (const l of own(t)) {
    const m = /^( {3,})(\S.*?)\s*$/.exec(l)
    if (!m || letters(m[2]) < 3) continue
    indents.add(m[1].length)
    const mid = Math.round(m[1].length + m[2].length / 2)
    for (let d = -2; d <= 2; d++) mids.set(mid + d, (mids.get(mid + d) ?? 0) + 1)
  }
  return indents.size >= 3 && Math.max(0, ...mids.values()) >= 4
}
/** A box drawn in characters: 3+ lines that open and close on the same frame character (`#`, `*`, `|`, `!`). */
const boxed = (t) => own(t).filter((l) => /^\s*([#*|!+])\s.*\S.*\s\1\s*$/.test(l)).length >= 3
/** A blank before `!` or `?` at a sentence's end (`miss out !!!`, `Profits !`), 2+ times, not in quotes. */
const spacedBang = (t) => count(own(t).join("\n"), /[A-Za-z0-9)] +[!?]+(?=\s|$)/g)
/** A postscript (`P.S.`, `PS:`) opening a line. */
const postscript = (t) => own(t).some((l) => /^\s*P\.? ?S\.?(?:\s|:|-)/.test(l) && !/^\s*PS\s*\/\s*2/.test(l))
/** A line that opens the letter on a one-word greeting (`Greetings!`, `Hello,`, `Hi!`). */
const bareGreeting = (t) => /^\s*[A-Z][a-z]{1,10}\s*[,!:]\s*$/.test(letterLines(t)[0] ?? "")
/** `100%` (or `100 %`). */
const hundred = (m) => /\b100 ?%/.test(textOf(m)) || /\b100 ?%/.test(m.headers.get("subject") ?? "")
/** A sentence-opening word in capitals after a sentence's end, 5+ times (`... today. ACT NOW`), a capital run of 4+. */
const shoutOpen = (t) => count(own(t).join(" "), /[.!?] +[A-Z]{4,}\b/g)
/** Lines that end in a colon followed by a line that is an address or a telephone (a call to write or call). */
const contactCall = (t) => {
  const ls = nonBlank(t)
  let n = 0
  for (let i = 0; i + 1 < ls.length; i++)
    if (/:\s*$/.test(ls[i]) && /^\s*(?:[A-Za-z0-9._%+=-]+@[A-Za-z0-9.-]+|\+?[\d(][\d ().-]{8,})\s*$/.test(ls[i + 1]))
      n++
  return n
}
/** Share of the letter's words of 2+ letters that open on a capital, among 60+ words. */
const capShare = (t) => {
  const w =
    letterLines(t)
      .join(" ")
      .match(/\b[A-Za-z][A-Za-z']+\b/g) ?? []
  return w.length < 60 ? 0 : w.filter((x) => /^[A-Z]/.test(x)).length / w.length
}
/** Lines of the letter, 6+, none longer than `max` and the longest `min` or more: a text wrapped narrow. */
const narrow = (t, min, max) => {
  const ls = letterLines(t).filter((l) => letters(l) >= 3)
  if (ls.length < 8) return false
  const longest = Math.max(...ls.map((l) => l.trimEnd().length))
  return longest >= min && longest <= max
}
/** Every line of the letter (8+) ends in a blank: a template's lines. */
const allTrailing = (t) => {
  const ls = letterLines(t).filter((l) => letters(l) >= 3)
  return ls.length >= 8 && ls.every((l) => / $/.test(l))
}
/** The From display name's words (2+) all in lower case: a product's or a list's label, not a person's name. */
const lowerDisplay = (m) => {
  const d = /^\s*"?([^"<]*?)"?\s*</.exec(m.headers.get("from") ?? "")?.[1] ?? ""
  const w = d.split(/\s+/).filter((x) => /[a-z]/i.test(x))
  return w.length >= 2 && w.every((x) => /^[a-z]/.test(x))
}
/** To's display name is not an address and shares nothing with To's address (`"OPtinList" <a@b>`). */
const toLabel = (m) => {
  const v = m.headers.get("to") ?? ""
  const d = /^\s*"?([^"<]*?)"?\s*</.exec(v)?.[1]?.trim() ?? ""
  const a = addressOf(v)
  if (d === "" || a === "" || d.includes("@")) return false
  const words = d
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((x) => x.length >= 3)
  return words.length >= 1 && words.every((x) => !a.includes(x))
}

/** A form-mail script's report: the first 3 lines name a mailbox in parentheses (the submitter's), a rule of 20+ dashes among the first 6. */
const formReport = (t, who) => {
  const head = nonBlank(t).slice(0, 6)
  const named = head.slice(0, 3).some((l) => {
    const a = /\(\s*([A-Za-z0-9._%+=-]+@[A-Za-z0-9.-]+[A-Za-z0-9])\s*\)/.exec(l)?.[1]?.toLowerCase()
    return a !== undefined && (who === undefined || a === who)
  })
  return named && head.some((l) => /^\s*-{20,}\s*$/.test(l))
}
/** The recipients of To and Cc, and the domains they are on. */
const recipients = (m) => addressesOf(`${m.headers.get("to") ?? ""},${m.headers.get("cc") ?? ""}`)
const domains = (as) => new Set(as.map((a) => a.slice(a.indexOf("@") + 1)))

const candidates = {
  "built: text_form_report_relayed (TextFormReport.ts)": (m) =>
    Classifier.tokenize(m).features.includes("text_form_report_relayed"),
  "form: a report naming From's mailbox in parentheses over a rule (first 6 lines)": (m) =>
    anyText(m, (t) => formReport(t, addressOf(m.headers.get("from")))),
  "form: the same, any mailbox in parentheses": (m) => anyText(m, (t) => formReport(t)),
  "form: From's, to 2+ recipients": (m) =>
    recipients(m).length >= 2 && anyText(m, (t) => formReport(t, addressOf(m.headers.get("from")))),
  "form: From's, to 3+ recipients": (m) =>
    recipients(m).length >= 3 && anyText(m, (t) => formReport(t, addressOf(m.headers.get("from")))),
  "form: From's, to recipients on 2+ domains": (m) =>
    domains(recipients(m)).size >= 2 && anyText(m, (t) => formReport(t, addressOf(m.headers.get("from")))),
  "form: From's, to recipients on 3+ domains": (m) =>
    domains(recipients(m)).size >= 3 && anyText(m, (t) => formReport(t, addressOf(m.headers.get("from")))),
  "form: any mailbox, to recipients on 2+ domains": (m) =>
    domains(recipients(m)).size >= 2 && anyText(m, (t) => formReport(t)),
  "rel: To's one address in the letter": (m) => toInText(m),
  "rel: the same, among its first 3 lines": (m) => toInText(m, 3),
  "rel: To's address anywhere, unthreaded, no quote": (m) => toInText(m) && unthreaded(m) && noQuote(m),
  "rel: the subject is the letter's first line": subjectFirstLine,
  "rel: the subject first, unthreaded, no quote": (m) => subjectFirstLine(m) && unthreaded(m) && noQuote(m),
  "rel: the subject among the first 5 lines": subjectInHead,
  "rel: the same, unthreaded, no quote, 500+ letters": (m) =>
    subjectInHead(m) && unthreaded(m) && noQuote(m) && L(m) >= 500,
  "rel: From is To, no Cc": fromIsTo,
  "rel: From is To, unthreaded, no quote": (m) => fromIsTo(m) && unthreaded(m) && noQuote(m),
  "rel: the same, no list fields": (m) => fromIsTo(m) && unthreaded(m) && noQuote(m) && noList(m),
  "rel: the same, 1,000+ letters": (m) => fromIsTo(m) && unthreaded(m) && noQuote(m) && L(m) >= 1000,
  "rel: From's display name all lower-case words": lowerDisplay,
  "rel: To's display name a label, not the address's": toLabel,
  "rel: To labelled, unthreaded, no quote": (m) => toLabel(m) && unthreaded(m) && noQuote(m),
  "dup: a line of 40+ repeated, no quote": (m) => repeatedLines(textOf(m)) >= 1,
  "dup: 3+ lines of 40+ repeated": (m) => repeatedLines(textOf(m)) >= 3,
  "dup: 3+, unthreaded, no quote": (m) => repeatedLines(textOf(m)) >= 3 && unthreaded(m) && noQuote(m),
  "dup: the first three lines again further down": (m) => openingRepeated(textOf(m)),
  "layout: centred lines (4+ on one axis, 3+ indents)": (m) => anyText(m, centred),
  "layout: the same, plain text only": (m) => plainOnly(m) && centred(textOf(m)),
  "layout: the same, unthreaded, no quote": (m) => anyText(m, centred) && unthreaded(m) && noQuote(m),
  "layout: a box drawn in characters (3+ framed lines)": (m) => anyText(m, boxed),
  "layout: every line ends in a blank (8+)": (m) => allTrailing(textOf(m)),
  "layout: wrapped narrow, longest line 40-60 (8+ lines)": (m) => narrow(textOf(m), 40, 60),
  "layout: the same, 40-56": (m) => narrow(textOf(m), 40, 56),
  "layout: the same (40-60), unthreaded, no quote, 500+ letters": (m) =>
    narrow(textOf(m), 40, 60) && unthreaded(m) && noQuote(m) && L(m) >= 500,
  "punct: a blank before `!`/`?` at a sentence's end, 2+": (m) => spacedBang(textOf(m)) >= 2,
  "punct: the same, 3+": (m) => spacedBang(textOf(m)) >= 3,
  "punct: the same (2+), unthreaded, no quote": (m) => spacedBang(textOf(m)) >= 2 && unthreaded(m) && noQuote(m),
  "punct: a shouted word opening a sentence, 5+": (m) => shoutOpen(textOf(m)) >= 5,
  "offer: a postscript": (m) => postscript(textOf(m)),
  "offer: a postscript, unthreaded, no quote, 1,000+ letters": (m) =>
    postscript(textOf(m)) && unthreaded(m) && noQuote(m) && L(m) >= 1000,
  "offer: the same, no link": (m) => postscript(textOf(m)) && unthreaded(m) && noQuote(m) && L(m) >= 1000 && noUrl(m),
  "offer: a one-word greeting opening the letter": (m) => bareGreeting(textOf(m)),
  "offer: the same, unthreaded, no quote, 1,000+ letters": (m) =>
    bareGreeting(textOf(m)) && unthreaded(m) && noQuote(m) && L(m) >= 1000,
  "num: 100%": hundred,
  "num: 100%, unthreaded, no quote": (m) => hundred(m) && unthreaded(m) && noQuote(m),
  "contact: a line ending in `:` over a mailbox or telephone alone, 2+": (m) => contactCall(textOf(m)) >= 2,
  "casing: 40 %+ of 60+ words capitalised": (m) => capShare(textOf(m)) >= 0.4,
  "casing: 50 %+": (m) => capShare(textOf(m)) >= 0.5
}

const PAIR_TRAITS = {
  to_in_text: (m) => toInText(m),
  subject_first: subjectFirstLine,
  subject_head: subjectInHead,
  from_is_to: fromIsTo,
  lower_display: lowerDisplay,
  to_label: toLabel,
  repeated_lines: (m) => repeatedLines(textOf(m)) >= 2,
  centred: (m) => anyText(m, centred),
  boxed: (m) => anyText(m, boxed),
  trailing_all: (m) => allTrailing(textOf(m)),
  narrow: (m) => narrow(textOf(m), 40, 60),
  spaced_bang: (m) => spacedBang(textOf(m)) >= 2,
  shout_open: (m) => shoutOpen(textOf(m)) >= 3,
  postscript: (m) => postscript(textOf(m)),
  bare_greeting: (m) => bareGreeting(textOf(m)),
  hundred,
  contact_call: (m) => contactCall(textOf(m)) >= 1,
  cap_share: (m) => capShare(textOf(m)) >= 0.4,
  no_url: noUrl,
  no_quote: noQuote,
  unthreaded,
  plain_only: plainOnly,
  long_1000: (m) => L(m) >= 1000,
  short_1500: (m) => L(m) > 0 && L(m) < 1500
}

// `--pairs [features]`: the pairs no ham carries that mark 3 or more near misses, the tokenizer's
// features among the traits with `features` (printCandidates); else the candidates' table.
printCandidates({ Classifier, corpus, model, candidates, traits: PAIR_TRAITS, show, near: NEAR })
