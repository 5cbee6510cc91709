#!/usr/bin/env node
// Word-free shapes of a letter from a stranger, counted per corpus subset before any is built: the
// counts behind round 47 in docs/classifier.md. The columns of bench/classifier-body31-candidates.mjs
// (round 43); rounds 25-43's candidates (that bench and the earlier body benches) are not repeated.
// This round reads what a letter shows besides its words: how it is addressed and signed, where it
// asks to be answered, a sender's postal and telephone block, how its paragraphs and sentences run.
//
//   node bench/classifier-body32-candidates.mjs [--corpus DIR] [--dist PATH/index.js] [--model FILE]
//     [--show NAME]   (prints the files that carry candidate NAME, ham first)
//     [--pairs]       (instead: the coarse letter traits below alone and every pair of them, with
//                      the ham carrying each and the spam missed with none known; the pairs no ham
//                      carries that mark 3 or more near misses)
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

/** The first decoded text (the letter; HTML's reduced text when there is no plain part), line ends made LF. */
const textOf = (m) =>
  String(m.body.texts[0] ?? "")
    .slice(0, 100_000)
    .replace(/\r\n?/g, "\n")
/** Lines not quoted from another message. */
const own = (t) => lines(t).filter((l) => !/^\s*>/.test(l))
/** The letter's lines up to a signature separator or a rule a list or a web-mail service appends its footer after. */
const letterLines = (t) => {
  const ls = nonBlank(t)
  const end = ls.findIndex((l, i) => i > 2 && /^(?:-- ?|_{10,}|-{10,}|={10,}|\*{10,})\s*$/.test(l))
  return end < 0 ? ls : ls.slice(0, end)
}
const FREE =
  /^(?:aol|excite|gmail|gmx|googlemail|hotmail|juno|live|lycos|mail|msn|netscape|outlook|rediffmail|rocketmail|usa|yahoo|yandex|ymail|zoho|email|caramail|africamail|mail2africa|arabia|indiatimes|post|eudoramail|netscape|bigfoot|asia|lycos|latinmail|fastmail|hushmail|netzero|tiscali|tiscalinet|terra|libero|web|freemail)\.[a-z.]+$/
const ADDRESS = /[A-Za-z0-9._%+=-]+@([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)/g
const addressOf = (v) => (/([A-Za-z0-9._%+=-]+@[A-Za-z0-9.-]+)/.exec(v ?? "")?.[1] ?? "").toLowerCase()
const domainOf = (a) => a.slice(a.indexOf("@") + 1)
/** Addresses in the letter's own lines at a free-mail provider's own domain, other than From's. */
const freeContacts = (m) => {
  const from = addressOf(m.headers.get("from"))
  const out = new Set()
  for (const l of own(textOf(m)))
    for (const a of l.matchAll(ADDRESS)) {
      const addr = a[0].toLowerCase()
      if (addr !== from && FREE.test(a[1].toLowerCase())) out.add(addr)
    }
  return out
}
/** Any address in the letter's own lines not at From's domain (nor To's). */
const otherContacts = (m) => {
  const from = domainOf(addressOf(m.headers.get("from")))
  const to = domainOf(addressOf(m.headers.get("to")))
  const out = new Set()
  for (const l of own(textOf(m)))
    for (const a of l.matchAll(ADDRESS)) {
      const d = a[1].toLowerCase()
      if (d !== from && d !== to && !from.endsWith(`.${d}`) && !d.endsWith(`.${from}`)) out.add(a[0].toLowerCase())
    }
  return out
}
/** A salutation: a first line of 5 words or fewer ending in `,` or `:` (`Dear Sir,`, `ATTN: President,`). */
const salutation = (t) => {
  const l = (nonBlank(t)[0] ?? "").trim()
  return /[,:;]$/.test(l) && l.split(/\s+/).length <= 5
}
/** A name in capitals among the letter's last 5 lines: 2-5 words, 8+ letters, no digit, no lower case. */
const capsName = (t) =>
  letterLines(t)
    .slice(-5)
    .some((l) => {
      const s = l.trim()
      return (
        letters(s) >= 8 &&
        !/[a-z0-9@/]/.test(s) &&
        /^[A-Z(][A-Z.,'()\s-]*$/.test(s) &&
        s.split(/\s+/).length >= 2 &&
        s.split(/\s+/).length <= 5
      )
    })
/** A US postal line: a state's code and a ZIP at a line's end (`Austin, TX 78720`). */
const zipLine = (t) => own(t).some((l) => /,?\s[A-Z]{2}\.?\s{1,3}\d{5}(?:-\d{4})?\s*\.?\s*$/.test(l))
/** A telephone number written with a country code (`+234 1 ...`, `Tel: 852 23079338`, `27-83-713-2696`). */
const intlPhone = (t) =>
  own(t).some((l) =>
    /(?:\+\d{1,3}[\s.-]?\(?\d|\b(?:tel|phone|fax)\b[^0-9\n]{0,6}(?!1[\s.-])\d{2,3}[\s-]\d{7,8}\b)/i.test(l)
  )
/** Telephone and fax numbers both (a business's contact block). */
const telFax = (t) => /\btel\b|\bphone\b/i.test(t) && /\bfax\b[^0-9\n]{0,8}\d/i.test(t)
/** First line a date (`20th July, 2002`, `July 20, 2002`, `20/07/2002`). */
const dateFirst = (t) =>
  /^\s*(?:\d{1,2}(?:st|nd|rd|th)?[ .-]+[A-Z][a-z]+,?[ .-]+\d{4}|[A-Z][a-z]+\.? \d{1,2}(?:st|nd|rd|th)?,? \d{4}|\d{1,2}[/.]\d{1,2}[/.]\d{2,4})\s*\.?\s*$/.test(
    nonBlank(t)[0] ?? ""
  )
/** A memo head inside the text: `To:` and `From:` lines in the first six, no `Subject:` or `Sent:` (not a forward). */
const memoHead = (t) => {
  const head = nonBlank(t).slice(0, 6)
  return (
    head.some((l) => /^\s*to\s*:/i.test(l)) &&
    head.some((l) => /^\s*from\s*:/i.test(l)) &&
    !head.some((l) => /^\s*(?:subject|sent|date)\s*:/i.test(l))
  )
}
/** A word in capitals in quotes (`"REMOVE"`, `'Remove'` in capitals). */
const quotedCaps = (t) => /["'][A-Z]{4,}["']/.test(t)
/** Sentences of the letter's own lines: mean words per sentence. */
const sentenceWords = (t) => {
  const body = letterLines(t).join(" ")
  const s = body.split(/[.!?]+(?:\s|$)/).filter((x) => letters(x) >= 3)
  return s.length < 5 ? 0 : body.split(/\s+/).length / s.length
}
/** Paragraphs of the letter (blank-line separated) of 2+ lines. */
const paragraphs = (t) =>
  own(t)
    .join("\n")
    .split(/\n[ \t]*\n/)
    .filter((p) => letters(p) >= 40)
/** Every paragraph (3+) a single line of 150+ characters: a text typed without wrapping or converted from a page. */
const oneLineParas = (t) => {
  const ps = paragraphs(t)
  return (
    ps.length >= 3 &&
    ps.every((p) => p.trim().split("\n").length === 1) &&
    ps.filter((p) => p.length >= 150).length >= 2
  )
}
/** Share of words starting with a capital among 50+ words. */
const capShare = (t) => {
  const w =
    letterLines(t)
      .join(" ")
      .match(/\b[A-Za-z][a-z]*\b/g) ?? []
  return w.length < 50 ? 0 : w.filter((x) => /^[A-Z]/.test(x)).length / w.length
}
const noUrl = (m) => !/https?:\/\/|www\./i.test(textOf(m)) && (m.body.urls ?? []).length === 0
const noQuote = (m) => !/^\s*>/m.test(textOf(m))
const unthreaded = (m) => !m.headers.get("in-reply-to") && !m.headers.get("references")
const replyOther = (m) => {
  const r = addressOf(m.headers.get("reply-to"))
  const f = addressOf(m.headers.get("from"))
  return r !== "" && f !== "" && domainOf(r) !== domainOf(f)
}
const plainOnly = (m) => m.body.htmls.length === 0
const L = (m) => letters(textOf(m))

/** Labelled lines a letter opens with (`From: Mr Joe Mark`, `EMAIL:x@y`, `Tel: ...`, `ATTN: President,`) among its first 6 lines; a forwarded or quoted head (a `Subject:` or `Sent:` line) is not one. */
const OPEN_LABEL = /^\s*(?:from|to|date|e-?mail|tel|telephone|phone|fax|attn|attention|ref)\s*:/i
const openingLabels = (t) => {
  const head = nonBlank(t).slice(0, 8)
  if (
    head.some(
      (l) =>
        /^\s*(?:subject|sent|cc|newsgroups|message-id|forwarded)\b/i.test(l) || /original message|forwarded/i.test(l)
    )
  )
    return 0
  return head.slice(0, 6).filter((l) => OPEN_LABEL.test(l)).length
}
/** A telephone mask left blank (`(  )   -`, `(___) ___-____`). */
const phoneMask = (t) => /\([ _]{1,5}\)[ _]{1,6}-/.test(t)
/** A telephone number spelt with letters (`1-866-686-LIFE`). */
const vanityPhone = (t) =>
  /\b(?:1[-. ])?8[0-9]{2}[-. ](?:[0-9A-Z]{3}[-. ])?[0-9]*[A-Z]{3,}[0-9A-Z]*\b/.test(t) &&
  /\b8[0-9]{2}[-. ][0-9A-Z]{3}[-. ][A-Z0-9]{4}\b/.test(t) &&
  /\b8[0-9]{2}[-. ][0-9A-Z]{3}[-. ](?=[0-9]*[A-Z])[A-Z0-9]{4}\b/.test(t)
/** `?!` or `!?` (an interrobang typed). */
const interrobangs = (t) => count(t, /\?!|!\?/g)
/** Dot leaders: a run of 6+ dots between two words or a word and a price, on 2+ lines. */
const dotLeaders = (t) => lines(t).filter((l) => /[A-Za-z0-9!?)][ ]?\.{6,}[ ]?[A-Za-z0-9$(]/.test(l)).length
/** Three or more question marks in a row. */
const tripleQuestion = (t) => /\?{3,}/.test(t)
/** Whether the letter (before any footer rule) holds a link. */
const letterLink = (t) => letterLines(t).some((l) => /https?:\/\/|www\./i.test(l))

/** A letter head's labels: the addressee (`ATTN:`), the sender's telephone, fax, mailbox, a reference; and the memo labels. */
const HEAD_LABEL =
  /^\s*(from|to|date|e-?mail|tel|telephone|phone|fax|mobile|cell|attn|attention|ref)\s*(?:no\.?\s*)?[.:]/i
const headLabels = (t) => {
  const head = nonBlank(t).slice(0, 8)
  if (
    head.some(
      (l) => /^\s*(?:subject|sent|cc|newsgroups|message-id)\s*:/i.test(l) || /original message|forwarded/i.test(l)
    )
  )
    return []
  return head.map((l) => HEAD_LABEL.exec(l)?.[1]?.toLowerCase().replace("-", "")).filter(Boolean)
}
const isAttn = (k) => k === "attn" || k === "attention"
const isContact = (k) => !["from", "to", "date"].includes(k)

/** Letters after the first 8 non-blank lines: what the head stands over. */
const lettersAfterHead = (t) => letters(nonBlank(t).slice(8).join("\n"))
/** A line that is only an e-mail address (a letter head's mailbox without a label). */
const addressAlone = (t) =>
  nonBlank(t)
    .slice(0, 8)
    .filter((l) => /^\s*<?[A-Za-z0-9._%+=-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+>?\s*$/.test(l)).length
const letterHead = (t, after = 500) => {
  const k = headLabels(t)
  return (k.some(isAttn) || (k.length >= 2 && k.some(isContact))) && lettersAfterHead(t) >= after
}

const candidates = {
  "built: text_letter_head (TextLetterHead.ts, any decoded text)": (m) =>
    Classifier.tokenize(m).features.includes("text_letter_head"),
  "head: ATTN, or 2+ labelled lines one a contact label, 500+ letters after the head": (m) => letterHead(textOf(m)),
  "head: the same, 1,000+ letters after": (m) => letterHead(textOf(m), 1000),
  "head: the same (500+), or a contact label and an address alone on a line": (m) => {
    const t = textOf(m)
    const k = headLabels(t)
    return letterHead(t) || (k.some(isContact) && addressAlone(t) >= 1 && lettersAfterHead(t) >= 500)
  },
  "head: a contact label and 500+ letters after": (m) =>
    headLabels(textOf(m)).some(isContact) && lettersAfterHead(textOf(m)) >= 500,
  "head: ATTN:/ATTENTION: among the first 8 lines, not a forward": (m) => headLabels(textOf(m)).some(isAttn),
  "head: 2+ labelled lines among the first 8, one a contact or ATTN label": (m) => {
    const k = headLabels(textOf(m))
    return k.length >= 2 && k.some(isContact)
  },
  "head: ATTN, or 2+ labelled lines one a contact label (letter_head)": (m) => {
    const k = headLabels(textOf(m))
    return k.some(isAttn) || (k.length >= 2 && k.some(isContact))
  },
  "head: the same, 2+ contact labels only (no From/To/Date)": (m) => {
    const k = headLabels(textOf(m))
    return k.some(isAttn) || k.filter(isContact).length >= 2
  },
  "head: any contact label (tel, fax, e-mail, ATTN, ref) among the first 8": (m) =>
    headLabels(textOf(m)).some(isContact),
  "opening: 2+ labelled lines among the first 6 (From:, EMAIL:, Tel:, ATTN:), not a forward": (m) =>
    openingLabels(textOf(m)) >= 2,
  "opening: the same, 1+": (m) => openingLabels(textOf(m)) >= 1,
  "opening: 2+, no quote": (m) => openingLabels(textOf(m)) >= 2 && noQuote(m),
  "opening: 1+, no link in the letter, 1,000+ letters, no quote": (m) =>
    openingLabels(textOf(m)) >= 1 && !letterLink(textOf(m)) && L(m) >= 1000 && noQuote(m),
  "form: a telephone mask left blank": (m) => phoneMask(textOf(m)),
  "phone: a number spelt with letters (1-866-686-LIFE)": (m) => vanityPhone(textOf(m)),
  "punct: `?!` or `!?` once": (m) => interrobangs(textOf(m)) >= 1,
  "punct: `?!` or `!?` twice": (m) => interrobangs(textOf(m)) >= 2,
  "punct: `???`": (m) => tripleQuestion(textOf(m)),
  "punct: `???`, no quote": (m) => tripleQuestion(textOf(m)) && noQuote(m),
  "layout: dot leaders on 2+ lines": (m) => dotLeaders(textOf(m)) >= 2,
  "layout: dot leaders on 3+ lines, no quote": (m) => dotLeaders(textOf(m)) >= 3 && noQuote(m),
  "contact: free-mail address not From's, no link in the letter, no quote, 1,000+ letters": (m) =>
    freeContacts(m).size >= 1 && !letterLink(textOf(m)) && noQuote(m) && L(m) >= 1000,
  "contact: a free-mail address in the text, not From's": (m) => freeContacts(m).size >= 1,
  "contact: 2+ free-mail addresses in the text, not From's": (m) => freeContacts(m).size >= 2,
  "contact: the same, no link": (m) => freeContacts(m).size >= 2 && noUrl(m),
  "contact: a free-mail address not From's, no link, no quote, unthreaded": (m) =>
    freeContacts(m).size >= 1 && noUrl(m) && noQuote(m) && unthreaded(m),
  "contact: the same, 1,000+ letters": (m) =>
    freeContacts(m).size >= 1 && noUrl(m) && noQuote(m) && unthreaded(m) && L(m) >= 1000,
  "contact: the same, Reply-To at another domain": (m) =>
    freeContacts(m).size >= 1 && noUrl(m) && noQuote(m) && unthreaded(m) && replyOther(m),
  "contact: an address of another domain than From's and To's, no link, no quote, unthreaded, salutation": (m) =>
    otherContacts(m).size >= 1 && noUrl(m) && noQuote(m) && unthreaded(m) && salutation(textOf(m)),
  "sign: a name in capitals among the last 5 lines": (m) => capsName(textOf(m)),
  "sign: the same, after a salutation": (m) => capsName(textOf(m)) && salutation(textOf(m)),
  "sign: the same, no link": (m) => capsName(textOf(m)) && noUrl(m),
  "sign: the same, no link, no quote, 1,000+ letters": (m) =>
    capsName(textOf(m)) && noUrl(m) && noQuote(m) && L(m) >= 1000,
  "postal: a state code and ZIP at a line's end": (m) => zipLine(textOf(m)),
  "postal: the same, under 1,500 letters": (m) => zipLine(textOf(m)) && L(m) < 1500,
  "postal: the same, no quote, unthreaded": (m) => zipLine(textOf(m)) && noQuote(m) && unthreaded(m),
  "phone: a number with a country code": (m) => intlPhone(textOf(m)),
  "phone: the same, no link, no quote": (m) => intlPhone(textOf(m)) && noUrl(m) && noQuote(m),
  "phone: telephone and fax": (m) => telFax(textOf(m)),
  "phone: telephone and fax, a salutation": (m) => telFax(textOf(m)) && salutation(textOf(m)),
  "head: first line a date": (m) => dateFirst(textOf(m)),
  "head: a memo head (To: and From: in the first 6 lines, not a forward)": (m) => memoHead(textOf(m)),
  "cta: a word in capitals in quotes": (m) => quotedCaps(textOf(m)),
  "cta: the same, under 1,500 letters, no quote": (m) => quotedCaps(textOf(m)) && L(m) < 1500 && noQuote(m),
  "sentences: 25+ words a sentence (5+ sentences)": (m) => sentenceWords(textOf(m)) >= 25,
  "paragraphs: every paragraph one line (3+), 2+ of 150+": (m) => oneLineParas(textOf(m)),
  "paragraphs: the same, plain text, no quote": (m) => plainOnly(m) && noQuote(m) && oneLineParas(textOf(m)),
  "capitals: 35 %+ of 50+ words capitalised": (m) => capShare(textOf(m)) >= 0.35,
  "salutation, no link, no quote, unthreaded, 1,000+ letters": (m) =>
    salutation(textOf(m)) && noUrl(m) && noQuote(m) && unthreaded(m) && L(m) >= 1000
}

const PAIR_TRAITS = {
  salutation: (m) => salutation(textOf(m)),
  free_contact: (m) => freeContacts(m).size >= 1,
  other_contact: (m) => otherContacts(m).size >= 1,
  caps_name: (m) => capsName(textOf(m)),
  zip_line: (m) => zipLine(textOf(m)),
  intl_phone: (m) => intlPhone(textOf(m)),
  tel_fax: (m) => telFax(textOf(m)),
  date_first: (m) => dateFirst(textOf(m)),
  memo_head: (m) => memoHead(textOf(m)),
  quoted_caps: (m) => quotedCaps(textOf(m)),
  long_sentences: (m) => sentenceWords(textOf(m)) >= 25,
  one_line_paras: (m) => oneLineParas(textOf(m)),
  cap_share: (m) => capShare(textOf(m)) >= 0.35,
  reply_other: replyOther,
  no_url: noUrl,
  no_quote: noQuote,
  unthreaded,
  plain_only: plainOnly,
  long_1000: (m) => L(m) >= 1000,
  short_1500: (m) => L(m) > 0 && L(m) < 1500,
  paras5: (m) => paragraphs(textOf(m)).length >= 5,
  to_undisclosed: (m) => !/@/.test(m.headers.get("to") ?? "")
}

// The pairs no ham carries that mark 3 or more near misses (at NEAR, printPairTable's default too).
if (args.includes("--pairs"))
  printPairTable({ Classifier, corpus, model, traits: PAIR_TRAITS, keep: (r) => r.ham === 0 && r.near >= 3 })
else printMissTable({ Classifier, corpus, model, candidates, show, near: NEAR })
