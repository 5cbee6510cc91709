#!/usr/bin/env node
// Word-free shapes of a plain-text body's layout, counted per corpus subset before any is built:
// the counts behind round 33 in docs/classifier.md. The same columns as
// bench/classifier-body27-candidates.mjs (round 31); its 63 candidates and round 28's 66
// (bench/classifier-body-candidates.mjs) are not repeated here.
//
//   node bench/classifier-body28-candidates.mjs [--corpus DIR] [--dist PATH/index.js] [--model FILE]
//     [--show NAME]   (prints the files that carry candidate NAME, ham first)
//
// Needs `npx turbo run build --filter=@mailmoat/antispam`; exits 2 without a corpus.
import { candidateSetup, opt, printMissTable } from "./classifier-common.mjs"

const { corpus, Classifier, model } = await candidateSetup()
const show = opt("show", undefined)
/** Spam missed with none known at this probability or more: what a late weight of about 1 can lift. */
const NEAR = 0.7

const leaves = (p) => (p.children.length === 0 ? [p] : p.children.flatMap(leaves))
const isPlain = (p) => p.contentType === "text/plain" && !/attachment/i.test(p.disposition ?? "")
/** The decoded text/plain leaves, line ends made LF. */
const plains = (m) =>
  leaves(m.mime)
    .filter(isPlain)
    .map((p) => Buffer.from(p.body).toString("latin1").slice(0, 150_000).replace(/\r\n?/g, "\n"))
/** The raw (still encoded) bodies of text/plain leaves whose Content-Transfer-Encoding matches `re`. */
const rawPlains = (m, re) => {
  const raw = Buffer.from(m.scanView).toString("latin1")
  return leaves(m.mime)
    .filter((p) => isPlain(p) && re.test(p.transferEncoding ?? ""))
    .map((p) => {
      const part = raw.slice(p.start, p.end)
      return part
        .slice(part.search(/\r?\n\r?\n/) + 1)
        .replace(/^\r?\n+/, "")
        .replace(/\r\n?/g, "\n")
    })
}
/** The soft-broken raw lines (ending in `=`) of each QP leaf whose type matches `type`. */
const qpSoft = (m, type) => {
  const raw = Buffer.from(m.scanView).toString("latin1")
  return leaves(m.mime)
    .filter((p) => /quoted-printable/i.test(p.transferEncoding ?? "") && type.test(p.contentType))
    .map((p) => {
      const part = raw.slice(p.start, p.end)
      return part
        .slice(part.search(/\r?\n\r?\n/) + 1)
        .replace(/\r\n?/g, "\n")
        .split("\n")
        .filter((l) => l.endsWith("="))
    })
}
/** Whether a QP text/plain leaf has `min` or more soft-broken lines, all shorter than `width`. */
const plainSoftUnder = (m, min, width) =>
  qpSoft(m, /^text\/plain$/).some((soft) => soft.length >= min && soft.every((l) => l.length < width))
const count = (s, re) => (s.match(re) ?? []).length
const lines = (t) => t.split("\n")
const nonBlank = (t) => lines(t).filter((l) => l.trim().length > 0)
const letters = (s) => count(s, /[A-Za-z]/g)
const URL_LINE = /^[ \t]*(?:<)?(?:https?:\/\/|www\.)\S+[ \t]*$/i
const RULE_LINE = /^[ \t]*([-=_+*~#])\1{9,}[ \t]*$/
/** text_trailing_junk's line: letters, digits and hyphens with three runs, a lower-case letter and a digit. */
const junk = (line) =>
  /^[A-Za-z0-9-]{8,80}$/.test(line) &&
  /[a-z]/.test(line) &&
  /\d/.test(line) &&
  !/^[0-9a-f-]+$/i.test(line) &&
  count(line, /[A-Za-z]+|\d+/g) >= 3
/** A run of lower-case letters no language writes: 15+ letters, a vowel share under a fifth or over 3/4, or 5+ consonants in a row. */
const randomLetters = (w) =>
  /^[a-z]{15,80}$/.test(w) &&
  (count(w, /[aeiouy]/g) * 5 < w.length || count(w, /[aeiouy]/g) * 4 > w.length * 3 || /[^aeiouy]{5}/.test(w))
const tailLines = (t, n) => nonBlank(t).slice(-n)
/** The text without PGP armour (signatures' and keys' base64 lines). */
const unarmoured = (t) => t.replace(/^-----BEGIN PGP [^\n]*\n[\s\S]*?^-----END PGP [^\n]*$/gm, "")
const runs = (line) => count(line, /[A-Za-z]+|\d+/g)
const TAG_JUNK = /^\([A-Za-z0-9-]{2,12}\)[A-Za-z0-9-]{16,}$/
const randomish = (w) =>
  count(w, /[aeiouy]/g) * 5 < w.length || count(w, /[aeiouy]/g) * 4 > w.length * 3 || /[^aeiouy]{5}/.test(w)
const anyPlain = (m, f) => plains(m).some(f)

const candidates = {
  // Random padding: a bulk tool's string, new for every copy.
  "pad: a junk line (text_trailing_junk's) in the last 12 non-blank lines": (m) =>
    anyPlain(m, (t) => tailLines(t, 12).some((l) => junk(l.trim()))),
  "pad: a junk line anywhere": (m) => anyPlain(m, (t) => lines(t).some((l) => junk(l.trim()))),
  "pad: (tag) then a junk run, `(I3-ss1)9302YsCL8-129qk...`": (m) =>
    anyPlain(m, (t) => /^[ \t]*\([A-Za-z0-9-]{2,12}\)[A-Za-z0-9-]{16,}[ \t]*$/m.test(t)),
  "pad: a line of 15+ lower-case letters only": (m) => anyPlain(m, (t) => /^[ \t]*[a-z]{15,}[ \t]*$/m.test(t)),
  "pad: a line of 15+ random lower-case letters (vowels off, or 5 consonants)": (m) =>
    anyPlain(m, (t) => lines(t).some((l) => randomLetters(l.trim()))),
  "pad: same, in the last 12 non-blank lines": (m) =>
    anyPlain(m, (t) => tailLines(t, 12).some((l) => randomLetters(l.trim()))),
  "pad: a random line (junk or random letters) in the last 12 non-blank lines": (m) =>
    anyPlain(m, (t) => tailLines(t, 12).some((l) => junk(l.trim()) || randomLetters(l.trim()))),
  "pad: a junk line in the last 12 non-blank lines, outside a PGP armour": (m) =>
    anyPlain(m, (t) => tailLines(unarmoured(t), 12).some((l) => junk(l.trim()))),
  "pad: same, 4+ runs": (m) =>
    anyPlain(m, (t) => tailLines(unarmoured(t), 12).some((l) => junk(l.trim()) && runs(l.trim()) >= 4)),
  "pad: same (4+ runs), or random lower-case letters, or a (tag) junk run": (m) =>
    anyPlain(m, (t) =>
      tailLines(unarmoured(t), 12).some((l) => {
        const x = l.trim()
        return (junk(x) && runs(x) >= 4) || randomLetters(x) || TAG_JUNK.test(x)
      })
    ),
  "pad: same, 3+ runs": (m) =>
    anyPlain(m, (t) =>
      tailLines(unarmoured(t), 12).some((l) => {
        const x = l.trim()
        return junk(x) || randomLetters(x) || TAG_JUNK.test(x)
      })
    ),
  "pad: a line of 12+ random letters, mixed case": (m) =>
    anyPlain(m, (t) =>
      lines(unarmoured(t)).some(
        (l) =>
          /^[A-Za-z]{12,80}$/.test(l.trim()) &&
          /[a-z][A-Z]/.test(l.trim()) &&
          count(l.trim(), /[a-z][A-Z]|[A-Z][a-z]/g) >= 4
      )
    ),
  "pad: a line of 12+ random lower-case letters (vowels off, or 5 consonants)": (m) =>
    anyPlain(m, (t) => lines(t).some((l) => /^[a-z]{12,}$/.test(l.trim()) && randomish(l.trim()))),
  "pad: junk (3 runs and no hyphen, or 4+ runs, 10+), random lower-case letters or a (tag) junk run, last 12 lines, no PGP":
    (m) =>
      anyPlain(m, (t) =>
        tailLines(unarmoured(t), 12).some((l) => {
          const x = l.trim()
          return (
            (junk(x) && x.length >= 10 && (runs(x) >= 4 || !x.includes("-"))) || randomLetters(x) || TAG_JUNK.test(x)
          )
        })
      ),
  // As built (round 33, TextPaddingTail.ts): the same line in every decoded text, HTML's reduced text too.
  "pad: the same in any decoded text (text_padding_tail)": (m) =>
    m.body.texts.some((t) =>
      tailLines(unarmoured(t.slice(-6000)), 12).some((l) => {
        const x = l.trim()
        return (junk(x) && x.length >= 10 && (runs(x) >= 4 || !x.includes("-"))) || randomLetters(x) || TAG_JUNK.test(x)
      })
    ),
  // White space used as layout.
  "blank: 3+ lines of blanks only, one width (3+), the same each time": (m) =>
    anyPlain(m, (t) => {
      const widths = new Map()
      for (const l of lines(t)) if (/^ {3,}$/.test(l)) widths.set(l.length, (widths.get(l.length) ?? 0) + 1)
      return [...widths.values()].some((n) => n >= 3)
    }),
  "blank: 3+ lines of blanks only (3+ blanks)": (m) => anyPlain(m, (t) => count(t, /^[ \t]{3,}$/gm) >= 3),
  "blank: 3+ lines of one blank only": (m) => anyPlain(m, (t) => count(t, /^ $/gm) >= 3),
  "blank: lines of blanks only outnumber empty lines, 4+": (m) =>
    anyPlain(m, (t) => {
      const b = count(t, /^[ \t]+$/gm)
      return b >= 4 && b > count(t, /^$/gm)
    }),
  "blank: 5+ lines ending in 3+ blanks": (m) => anyPlain(m, (t) => count(t, /\S[ \t]{3,}$/gm) >= 5),
  "blank: half the non-blank lines end in a blank (6+)": (m) =>
    anyPlain(m, (t) => {
      const nb = nonBlank(t)
      const n = nb.filter((l) => /\S[ \t]+$/.test(l)).length
      return n >= 6 && n * 2 >= nb.length
    }),
  // Links as layout.
  "link: the same URL alone on a line twice or more": (m) =>
    anyPlain(m, (t) => {
      const seen = new Set()
      for (const l of lines(t)) {
        if (!URL_LINE.test(l)) continue
        const u = l.trim()
        if (seen.has(u)) return true
        seen.add(u)
      }
      return false
    }),
  "link: 2+ URL-alone lines, < 800 letters": (m) =>
    anyPlain(m, (t) => lines(t).filter((l) => URL_LINE.test(l)).length >= 2 && letters(t) < 800),
  "link: URL-alone lines 3+, one per 4 prose lines or more": (m) =>
    anyPlain(m, (t) => {
      const u = lines(t).filter((l) => URL_LINE.test(l)).length
      return u >= 3 && u * 4 >= nonBlank(t).length - u
    }),
  "link: 3+ numbered items each followed by a URL line": (m) =>
    anyPlain(
      m,
      (t) => count(t, /^[ \t]*\(?\d{1,2}[).][ \t]+\S[^\n]*\n(?:[^\n]*\n)?[ \t]*(?:https?:\/\/|www\.)\S+[ \t]*$/gm) >= 3
    ),
  "link: a mailto: with ?subject= in the text": (m) => anyPlain(m, (t) => /mailto:[^\s?]+\?subject=/i.test(t)),
  "link: a rule line, then a URL or mailto within 4 lines, nothing after but blanks": (m) =>
    anyPlain(m, (t) => {
      const nb = nonBlank(t)
      const r = nb.findLastIndex((l) => RULE_LINE.test(l))
      return r >= 0 && nb.length - r <= 5 && nb.slice(r + 1).some((l) => /(?:https?:\/\/|mailto:|www\.)/i.test(l))
    }),
  "link: < 300 letters, one URL host": (m) =>
    anyPlain(m, (t) => {
      const hosts = new Set([...t.matchAll(/https?:\/\/([^\s/:?#<>"]+)/gi)].map((x) => x[1].toLowerCase()))
      return hosts.size === 1 && letters(t) < 300
    }),
  "link: a URL line, then a rule, then a URL line (offer, rule, opt-out)": (m) =>
    anyPlain(m, (t) => {
      const nb = nonBlank(t)
      const r = nb.findLastIndex((l) => RULE_LINE.test(l))
      return (
        r > 0 &&
        nb.slice(0, r).some((l) => URL_LINE.test(l)) &&
        nb.slice(r + 1, r + 6).some((l) => URL_LINE.test(l) || /mailto:/i.test(l))
      )
    }),
  // Removal paragraphs (the few words every opt-out says), with no list to leave.
  "removal: remove/unsubscribe + URL/mailto in the last 8 lines, no List-* header": (m) =>
    !["list-id", "list-unsubscribe", "list-post", "mailing-list", "list-help"].some(
      (h) => m.headers.get(h) !== undefined
    ) &&
    anyPlain(m, (t) => {
      const tail = tailLines(t, 8).join("\n")
      return /\b(?:remov|unsubscri|opt[- ]?out)/i.test(tail) && /(?:https?:\/\/|mailto:|@)/i.test(tail)
    }),
  "removal: 'allow N hours/days' for removal": (m) =>
    anyPlain(m, (t) => /allow\s+(?:\d+|up to)[^\n.]{0,20}(?:hours|days|business)/i.test(t)),
  // Capitals and call to action.
  "caps: 3+ Title Case lines (4+ words, each capitalised)": (m) =>
    anyPlain(
      m,
      (t) =>
        lines(t).filter((l) => /^[ \t]*(?:[A-Z][a-z']*[,!]?[ \t]+){3,}[A-Z][a-z']*[!.]?[ \t]*$/.test(l)).length >= 3
    ),
  "caps: 3+ bullet lines in capitals": (m) =>
    anyPlain(m, (t) => count(t, /^[ \t]*[*\-•>o+][ \t]+[^a-z\n]*[A-Z]{3}[^a-z\n]*$/gm) >= 3),
  "caps: an ALL-CAPS line then a URL line, 2+": (m) =>
    anyPlain(m, (t) => count(t, /^[^a-z\n]*[A-Z]{3}[^a-z\n]*\n[ \t]*(?:https?:\/\/|www\.)\S+[ \t]*$/gm) >= 2),
  "cta: a phone number alone on a line": (m) =>
    anyPlain(m, (t) => /^[ \t]*(?:\+?1[ .-]?)?\(?\d{3}\)?[ .-]?\d{3}[ .-]\d{4}[ \t]*$/m.test(t)),
  "cta: a toll-free number alone on a line": (m) =>
    anyPlain(m, (t) => /^[ \t]*(?:1[ .-]?)?\(?8(?:00|88|77|66)\)?[ .-]?\d{3}[ .-]\d{4}[ \t]*$/m.test(t)),
  "cta: an e-mail address alone on a line, and no other prose after it": (m) =>
    anyPlain(m, (t) => {
      const nb = nonBlank(t)
      const last = nb.at(-1) ?? ""
      return /^[ \t]*(?:mailto:)?[\w.+-]+@[\w-]+\.[\w.-]+[ \t]*$/.test(last)
    }),
  "price: 5+ lines ending in a price (USD 4.50, $9.95)": (m) =>
    anyPlain(m, (t) => count(t, /(?:USD|US\$|\$)[ \t]*\d[\d,]*(?:\.\d\d)?[ \t]*$/gm) >= 5),
  // Separators.
  "rule: 3+ rule lines of one character (10+)": (m) =>
    anyPlain(m, (t) => lines(t).filter((l) => RULE_LINE.test(l)).length >= 3),
  "rule: a rule line of 10+ of + or ~ or #": (m) => anyPlain(m, (t) => /^[ \t]*([+~#])\1{9,}[ \t]*$/m.test(t)),
  "rule: a rule of = or * framing a line (===\\nText\\n===)": (m) =>
    anyPlain(m, (t) => /^[ \t]*([=*])\1{9,}[ \t]*\n[^\n]*[A-Za-z][^\n]*\n[ \t]*\1{10,}[ \t]*$/m.test(t)),
  // Raw line lengths: what wrote the text.
  "raw: a 7bit/8bit/unlabelled text/plain with a line over 200 characters": (m) =>
    rawPlains(m, /^(?:\s*(?:7bit|8bit)\s*)?$/i).some((b) => lines(b).some((l) => l.length > 200)),
  "raw: same, over 300, no soft breaks (not QP), and 3+ such lines": (m) =>
    rawPlains(m, /^(?:\s*(?:7bit|8bit)\s*)?$/i).some((b) => lines(b).filter((l) => l.length > 300).length >= 3),
  "raw: same, 998+ characters (beyond RFC 5322's limit)": (m) =>
    rawPlains(m, /^(?:\s*(?:7bit|8bit)\s*)?$/i).some((b) => lines(b).some((l) => l.length > 998)),
  "raw: a text/plain, every prose line 100+ (3+ lines)": (m) =>
    rawPlains(m, /^(?:\s*(?:7bit|8bit)\s*)?$/i).some((b) => {
      const nb = nonBlank(b).filter((l) => letters(l) > 20)
      return nb.length >= 3 && nb.every((l) => l.length >= 100)
    }),
  "raw: QP text/plain, soft-broken lines all under 60": (m) => plainSoftUnder(m, 3, 60),
  "raw: QP text/plain, soft-broken lines of 3+ different widths (over 2 apart)": (m) =>
    rawPlains(m, /quoted-printable/i).some((b) => {
      const soft = lines(b)
        .filter((l) => l.endsWith("=") && !/=[0-9A-F]{2}=$/.test(l))
        .map((l) => l.length)
      return soft.length >= 5 && Math.max(...soft) - Math.min(...soft) > 12
    }),
  "raw: QP text/plain, soft-broken lines all under 70": (m) => plainSoftUnder(m, 3, 70),
  "raw: QP text/plain, soft-broken lines all under 60, 1+": (m) => plainSoftUnder(m, 1, 60),
  "raw: any QP leaf, soft-broken lines all under 60 (3+)": (m) =>
    qpSoft(m, /./).some((soft) => soft.length >= 3 && soft.every((l) => l.length < 60)),
  "raw: any QP leaf, soft-broken lines all under 60, 1+": (m) =>
    qpSoft(m, /./).some((soft) => soft.length >= 1 && soft.every((l) => l.length < 60)),
  "raw: any QP leaf, soft-broken lines all under 70, 1+": (m) =>
    qpSoft(m, /./).some((soft) => soft.length >= 1 && soft.every((l) => l.length < 70)),
  "raw: any QP leaf, soft-broken lines all under 66, 1+": (m) =>
    qpSoft(m, /./).some((soft) => soft.length >= 1 && soft.every((l) => l.length < 66)),
  "raw: any QP leaf, half its soft-broken lines under 60, 2+": (m) =>
    qpSoft(m, /./).some((soft) => soft.filter((l) => l.length < 60).length >= Math.max(2, soft.length / 2)),
  "raw: any QP leaf, a soft-broken line under 40": (m) =>
    qpSoft(m, /./).some((soft) => soft.some((l) => l.length < 40)),
  "raw: QP text/plain, an encoded line feed or return (=0A, =0D)": (m) =>
    rawPlains(m, /quoted-printable/i).some((b) => /=0[AD]/i.test(b)),
  "raw: QP text/plain, a bare line feed encoded (=0A, no =0D before it: mime_qp_encoded_break)": (m) =>
    rawPlains(m, /quoted-printable/i).some((b) => /(?<!=0D)=0A/i.test(b)),
  "raw: QP text/plain, an encoded line feed then a soft break (=0A=)": (m) =>
    rawPlains(m, /quoted-printable/i).some((b) => /=0A=$/im.test(b)),
  "raw: any QP leaf, an encoded line feed or return (=0A, =0D)": (m) => {
    const raw = Buffer.from(m.scanView).toString("latin1")
    return leaves(m.mime)
      .filter((p) => /quoted-printable/i.test(p.transferEncoding ?? ""))
      .some((p) => /=0[AD]/i.test(raw.slice(p.start, p.end)))
  },
  "raw: QP text/plain, soft-broken lines all under 60, 1+, no =0A": (m) =>
    rawPlains(m, /quoted-printable/i).some((b) => {
      const soft = lines(b).filter((l) => l.endsWith("=") && !/=0A=$/i.test(l))
      return soft.length >= 1 && soft.every((l) => l.length < 60)
    }),
  "raw: wrapped text, lines break at one width (±2) under 60, 10+ lines": (m) =>
    rawPlains(m, /^(?:\s*(?:7bit|8bit)\s*)?$/i).some((b) => {
      const long = lines(b).filter((l) => l.length >= 30)
      if (long.length < 10) return false
      const max = Math.max(...long.map((l) => l.length))
      return max < 60 && long.filter((l) => l.length >= max - 2).length * 2 >= long.length
    })
}

printMissTable({ Classifier, corpus, model, candidates, show, near: NEAR })
