#!/usr/bin/env node
// Shapes of a message that do not depend on its words, counted per corpus subset (easy_ham,
// easy_ham_2, hard_ham, spam, spam_2 of train/, eval/'s ham and spam apart) before any is built:
// the counts behind rounds 14 and 25 in docs/classifier.md. A candidate is worth building only
// when ham next to never shows it and spam of both eras does; the last columns say how many of
// the spam that show it the given model misses now, with all words known and with none (features
// alone, the stand-in for mail whose words the table has never seen), so a candidate that only
// marks spam already caught shows as such.
//
//   node bench/classifier-candidates.mjs [--corpus DIR] [--dist PATH/index.js] [--model FILE]
//
// Needs `npx turbo run build --filter=@mailmoat/antispam`; exits 2 without a corpus.
import { candidateSetup, countCandidates, missScores, parseHeaderTime, SUBSETS } from "./classifier-common.mjs"

const { corpus, Classifier, model } = await candidateSetup()

const ADDRESS = /<?([A-Za-z0-9._%+'=-]+)@([A-Za-z0-9.-]+)>?/
const address = (value) => {
  const m = ADDRESS.exec(value ?? "")
  return m ? { local: m[1].toLowerCase(), domain: m[2].toLowerCase() } : undefined
}
const leaves = (p) => (p.children.length === 0 ? [p] : p.children.flatMap(leaves))
const subject = (m) => m.headers.decoded("subject") ?? ""
const unthreaded = (m) => m.headers.get("in-reply-to") === undefined && m.headers.get("references") === undefined
const noMailer = (m) => m.headers.get("x-mailer") === undefined && m.headers.get("user-agent") === undefined
const htmlOnly = (m) => {
  const parts = leaves(m.mime)
  return parts.some((p) => p.contentType === "text/html") && !parts.some((p) => p.contentType === "text/plain")
}
const base64Text = (m) =>
  leaves(m.mime).filter(
    (p) =>
      p.contentType.startsWith("text/") &&
      /base64/i.test(p.transferEncoding ?? "") &&
      !/attachment/i.test(p.disposition ?? "") &&
      p.body.length > 0
  )
const ENCODED_WORD = /=\?[^?\s]+\?([bq])\?([^?\s]*)\?=/gi
const decodeWord = (kind, text) =>
  kind.toLowerCase() === "b"
    ? Buffer.from(text, "base64")
    : Buffer.from(
        text.replace(/_/g, " ").replace(/=([0-9a-f]{2})/gi, (_, h) => String.fromCharCode(Number.parseInt(h, 16))),
        "latin1"
      )
const asciiEncodedWord = (value) =>
  [...(value ?? "").matchAll(ENCODED_WORD)].some((m) => {
    const b = decodeWord(m[1], m[2])
    return b.length > 0 && !b.some((x) => x >= 0x80)
  })
const links = (m) => m.body.htmls.join(" ").match(/<a\s[^>]*href[^>]*>[\s\S]*?<\/a>/gi) ?? []
const imageLink = (l) =>
  /<img/i.test(l) &&
  l
    .replace(/<[^>]*>/g, "")
    .replace(/&nbsp;/gi, "")
    .trim() === ""
const words = (m) => m.body.texts.join(" ").split(/\s+/).filter(Boolean).length
const text = (m) => m.body.texts.join("\n")
// Round 25: Outlook's Message-ID form, the FILETIME's high word in digits 5-12 (OutlookMessageId.ts).
const OUTLOOK_ID = /^\s*<[0-9a-f]{4}([0-9a-f]{8})\$[0-9a-f]{8}\$[0-9a-f]{8}@/i
const outlookIdOffClock = (m) => {
  const id = OUTLOOK_ID.exec(m.headers.get("message-id") ?? "")
  if (!id) return false
  const steps = Number.parseInt(id[1], 16)
  const times = [m.headers.get("date"), ...(m.received ?? []).map((h) => h.date)]
    .map(parseHeaderTime)
    .filter((t) => t !== undefined)
  return times.length > 0 && times.every((t) => Math.abs(steps - (t * 1e4 + 11_644_473_600 * 1e7) / 2 ** 32) >= 250)
}
const lastLine = (t) =>
  t
    .slice(-2000)
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean)
    .at(-1) ?? ""
const blankLabel = (label) => new RegExp(`^[ \\t*>-]*(?:your )?(?:${label})\\b[^\\n:]{0,15}:[ \\t_.\\[\\]()]*$`, "im")
const BLANK_LABELS = [
  blankLabel("(?:full )?name"),
  blankLabel("(?:day |home |work )?(?:phone|tel|telephone)"),
  blankLabel("e-?mail")
]

const candidates = {
  "Subject holds the To address's local part": (m) => {
    const to = address(m.headers.get("to"))
    return !!to && to.local.length >= 4 && subject(m).toLowerCase().includes(to.local)
  },
  "From address is the To address": (m) => {
    const f = address(m.headers.get("from"))
    const t = address(m.headers.get("to"))
    return !!f && !!t && f.local === t.local && f.domain === t.domain
  },
  "Re: subject, not threaded, no quoted line": (m) =>
    /^\s*re\s*:/i.test(subject(m)) && unthreaded(m) && !m.body.texts.some((t) => /^[ \t]*>/m.test(t)),
  "Fw: subject, not threaded": (m) => /^\s*(fw|fwd)\s*:/i.test(subject(m)) && unthreaded(m),
  "Subject ends in a number or code (5+)": (m) =>
    /\s[A-Za-z]*\d[A-Za-z0-9]{4,}\s*$/.test(subject(m)) || /[\s([#-][a-z]{2,}\d{3,}\]?\)?\s*$/i.test(subject(m)),
  "Subject: an amount of money": (m) => /[$\u20ac\u00a3]\s?\d/.test(subject(m)),
  "Subject: a percentage": (m) => /\d\s?%/.test(subject(m)),
  "Subject: FREE in capitals": (m) => /\bFREE\b/.test(subject(m)),
  "Subject: a run of ! or ?": (m) => /[!?]{2,}/.test(subject(m)),
  "To/Cc/Reply-To: ASCII in an encoded word": (m) =>
    asciiEncodedWord(m.headers.get("to")) ||
    asciiEncodedWord(m.headers.get("cc")) ||
    asciiEncodedWord(m.headers.get("reply-to")),
  "body: an encoded word in the text": (m) => m.body.texts.some((t) => /=\?[\w-]+\?[bq]\?[^?\s]+\?=/i.test(t)),
  "text part in base64, any bytes": (m) => base64Text(m).length > 0,
  "text part in base64, ASCII only": (m) => base64Text(m).some((p) => !p.body.some((x) => x >= 0x80)),
  "HTML only, no X-Mailer or User-Agent": (m) => htmlOnly(m) && noMailer(m),
  "HTML, < 30 words of text, a link": (m) => m.body.htmls.length > 0 && words(m) < 30 && m.body.urls.length > 0,
  "every link an image without text": (m) => links(m).length > 0 && links(m).every(imageLink),
  "an image link, < 60 words of text": (m) => links(m).some(imageLink) && words(m) < 60,
  "five or more amounts of money in the text": (m) =>
    (m.body.texts.join(" ").match(/[$\u20ac\u00a3]\s?\d/g) ?? []).length >= 5,
  "remove/unsubscribe, no link at all": (m) =>
    /remove|unsubscribe/i.test(m.body.texts.join(" ")) && m.body.urls.length === 0,
  // Round 25, read from the spam missed with none of the words known.
  "Outlook-form Message-ID": (m) => OUTLOOK_ID.test(m.headers.get("message-id") ?? ""),
  "Outlook-form Message-ID, ~30 h or more off the Date and every Received stamp": outlookIdOffClock,
  "Outlook-form Message-ID, zero-padded pieces": (m) =>
    /^\s*<0000[0-9a-f]{8}\$0000[0-9a-f]{4}\$0000[0-9a-f]{4}@/i.test(m.headers.get("message-id") ?? ""),
  "Message-ID host one label of 5-8 letters, at most one vowel pair": (m) => {
    const host = /@([a-z]{5,8})>\s*$/.exec(m.headers.get("message-id") ?? "")?.[1]
    return !!host && !/[aeiou][^aeiou]{0,2}[aeiou]/.test(host)
  },
  "Content-Type with empty parameters (;;)": (m) => /;\s*;/.test(m.headers.get("content-type") ?? ""),
  "From ends in an empty comment ()": (m) => /\(\s*\)\s*$/.test(m.headers.get("from") ?? ""),
  "X-Priority '3 (Normal)', X-Mailer not Microsoft's": (m) =>
    /^\s*3 \(normal\)/i.test(m.headers.get("x-priority") ?? "") && !/microsoft/i.test(m.headers.get("x-mailer") ?? ""),
  "a text's last line one random string of letters and digits": (m) =>
    m.body.texts.some((t) => {
      const l = lastLine(t)
      return (
        /^[A-Za-z0-9-]{8,80}$/.test(l) &&
        /[a-z]/.test(l) &&
        /\d/.test(l) &&
        !/^[0-9a-f-]+$/i.test(l) &&
        (l.match(/[A-Za-z]+|\d+/g) ?? []).length >= 3
      )
    }),
  "two blank labels of name/phone/e-mail": (m) =>
    BLANK_LABELS.filter((r) => r.test(text(m).slice(0, 50_000))).length >= 2,
  "name, phone and e-mail labels, filled in or not": (m) =>
    /^\s*(full )?name\s*:/im.test(text(m)) &&
    /^\s*(phone|tel|telephone)[^\n:]{0,20}:/im.test(text(m)) &&
    /^\s*e-?mail[^\n:]{0,20}:/im.test(text(m)),
  "a toll-free number (1-800/888/877/866)": (m) => /\b1?[-. (]*8(00|88|77|66)[-. )]*\d{3}[-. ]*\d{4}\b/.test(text(m)),
  "a salutation to no one (Dear Friend, Sir/Madam...)": (m) =>
    /^\s*dear\s+(friend|sir|madam|sir\s*\/\s*madam|opportunity|valued|member|homeowner|business|partner|entrepreneur)/im.test(
      text(m).slice(0, 2000)
    ),
  "a form-mail script's result (`Below is the result of your feedback form`)": (m) =>
    /below is the result of your feedback form/i.test(text(m).slice(0, 500))
}

const { totals, rows } = countCandidates(
  Classifier,
  corpus,
  candidates,
  () => ({ missedAll: 0, missedNone: 0, examples: [] }),
  (row, _k, message) => {
    if (message.label === "ham") {
      if (row.examples.length < 4) row.examples.push(message.name.slice(0, 16))
      return
    }
    message.scores ??= missScores(Classifier, model, message.message)
    if (message.scores.all < 0.9) row.missedAll++
    if (message.scores.none < 0.9) row.missedNone++
  }
)

console.log(
  `| candidate | ${SUBSETS.map((s) => `${s} (${totals[s]})`).join(" | ")} | spam missed, all / none known | ham examples |`
)
console.log(`|---|${SUBSETS.map(() => "---:").join("|")}|---:|---|`)
for (const [k, row] of Object.entries(rows))
  console.log(
    `| ${k} | ${SUBSETS.map((s) => row[s]).join(" | ")} | ${row.missedAll} / ${row.missedNone} | ${row.examples.join(" ")} |`
  )
