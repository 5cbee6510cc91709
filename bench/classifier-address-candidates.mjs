#!/usr/bin/env node
// Word-free shapes of the addresses a bulk tool writes (the To it puts in place of the real
// recipients, mail-merge fields left unfilled, an address where a name goes), counted per corpus
// subset before any is built: the counts behind round 35 in docs/classifier.md. The columns are
// bench/classifier-body28-candidates.mjs's.
//
//   node bench/classifier-address-candidates.mjs [--corpus DIR] [--dist PATH/index.js] [--model FILE]
//     [--show NAME]   (prints the files that carry candidate NAME, ham first)
//
// Needs `npx turbo run build --filter=@mailmoat/antispam`; exits 2 without a corpus.
import { candidateSetup, opt, printMissTable } from "./classifier-common.mjs"

const { corpus, Classifier, model } = await candidateSetup()
const show = opt("show", undefined)
const NEAR = 0.7

const count = (s, re) => (s.match(re) ?? []).length
/** The bare addresses of a header value (`a@b`, lower-case), at most 50. */
const addrs = (v) =>
  [...(v ?? "").matchAll(/[\w.+'=~$%!&*/?^`{|}#-]+@[\w-]+(?:\.[\w-]+)+/g)].slice(0, 50).map((m) => m[0].toLowerCase())
const local = (a) => a.slice(0, a.lastIndexOf("@"))
const domain = (a) => a.slice(a.lastIndexOf("@") + 1)
/** Registrable domain, roughly: the last two labels, three under a two-letter country's short second level. */
const reg = (host) => {
  const l = host.split(".")
  if (l.length >= 3 && l.at(-1).length === 2 && l.at(-2).length <= 3) return l.slice(-3).join(".")
  return l.slice(-2).join(".")
}
const vowels = (w) => count(w, /[aeiouy]/g)
/** Lower-case letters no language spells: vowels under a fifth or over 3/4, or 5 consonants in a row. */
const randomLetters = (w, min = 8) =>
  new RegExp(`^[a-z]{${min},40}$`).test(w) &&
  (vowels(w) * 5 < w.length || vowels(w) * 4 > w.length * 3 || /[b-df-hj-np-tv-xz]{5}/.test(w))
const runs = (w) => count(w, /[A-Za-z]+|\d+/g)
const from = (m) => addrs(m.headers.get("from"))[0]
const tos = (m) => addrs(m.headers.get("to"))
const cc = (m) => addrs(m.headers.get("cc"))
const subject = (m) => m.headers.decoded("subject") ?? ""
const rawSubject = (m) => m.headers.get("subject") ?? ""
const texts = (m) => m.body.texts.map((t) => String(t).slice(0, 150_000).replace(/\r\n?/g, "\n"))
const firstLines = (t, n) =>
  t
    .split("\n")
    .filter((l) => l.trim().length > 0)
    .slice(0, n)
const fromDisplay = (m) => {
  const v = m.headers.get("from") ?? ""
  const x = /^\s*"?([^"<]*?)"?\s*<[^>]*>\s*$/.exec(v)
  return x ? x[1].trim() : undefined
}
/** Whether `a`'s local part is letters and digits only, in `n` or more runs (`j9m11ep`: five). */
const mixedRuns = (a, n) => a !== undefined && /^[a-z0-9]{5,30}$/.test(local(a)) && runs(local(a)) >= n
const onlyTo = (m) => (tos(m).length === 1 && cc(m).length === 0 ? tos(m)[0] : undefined)
const PLACEHOLDER =
  /(~[A-Za-z_]{2,20}~|%%?[A-Za-z_]{2,20}%%?|\{\$?[A-Za-z_]{2,20}\}|\[\[[A-Za-z_]{2,20}\]\]|<<[A-Za-z_]{2,20}>>|\$[A-Za-z_]{2,20}\$)/
const EMAIL = /[\w.+-]+@[\w-]+(?:\.[\w-]+)+/

const candidates = {
  // The To a bulk tool writes: one address standing for the list it really sends to.
  "to: one address, local part random lower-case letters (8+)": (m) => {
    const t = onlyTo(m)
    return t !== undefined && randomLetters(local(t))
  },
  "to: the same, at From's registrable domain": (m) => {
    const t = onlyTo(m)
    const f = from(m)
    return t !== undefined && f !== undefined && randomLetters(local(t)) && reg(domain(t)) === reg(domain(f))
  },
  "to: any To/Cc address, local part random lower-case letters (8+)": (m) =>
    [...tos(m), ...cc(m)].some((a) => randomLetters(local(a))),
  "to: one address at From's registrable domain, another local part": (m) => {
    const t = onlyTo(m)
    const f = from(m)
    return t !== undefined && f !== undefined && t !== f && reg(domain(t)) === reg(domain(f))
  },
  "to: one address at From's host (full), another local part, From's host has 3+ labels": (m) => {
    const t = onlyTo(m)
    const f = from(m)
    return (
      t !== undefined &&
      f !== undefined &&
      local(t) !== local(f) &&
      domain(t) === domain(f) &&
      domain(f).split(".").length >= 3
    )
  },
  "to: local part of letters and digits in 4+ runs (`o9njr103`)": (m) => mixedRuns(onlyTo(m), 4),
  "from: local part of letters and digits in 4+ runs (`j9m11ep`)": (m) => mixedRuns(from(m), 4),
  "from and to: both local parts in 4+ runs": (m) => mixedRuns(from(m), 4) && mixedRuns(onlyTo(m), 4),

  "from: local part random lower-case letters (8+)": (m) => {
    const f = from(m)
    return f !== undefined && randomLetters(local(f))
  },
  "from: host a label of random letters (`clvvrvlkcra.usa.net`)": (m) => {
    const f = from(m)
    return (
      f !== undefined &&
      domain(f)
        .split(".")
        .some((l) => randomLetters(l, 7))
    )
  },
  "to: a label of random letters in To's host": (m) =>
    tos(m).some((a) =>
      domain(a)
        .split(".")
        .some((l) => randomLetters(l, 7))
    ),
  "to: the To field names no address but a display name, or a path (`C:`)": (m) =>
    /[A-Za-z]:[`\\]/.test(m.headers.get("to") ?? ""),
  // An address where a name goes.
  'from: display name is its own address (`"a@b" <a@b>`)': (m) => {
    const d = fromDisplay(m)
    return d !== undefined && d.toLowerCase() === from(m)
  },
  "from: display name is an address (any)": (m) => {
    const d = fromDisplay(m)
    return d !== undefined && EMAIL.test(d)
  },
  "text: first line a greeting of one or two words and an address (`Dear ilug@linux.ie`)": (m) =>
    texts(m).some((t) => {
      const l = firstLines(t, 1)[0]?.trim() ?? ""
      return /^[A-Za-z]{2,10}(?: [A-Za-z]{2,10})?,? +[\w.+-]+@[\w-]+(?:\.[\w-]+)+ *[,:!]?$/.test(l)
    }),
  "text: first line a word and To's local part, a comma (`webmaster,`)": (m) => {
    const t = onlyTo(m)
    if (t === undefined || local(t).length < 3) return false
    return texts(m).some((x) => {
      const l = firstLines(x, 1)[0]?.trim().toLowerCase() ?? ""
      return l === `${local(t)},` || new RegExp(`^[a-z]{2,10} ${local(t).replace(/[^a-z0-9]/g, ".")}[,!:]$`).test(l)
    })
  },
  "subject: holds To's full address": (m) => {
    const s = subject(m).toLowerCase()
    return tos(m).some((a) => s.includes(a))
  },
  "subject: starts with To's local part and a comma": (m) => {
    const t = onlyTo(m)
    return (
      t !== undefined &&
      local(t).length >= 3 &&
      subject(m)
        .toLowerCase()
        .startsWith(`${local(t)},`)
    )
  },
  "subject: ends with To's local part (a word of its own)": (m) => {
    const t = onlyTo(m)
    return (
      t !== undefined &&
      local(t).length >= 3 &&
      new RegExp(` ${local(t).replace(/[^a-z0-9]/g, ".")}$`).test(subject(m).toLowerCase().trim())
    )
  },
  // Mail-merge fields a bulk tool left unfilled.
  "merge: a placeholder (`~name~`, `%NAME%`, `{name}`, `<<name>>`) in the first 3 lines": (m) =>
    texts(m).some((t) => firstLines(t, 3).some((l) => PLACEHOLDER.test(l))),
  "merge: a placeholder in the subject": (m) => PLACEHOLDER.test(subject(m)),
  "merge: a placeholder anywhere in the text": (m) => texts(m).some((t) => PLACEHOLDER.test(t)),
  "merge: `~word~` anywhere (subject or text)": (m) =>
    /~[A-Za-z_]{2,20}~/.test(subject(m)) || texts(m).some((t) => /~[A-Za-z_]{2,20}~/.test(t)),
  // The subject's tail: a code new in every copy.
  "subject: ends in a random lower-case token (4-8), after 2+ blanks, a hyphen or in brackets": (m) =>
    /(?: {2,}|-|\[|\()([a-z]{4,8})[\])]?\s*$/.test(rawSubject(m)) &&
    (() => {
      const w = /([a-z]{4,8})[\])]?\s*$/.exec(rawSubject(m))[1]
      return vowels(w) * 5 < w.length + 1 || /[b-df-hj-np-tv-xz]{4}/.test(w)
    })(),
  "subject: last word 5 lower-case letters, no more than one vowel (`ljnhz`, `whnyf`)": (m) => {
    const w = /\s([a-z]{5})\s*$/.exec(rawSubject(m))?.[1]
    return w !== undefined && count(w, /[aeiou]/g) <= 1 && /[b-df-hj-np-tv-xz]{3}/.test(w)
  },
  "subject: last word 4-8 lower-case letters with 4 consonants in a row or no vowel": (m) => {
    const w = /[\s\-[(]([a-z]{4,8})[\])]?\s*$/.exec(rawSubject(m))?.[1]
    return w !== undefined && (/[b-df-hj-np-tv-xz]{4}/.test(w) || count(w, /[aeiouy]/g) === 0)
  },
  "subject: ends in 5+ digits after a blank (`559928`)": (m) => /\s\d{5,}\s*$/.test(rawSubject(m)),
  "subject: ends in a dotted number (`10.206`)": (m) => /\s\d{1,3}\.\d{3}\s*$/.test(rawSubject(m)),
  "message-id: the domain is no host name (no dot, or an underscore)": (m) => {
    const d = /@([^>]*)>?\s*$/.exec(m.headers.get("message-id") ?? "")?.[1]
    return d !== undefined && (!d.includes(".") || d.includes("_"))
  },
  "message-id: the domain has no dot": (m) => {
    const d = /@([^>]*)>?\s*$/.exec(m.headers.get("message-id") ?? "")?.[1]
    return d !== undefined && !d.includes(".")
  },
  "subject: ends in a bracketed code of letters and digits, 3+ runs (`[ll4k4]`, `(5026HbTl0-754G@13)`)": (m) => {
    const c = /[[(]([A-Za-z0-9@-]{4,40})[\])]\s*$/.exec(rawSubject(m))?.[1]
    return c !== undefined && /[A-Za-z]/.test(c) && /\d/.test(c) && runs(c) >= 3
  },
  "merge: a macro alone on a line (`{%RAND}`, `%NAME%`, `~name~`, `[FNAME]`)": (m) =>
    texts(m).some((t) =>
      /^[ \t]*(?:\{%?[A-Za-z_]{2,20}%?\}|%%?[A-Za-z_]{2,20}%%?|~[A-Za-z_]{2,20}~|\[[A-Z_]{2,20}\])[ \t]*$/m.test(t)
    ),
  "merge: a `{%...}` or `%%...%%` macro anywhere (subject or text)": (m) =>
    /\{%[A-Za-z_]{2,20}\}|%%[A-Za-z_]{2,20}%%/.test(subject(m)) ||
    texts(m).some((t) => /\{%[A-Za-z_]{2,20}\}|%%[A-Za-z_]{2,20}%%/.test(t)),
  "merge: `~word~` in the first 3 lines, or a greeting line ending in a placeholder": (m) =>
    texts(m).some((t) =>
      firstLines(t, 3).some((l) =>
        /~[A-Za-z_]{2,20}~|^[A-Za-z]{2,10} (?:%%?|\{|\[|<<|~)[A-Za-z_]{2,20}(?:%%?|\}|\]|>>|~),?\s*$/.test(l.trim())
      )
    ),
  "to: random letters at From's domain, or a local part in 4+ runs, or a path": (m) => {
    const t = onlyTo(m)
    const f = from(m)
    if (/[A-Za-z]:[`\\]/.test(m.headers.get("to") ?? "")) return true
    if (t === undefined) return false
    if (mixedRuns(t, 4)) return true
    return f !== undefined && randomLetters(local(t)) && reg(domain(t)) === reg(domain(f))
  },
  "from: local part of letters and digits in 5+ runs": (m) => mixedRuns(from(m), 5),
  "to: local part of letters and digits in 5+ runs": (m) => mixedRuns(onlyTo(m), 5),
  "to: random letters (8+), To's host From's host or its parent, From's host 3+ labels": (m) => {
    const t = onlyTo(m)
    const f = from(m)
    if (t === undefined || f === undefined || !randomLetters(local(t))) return false
    const fh = domain(f)
    return fh.split(".").length >= 3 && (domain(t) === fh || fh.endsWith(`.${domain(t)}`))
  },
  "to: a Windows path for an address (`C:\\...`, `C:``)": (m) =>
    /(?:^|[<\s,"])[A-Za-z]:[`\\]/.test(m.headers.get("to") ?? ""),
  "subject: ends in a bracketed code of letters and digits, 4+ runs": (m) => {
    const c = /[[(]([A-Za-z0-9@-]{4,40})[\])]\s*$/.exec(rawSubject(m))?.[1]
    return c !== undefined && /[A-Za-z]/.test(c) && /\d/.test(c) && runs(c) >= 4
  },
  // The tool's clock and its keyboard.
  "subject: a time of day with seconds (`2:18:15 PM`, `23:34:52`)": (m) => /\b\d{1,2}:\d\d:\d\d\b/.test(subject(m)),
  "subject: a US date and a 12-hour time with seconds (`9/20/02 11:34:52 PM`)": (m) =>
    /\b\d{1,2}\/\d{1,2}\/\d{2,4}\b/.test(subject(m)) && /\b\d{1,2}:\d\d:\d\d ?[AP]M\b/i.test(subject(m)),
  "subject: the Date header's time of day (H:MM:SS)": (m) => {
    const t = /\b(\d{1,2}):(\d\d):(\d\d)\b/.exec(m.headers.get("date") ?? "")
    if (!t) return false
    const h = Number(t[1])
    const s = subject(m)
    const h12 = h % 12 === 0 ? 12 : h % 12
    return s.includes(`${h}:${t[2]}:${t[3]}`) || s.includes(`${h12}:${t[2]}:${t[3]}`)
  },
  "header: a value that starts with its own field name (`X-Mailer: X-Mailer: ...`)": (m) =>
    m.headers.list.slice(0, 100).some((h) => h.value.toLowerCase().startsWith(`${h.name.toLowerCase()}:`)),
  "header: a keyboard row of 6+ in a header value (`zxcvbnm`, `qwerty`, `lkjhgf`)": (m) =>
    m.headers.list
      .slice(0, 100)
      .some(
        (h) =>
          !/^subject$/i.test(h.name) && /qwerty|asdfgh|zxcvbn|poiuyt|lkjhgf|mnbvcx|ytrewq|hgfdsa|nbvcxz/i.test(h.value)
      ),
  "text: a keyboard row of 7+ letters (`qwertyu`, `zxcvbnm`)": (m) =>
    texts(m).some((t) => /qwertyu|asdfghj|zxcvbnm|poiuytr|lkjhgfd|mnbvcxz/i.test(t)),
  "message-id: the domain holds an underscore": (m) => /@[^>]*_[^>]*>?\s*$/.test(m.headers.get("message-id") ?? ""),
  // As built (round 35, BulkToolToStandIn.ts and BulkToolSubjectCode.ts), read from the build's features.
  "built: to_stand_in": (m) => Classifier.tokenize(m).features.includes("to_stand_in"),
  "built: subject_code_tail": (m) => Classifier.tokenize(m).features.includes("subject_code_tail"),
  "built: subject_clock_stamp": (m) => Classifier.tokenize(m).features.includes("subject_clock_stamp"),
  "built: any of the three": (m) =>
    Classifier.tokenize(m).features.some((f) =>
      ["to_stand_in", "subject_code_tail", "subject_clock_stamp"].includes(f)
    ),
  "message-id: local part random lower-case letters only (`aaposgfmr`)": (m) => {
    const l = /<([^@>]*)@/.exec(m.headers.get("message-id") ?? "")?.[1]
    return l !== undefined && /^[a-z]{6,40}$/.test(l)
  }
}

printMissTable({ Classifier, corpus, model, candidates, show, near: NEAR })
