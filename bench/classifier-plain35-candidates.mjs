#!/usr/bin/env node
// How a plain text was laid out and typed, counted per corpus subset before any trait is built: the
// counts behind round 59 in docs/classifier.md. Rounds 33, 39, 43 and 51 counted an offer's
// spacing, rules, shouted lines, narrow wrapping, centred lines, boxes, blanks before `!` and
// capitalised words (their benches, not repeated here but for the rows that frame a new one); this
// bench reads the line-length profile (hard-wrapped, one line per paragraph), the lines' first and
// last characters, runs of empty lines, blank-only separator lines, rules, lists, lines in
// capitals, trailing blanks against RFC 3676's flowed form, tab indentation and a line shape
// repeated.
//
//   node bench/classifier-plain35-candidates.mjs [--corpus DIR] [--dist PATH/index.js]
//     [--dump FILE]   (a drift dump, `node bench/classifier-drift.mjs --known 1,0.1,0 --dump FILE`,
//                      of the build to aim at: its none-known cells give the misses' columns)
//     [--show NAME]   (prints the files that carry candidate NAME, ham first)
//     [--habits]      (instead: the messages carrying 1+, 2+, ... of the coarse habits `HABITS`)
//     [--pairs]       (the same, then the pairs of habits in at most 1 ham marking 3+ near misses)
//     [--opening]     (with --habits or --pairs: only messages opening a conversation)
//
// Columns: a count per subset; the spam of the dump's none-known cells not called spam (each
// subset's spam is tested in one cell: eval spam in the split, spam_2 in 2002 -> 2003-05, spam in
// 2003-05 -> 2002) and of those at 0.6 or more (what a late weight of about 1.2 lifts); a few ham.
// Only each message's first decoded text is read, and only for messages without an HTML part (the
// plain-text mail of the brief). Needs `npx turbo run build --filter=@mailmoat/antispam`; exits 2
// without a corpus.
import { readFileSync } from "node:fs"
import {
  args,
  candidateSetup,
  corpusMessages,
  count,
  countCandidates,
  holds,
  letters,
  lines,
  opt,
  SUBSETS
} from "./classifier-common.mjs"

const { corpus, Classifier } = await candidateSetup()
const show = opt("show", undefined)
const dumpFile = opt("dump", undefined)
const NEAR = 0.6

/** The dump's none-known misses by file name: the probability the build gave each. */
const misses = new Map()
for (const l of dumpFile === undefined ? [] : readFileSync(dumpFile, "utf8").split("\n")) {
  if (l === "") continue
  const d = JSON.parse(l)
  if (/, 0 % known$/.test(d.run) && d.label === "spam" && d.c !== "spam") misses.set(d.name, d.p)
}

/** The first decoded text of a message with no HTML part, line ends made LF; "" otherwise. */
const plainText = (m) =>
  m.body.htmls.length > 0
    ? ""
    : String(m.body.texts[0] ?? "")
        .slice(0, 100_000)
        .replace(/\r\n?/g, "\n")
/** Lines not quoted from another message, and not after a signature separator. */
const own = (t) => {
  const ls = lines(t).filter((l) => !/^\s*>/.test(l))
  const sig = ls.indexOf("-- ")
  return sig < 0 ? ls : ls.slice(0, sig)
}
/** The own lines holding 3+ letters (a line of a sentence, not a rule or an empty line). */
const worded = (t) => own(t).filter((l) => letters(l) >= 3)
const L = (t) => letters(t)
const unthreaded = (m) => !m.headers.get("in-reply-to") && !m.headers.get("references")
const noQuote = (t) => !/^\s*>/m.test(t)

/** Share of `xs` for which `f` holds (0 for none). */
const share = (xs, f) => (xs.length === 0 ? 0 : xs.filter(f).length / xs.length)

/** Paragraphs: runs of non-blank lines between blank ones. */
const paragraphs = (t) =>
  own(t)
    .join("\n")
    .split(/\n\s*\n/)
    .map((p) => p.split("\n").filter((l) => l.trim() !== ""))
    .filter((p) => p.length > 0)

/** One line per paragraph: 5+ paragraphs of 1 line, 3+ of them 100+ characters, none of 3+ lines. */
const unwrapped = (t) => {
  const ps = paragraphs(t).filter((p) => p.some((l) => letters(l) >= 3))
  return (
    ps.length >= 5 &&
    ps.every((p) => p.length <= 2) &&
    ps.filter((p) => p.length === 1 && p[0].length >= 100).length >= 3
  )
}
/** Hard-wrapped: 10+ worded lines, the longest 65-80, 3 in 4 of them 50+ (a mail program's fill). */
const hardWrapped = (t) => {
  const ls = worded(t).map((l) => l.trimEnd().length)
  if (ls.length < 10) return false
  const longest = Math.max(...ls)
  return longest >= 65 && longest <= 80 && share(ls, (n) => n >= 50) >= 0.75
}
/** Both in one text: 2+ lines of 120+ and 5+ lines wrapped under 60 inside paragraphs of 3+ lines. */
const mixedWrap = (t) => {
  const long = own(t).filter((l) => l.length >= 120).length
  const wrapped = paragraphs(t)
    .filter((p) => p.length >= 3)
    .flat()
    .filter((l) => l.trimEnd().length < 60 && letters(l) >= 3).length
  return long >= 2 && wrapped >= 5
}
/** Worded lines that open on a capital (or a digit, a quote mark or a bullet then a capital). */
const capOpen = (l) => /^\s*(?:[-*•>"'(]\s*)?[A-Z0-9]/.test(l)
/** Worded lines ending in `.`, `!`, `?` or `:` (blanks after allowed). */
const stopEnd = (l) => /[.!?:]\s*$/.test(l)
/** Runs of empty (or blank) lines: the longest, ignoring the text's tail. */
const blankRun = (t, tail = false) => {
  const ls = lines(t)
  let end = ls.length
  if (!tail) while (end > 0 && ls[end - 1].trim() === "") end--
  let best = 0
  let run = 0
  for (let i = 0; i < end; i++) {
    run = ls[i].trim() === "" ? run + 1 : 0
    best = Math.max(best, run)
  }
  return best
}
/** Empty lines the text ends in. */
const tailBlanks = (t) => {
  const ls = lines(t)
  let n = 0
  for (let i = ls.length - 1; i >= 0 && ls[i].trim() === ""; i--) n++
  return n
}
/** Empty lines the text opens with. */
const headBlanks = (t) => {
  const ls = lines(t)
  let n = 0
  while (n < ls.length && ls[n].trim() === "") n++
  return n
}
/** Lines of only 1-2 blanks (a separator typed with the space bar), and truly empty lines. */
const spaceLines = (t) => own(t).filter((l) => /^[ \t]{1,2}$/.test(l)).length
const emptyLines = (t) => own(t).filter((l) => l === "").length
/** Rules: lines of 10+ of one symbol (`-`, `=`, `*`, `_`, `#`, `~`, `+`). */
const rules = (t) => own(t).filter((l) => /^\s*([-=*_#~+])\1{9,}\s*$/.test(l)).length
/** List items: `- `, `* `, `• `, `1)`, `1.`, `a)` at a line's start. */
const listItems = (t) => own(t).filter((l) => /^\s*(?:[-*•o]\s+\S|\d{1,2}[.)]\s+\S|[a-z][)]\s+\S)/.test(l)).length
/** Lines of 10+ letters with no lower-case letter. */
const capsLine = (l) => letters(l) >= 10 && !/[a-z]/.test(l)
/** A line that is a mailbox alone. */
const mailboxLine = (l) => /^\s*(?:mailto:)?[A-Za-z0-9._%+=-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}\s*$/.test(l)
/** A line that is a link alone. */
const urlLine = (l) => /^\s*<?(?:https?:\/\/|www\.)\S+>?\s*$/i.test(l)
/** Worded lines ending in a blank; those ending in a blank after a sentence's stop. */
const trailing = (l) => / $/.test(l)
/** A worded line ending in a blank right before an empty line: a hard break written as RFC 3676's soft one. */
const trailBeforeEmpty = (t) => {
  const ls = own(t)
  let n = 0
  for (let i = 0; i + 1 < ls.length; i++) if (letters(ls[i]) >= 3 && / $/.test(ls[i]) && ls[i + 1] === "") n++
  return n
}
/** Lines indented by a tab. */
const tabLines = (t) => own(t).filter((l) => /^\t+\S/.test(l)).length
/** The line's shape: letters A/a, digits 9, runs collapsed; blanks kept as one. */
const shape = (l) =>
  l
    .trim()
    .replace(/[A-Z]+/g, "A")
    .replace(/[a-z]+/g, "a")
    .replace(/[0-9]+/g, "9")
    .replace(/\s+/g, " ")
/** The longest run of consecutive worded lines of one shape (4+ characters of shape). */
const shapeRun = (t) => {
  let best = 0
  let run = 0
  let prev = ""
  for (const l of own(t)) {
    if (l.trim() === "") continue
    const s = shape(l)
    run = s === prev && s.length >= 4 ? run + 1 : 1
    prev = s
    best = Math.max(best, run)
  }
  return best
}
/** Digits and currency signs per 100 letters. */
const digitDensity = (t) => (L(t) < 200 ? 0 : (count(t, /[0-9]/g) / L(t)) * 100)
const currencyCount = (t) => count(t, /[$£€¥]\s?\d/g)
/** A line led by exactly one blank then a word, the share of worded lines. */
const oneBlankLead = (l) => /^ \S/.test(l)

/** Two blanks between two words inside a sentence (a letter or comma, two blanks, a letter), once per line, in lines with no longer run (not a column). */
const doubleBlanks = (t) =>
  own(t).filter(
    (l) => /[A-Za-z,] {2}[A-Za-z]/.test(l.trim()) && !/ {3,}/.test(l.trim()) && !/[.!?:] {2}[A-Za-z]/.test(l.trim())
  ).length

const T = (f) => (m) => {
  const t = plainText(m)
  return t !== "" && f(t, m)
}
/** `at` or more of the text's worded lines (`min` or more of them) pass `test`. */
const mostLines = (test, min, at) =>
  T((t) => {
    const w = worded(t)
    return w.length >= min && share(w, test) >= at
  })

const candidates = {
  "built: text_footer_gap (TextFooterGap.ts)": (m) => Classifier.tokenize(m).features.includes("text_footer_gap"),
  "wrap: hard-wrapped 65-80, 10+ lines": T(hardWrapped),
  "wrap: one line per paragraph (5+, 3+ of 100+)": T(unwrapped),
  "wrap: the same, unthreaded, no quote": T((t, m) => unwrapped(t) && unthreaded(m) && noQuote(t)),
  "wrap: 2+ lines of 120+ beside 5+ wrapped under 60": T(mixedWrap),
  "open: 90 %+ of 10+ worded lines open on a capital": mostLines(capOpen, 10, 0.9),
  "open: every worded line (10+) opens on a capital": T((t) => {
    const w = worded(t)
    return w.length >= 10 && w.every(capOpen)
  }),
  "open: the same, 20+ lines": T((t) => {
    const w = worded(t)
    return w.length >= 20 && w.every(capOpen)
  }),
  "end: 80 %+ of 10+ worded lines end on a stop": mostLines(stopEnd, 10, 0.8),
  "end: every worded line (8+) ends on `.`": T((t) => {
    const w = worded(t)
    return w.length >= 8 && w.every((l) => /\.\s*$/.test(l))
  }),
  "end: 3+ worded lines end on `!`, a third of them": T((t) => {
    const w = worded(t)
    const n = w.filter((l) => /!\s*$/.test(l)).length
    return n >= 3 && n / w.length >= 1 / 3
  }),
  "blank: a run of 5+ empty lines inside the text": T((t) => blankRun(t) >= 5),
  "blank: a run of 8+ inside": T((t) => blankRun(t) >= 8),
  "blank: the text ends in 5+ empty lines": T((t) => tailBlanks(t) >= 5),
  "blank: the text ends in 10+": T((t) => tailBlanks(t) >= 10),
  "blank: the text opens with 2+ empty lines": T((t) => headBlanks(t) >= 2),
  "blank: 3+ lines of 1-2 blanks, no more empty lines than them": T((t) => {
    const s = spaceLines(t)
    return s >= 3 && emptyLines(t) <= s
  }),
  "blank: 5+ lines of 1-2 blanks": T((t) => spaceLines(t) >= 5),
  "rule: 2+ rules of one symbol": T((t) => rules(t) >= 2),
  "rule: 3+": T((t) => rules(t) >= 3),
  "rule: 2+ of `*`, `#`, `~` or `+`": T((t) => own(t).filter((l) => /^\s*([*#~+])\1{9,}\s*$/.test(l)).length >= 2),
  "list: 5+ items": T((t) => listItems(t) >= 5),
  "list: 8+ items, unthreaded, no quote": T((t, m) => listItems(t) >= 8 && unthreaded(m) && noQuote(t)),
  "caps: a quarter of 8+ worded lines in capitals": mostLines(capsLine, 8, 0.25),
  "caps: 40 %+ of 8+": mostLines(capsLine, 8, 0.4),
  "caps: 3+ lines in capitals, text under 1,500 letters": T(
    (t) => worded(t).filter(capsLine).length >= 3 && L(t) < 1500
  ),
  "line: a mailbox alone on a line": T((t) => own(t).some(mailboxLine)),
  "line: 2+ mailbox lines": T((t) => own(t).filter(mailboxLine).length >= 2),
  "line: 3+ link lines": T((t) => own(t).filter(urlLine).length >= 3),
  "line: 3+ link lines, unthreaded, no quote": T(
    (t, m) => own(t).filter(urlLine).length >= 3 && unthreaded(m) && noQuote(t)
  ),
  "num: 8+ digits per 100 letters": T((t) => digitDensity(t) >= 8),
  "num: 3+ amounts with a currency sign": T((t) => currencyCount(t) >= 3),
  "num: 6+ amounts with a currency sign": T((t) => currencyCount(t) >= 6),
  "sig: a `-- ` line (ham side)": T((t) => lines(t).includes("-- ")),
  "sig: 3+ quoted lines (ham side)": T((t) => lines(t).filter((l) => /^\s*>/.test(l)).length >= 3),
  "trail: half of 8+ worded lines end in a blank": mostLines(trailing, 8, 0.5),
  "trail: 90 %+ of 8+": mostLines(trailing, 8, 0.9),
  "trail: 3+ lines ending in a blank before an empty line": T((t) => trailBeforeEmpty(t) >= 3),
  "trail: the same, 5+": T((t) => trailBeforeEmpty(t) >= 5),
  "trail: the same (3+), not format=flowed": T(
    (t, m) => trailBeforeEmpty(t) >= 3 && !/format\s*=\s*"?flowed/i.test(m.headers.get("content-type") ?? "")
  ),
  "trail: 3+ lines ending `. ` (a stop, one blank) then an empty line": T((t) => {
    const ls = own(t)
    let n = 0
    for (let i = 0; i + 1 < ls.length; i++) if (/[.!?] $/.test(ls[i]) && ls[i + 1] === "") n++
    return n >= 3
  }),
  "tab: 3+ lines indented by a tab": T((t) => tabLines(t) >= 3),
  "tab: 3+, unthreaded, no quote": T((t, m) => tabLines(t) >= 3 && unthreaded(m) && noQuote(t)),
  "lead: half of 8+ worded lines led by one blank": mostLines(oneBlankLead, 8, 0.5),
  "shape: 5+ lines of one shape in a row": T((t) => shapeRun(t) >= 5),
  "shape: 8+": T((t) => shapeRun(t) >= 8),
  "open: 8+ continuation lines (2nd+ of a paragraph), 90 %+ on a capital": T((t) => {
    const cont = paragraphs(t)
      .flatMap((p) => p.slice(1))
      .filter((l) => letters(l) >= 3)
    return cont.length >= 8 && share(cont, capOpen) >= 0.9
  }),
  "open: the same, every one (8+)": T((t) => {
    const cont = paragraphs(t)
      .flatMap((p) => p.slice(1))
      .filter((l) => letters(l) >= 3)
    return cont.length >= 8 && cont.every(capOpen)
  }),
  "typed: 3+ double blanks between two words (not after a stop, no column)": T((t) => doubleBlanks(t) >= 3),
  "typed: the same, 5+": T((t) => doubleBlanks(t) >= 5),
  "typed: a letter 6+ times in a row in a word": T((t) =>
    /([a-zA-Z])\1{5,}/.test(
      own(t)
        .filter((l) => !/https?:|www\.|@/.test(l))
        .join("\n")
    )
  ),
  "typed: a run of 8+ dots": T((t) => /\.{8,}/.test(t)),
  "typed: `!!!` 2+": T((t) => count(t, /!{3,}/g) >= 2),
  "typed: 3+ list items glued to their word (`1.Body`)": T(
    (t) => own(t).filter((l) => /^\s*\d{1,2}[.)][A-Z][a-z]/.test(l)).length >= 3
  ),
  "typed: 3+ blanks before `,` or `.` (`word ,`)": T((t) => count(own(t).join("\n"), /[a-z] [,.](?=\s|$)/g) >= 3),
  "typed: 5+ commas glued to a lower-case word (`rate,and`)": T(
    (t) =>
      count(
        own(t)
          .filter((l) => !/https?:|www\.|@|[{};=]/.test(l))
          .join("\n"),
        /[a-z],[a-z]/g
      ) >= 5
  ),
  "typed: 3+ lower-case sentence starts (`. the`)": T((t) => count(own(t).join(" "), /[a-z]{2}[.!?] +[a-z]{2,}/g) >= 3),
  "typed: 3+ lines of one blank beside 3+ empty lines": T(
    (t) => own(t).filter((l) => l === " ").length >= 3 && emptyLines(t) >= 3
  ),
  "typed: 3+ lines with a run of 5+ blanks between words": T(
    (t) => own(t).filter((l) => /\S {5,}\S/.test(l.trim())).length >= 3
  )
}

/**
 * The letter's own lines (before a `-- ` signature, quotes left out) hold a run of `min`+ empty or
 * blank lines with `after(n)` true of the count of non-blank lines below it.
 */
const gapAbove = (t, min, after = (n) => n > 0) => {
  const ls = own(t)
  let run = 0
  for (let i = 0; i < ls.length; i++) {
    if (ls[i].trim() === "") {
      run++
      continue
    }
    if (run >= min) return after(ls.slice(i).filter((l) => l.trim() !== "").length)
    run = 0
  }
  return false
}
/** The coarse habits `--habits` and `--pairs` combine: each leans to spam in the table above, each is in some ham. */
const HABITS = {
  cap_open: candidates["open: 90 %+ of 10+ worded lines open on a capital"],
  bang_lines: candidates["end: 3+ worded lines end on `!`, a third of them"],
  blank_run: candidates["blank: a run of 8+ inside"],
  blank_tail: candidates["blank: the text ends in 5+ empty lines"],
  blank_head: candidates["blank: the text opens with 2+ empty lines"],
  space_lines: candidates["typed: 3+ lines of one blank beside 3+ empty lines"],
  symbol_rules: candidates["rule: 2+ of `*`, `#`, `~` or `+`"],
  caps_lines: candidates["caps: a quarter of 8+ worded lines in capitals"],
  currency: candidates["num: 3+ amounts with a currency sign"],
  trail_break: candidates["trail: 3+ lines ending in a blank before an empty line"],
  shape_run: candidates["shape: 5+ lines of one shape in a row"],

  dots: candidates["typed: a run of 8+ dots"],
  bangs: candidates["typed: `!!!` 2+"],
  glued_items: candidates["typed: 3+ list items glued to their word (`1.Body`)"],
  unwrapped: candidates["wrap: one line per paragraph (5+, 3+ of 100+)"],
  mixed_wrap: candidates["wrap: 2+ lines of 120+ beside 5+ wrapped under 60"],
  cont_caps: candidates["open: 8+ continuation lines (2nd+ of a paragraph), 90 %+ on a capital"],
  gap: (m) => plainText(m) !== "" && gapAbove(plainText(m), 8, (n) => n > 0 && n <= 8)
}

/** A letter that starts a conversation: no In-Reply-To or References, no `Re:` subject, no quoted line. */
const opening = (m) => unthreaded(m) && !/^\s*re\s*:/i.test(m.headers.get("subject") ?? "") && noQuote(plainText(m))
candidates["gap: 8+ empty lines inside the letter (before a `-- `)"] = T((t) => gapAbove(t, 8))
candidates["gap: the same, opening a conversation"] = T((t, m) => gapAbove(t, 8) && opening(m))
candidates["gap: 6+, opening a conversation"] = T((t, m) => gapAbove(t, 6) && opening(m))
candidates["gap: 10+, opening a conversation"] = T((t, m) => gapAbove(t, 10) && opening(m))
candidates["gap: 8+, 1-8 non-blank lines below, opening"] = T(
  (t, m) => gapAbove(t, 8, (n) => n > 0 && n <= 8) && opening(m)
)
candidates["gap: 6+, 1-8 below, opening"] = T((t, m) => gapAbove(t, 6, (n) => n > 0 && n <= 8) && opening(m))
candidates["gap: 8+, 1-8 below, any"] = T((t) => gapAbove(t, 8, (n) => n > 0 && n <= 8))
candidates["gap: 8+, 1-8 below, under 3,000 letters, opening"] = T(
  (t, m) => gapAbove(t, 8, (n) => n > 0 && n <= 8) && opening(m) && L(t) < 3000
)
for (const [k, f] of Object.entries(HABITS))
  candidates[`gated: ${k}, opening a conversation`] = (m) => f(m) && opening(m)

if (args.includes("--habits") || args.includes("--pairs")) {
  const byK = new Map()
  const pairs = new Map()
  const bump = (map, k, label, name) => {
    if (!map.has(k)) map.set(k, { ham: 0, spam: 0, missed: 0, near: 0, files: [] })
    const r = map.get(k)
    if (label === "ham") {
      r.ham++
      if (r.files.length < 4) r.files.push(name.slice(0, 16))
      return
    }
    r.spam++
    const p = misses.get(name)
    if (p === undefined) return
    r.missed++
    if (p >= NEAR) r.near++
  }
  for (const { label, name, message } of corpusMessages(Classifier, corpus)) {
    if (args.includes("--opening") && !holds(opening, message)) continue
    const on = Object.keys(HABITS).filter((k) => holds(HABITS[k], message))
    for (let k = 1; k <= on.length; k++) bump(byK, `${k}+ habits`, label, name)
    for (let i = 0; i < on.length; i++)
      for (let j = i + 1; j < on.length; j++) bump(pairs, `${on[i]} + ${on[j]}`, label, name)
  }
  const line = (k, r) => console.log(`| ${k} | ${r.ham} | ${r.spam} | ${r.missed} | ${r.near} | ${r.files.join(" ")} |`)
  console.log(`| habits | ham | spam | none-known misses | at ${NEAR}+ | ham files |`)
  console.log("|---|---:|---:|---:|---:|---|")
  for (const [k, r] of [...byK.entries()].sort()) line(k, r)
  if (args.includes("--pairs"))
    for (const [k, r] of [...pairs.entries()]
      .filter(([, r]) => r.ham <= 1 && r.near >= 3)
      .sort((a, b) => b[1].near - a[1].near))
      line(k, r)
  process.exit(0)
}

const rows = countCandidates(
  Classifier,
  corpus,
  candidates,
  () => ({ missed: 0, near: 0, files: [] }),
  (row, k, message) => {
    const { label, name } = message
    if (k === show) row.files.push(`${label} ${name.slice(0, 22)}`)
    else if (label === "ham" && row.files.length < 4) row.files.push(name.slice(0, 16))
    const p = misses.get(name)
    if (label === "ham" || p === undefined) return
    row.missed++
    if (p >= NEAR) row.near++
  }
)
console.log(
  `| candidate | ${SUBSETS.map((s) => `${s} (${rows.totals[s]})`).join(" | ")} | none-known misses (${misses.size}) / at ${NEAR}+ | ham files |`
)
console.log(`|---|${SUBSETS.map(() => "---:").join("|")}|---:|---|`)
for (const [k, row] of Object.entries(rows.rows))
  console.log(
    `| ${k} | ${SUBSETS.map((s) => row[s]).join(" | ")} | ${row.missed} / ${row.near} | ${k === show ? "" : row.files.join(" ")} |`
  )
if (show) console.log(rows.rows[show]?.files.join("\n") ?? `no candidate named ${show}`)
