#!/usr/bin/env node
// Round 61 (docs/classifier.md): the word-free spam signs that fire on the base's false positives
// and nearest misses, counted per corpus subset, with the narrower forms tried where a sign fired
// on ham for a reason outside its intent. The signs are the layer's weighted features the base
// dumps (`/work/notes/base35-*.jsonl`) show on the false positives of 8ca5eae; the columns are
// `classifier-split58-candidates.mjs`'s (the shipped model's class of each carrier with all words
// known), then which of the base's false positives carry each: `S` the split's with all words
// known, `s` with 10 % known, `C` the CV's, `D` 2003-05 -> 2002's.
//
//   node bench/classifier-fpsign61-candidates.mjs [--corpus DIR] [--dist PATH/index.js] [--model FILE]
//     [--show NAME]    (prints the files that carry candidate NAME)
//
// Needs `npx turbo run build --filter=@mailmoat/antispam`; exits 2 without a corpus.
import { candidateSetup, isPublicV4, opt, parseHeaderTime } from "./classifier-common.mjs"
import { printFalsePositiveTable } from "./classifier-fp-table.mjs"

const { corpus, Classifier, model } = await candidateSetup()
const show = opt("show", undefined)

// The base's false positives (8ca5eae, /work/notes/base35-drift.txt and base35-cv.txt).
const FALSE_POSITIVES = {
  S: ["hard_ham.00153", "hard_ham.00197"],
  s: ["hard_ham.00035"],
  C: [
    "00207",
    "00245",
    "00157",
    "00167",
    "00169",
    "00176",
    "00203",
    "00159",
    "00192",
    "00249",
    "00234",
    "00237",
    "00199"
  ].map((n) => `hard_ham.${n}`),
  D: ["easy_ham.00166", "easy_ham.01070", "easy_ham.01891"]
}
const marks = (name) =>
  Object.entries(FALSE_POSITIVES)
    .filter(([, names]) => names.some((n) => name.startsWith(`${n}.`)))
    .map(([mark]) => `${mark}${name.slice(name.indexOf(".") + 1, name.indexOf(".") + 6)}`)

const features = (m) => (m.__features ??= Classifier.tokenize(m).features)
const has = (name) => (m) => features(m).includes(name)
const DAY = 86_400_000

// `date_stale` reads the Date against the newest Received stamp of any hop (the mailbox's fetch and
// local delivery included: the build's feature); round 61 tried the newest hop from a public address
// (measured, not kept).
const staleAgainst = (m, stamp) => {
  const date = parseHeaderTime(m.headers.get("date"))
  return date !== undefined && stamp !== undefined && stamp - date > 7 * DAY
}
const networkStamp = (m) => {
  for (const hop of m.received ?? []) {
    if (!isPublicV4(hop.ip)) continue
    const t = parseHeaderTime(hop.date)
    if (t !== undefined) return t
  }
  return undefined
}

// Round 61's search box (tried, not kept): one free-text field, named for a query or sent to an
// address whose path says `search`, beside buttons, menus and hidden fields; a page is a search
// page when it has a form and every form is one.
const FORM_OPEN = /<form\b([^<>]{0,1000})>/gi
const FIELD = /<(input|select|textarea)\b([^<>]{0,500})>/gi
const FREE_TEXT = new Set(["text", "search", "email", "password", "tel", "number", "url", "textarea"])
const QUERY_NAME = /^(?:q|qt|query|keywords?|words|p|symbols?|[\w.-]*search[\w.-]*|[\w.-]*_keywords?)$/i
const searchBox = (attrs, inner) => {
  const free = [...inner.matchAll(FIELD)]
    .map((f) => ({
      type:
        f[1].toLowerCase() === "input"
          ? (/\btype\s*=\s*["']?([a-z]+)/i.exec(f[2])?.[1] ?? "text").toLowerCase()
          : f[1].toLowerCase(),
      name: /\bname\s*=\s*["']?([\w.:-]{1,80})/i.exec(f[2])?.[1] ?? ""
    }))
    .filter((f) => FREE_TEXT.has(f.type))
  if (free.length !== 1 || (free[0].type !== "text" && free[0].type !== "search")) return false
  return (
    QUERY_NAME.test(free[0].name) ||
    /^[^?#]*search/i.test(/\baction\s*=\s*["']?([^"'\s>]{0,500})/i.exec(attrs)?.[1] ?? "")
  )
}
const searchPage = (html) => {
  const forms = [...html.matchAll(FORM_OPEN)].slice(0, 21)
  if (forms.length === 0 || forms.length > 20) return false
  return forms.every((f) => {
    const window = html.slice(f.index + f[0].length, f.index + f[0].length + 6000)
    const close = /<\/form\b/i.exec(window)
    return searchBox(f[1] ?? "", close === null ? window : window.slice(0, close.index))
  })
}

// Text and HTML: a link written as `<a href>` in plain text (AOL's readers') and nothing else of a page.
const LAYOUT_TAG = /<\s*(?:br|p|a\s+href|font|img|table|td|tr|div|b|center)\b[^<>]{0,300}>/gi
const plainTags = (m) => [...m.body.texts.join("\n").slice(0, 50_000).matchAll(LAYOUT_TAG)].map((x) => x[0])
const A_OPEN = /<a\s([^>]{0,1000})>/gi
const HREF = /\bhref\s*=\s*["']?([^"'\s>]{1,500})/i
const VISIBLE_HOST = /(?:https?:\/\/|www\.)([a-z0-9.-]+\.[a-z]{2,})/i
const HOST_OF_HREF = /^https?:\/\/(?:[^@/?#]*@)?([^/:?#]+)/i
const site = (host) => host.split(".").slice(-2).join(".")
// Each link whose text names another site than its target: [shown host, target host, href].
const mismatches = (m) =>
  m.body.htmls.flatMap((html) =>
    [...html.matchAll(A_OPEN)].flatMap((a) => {
      const href = HREF.exec(a[1] ?? "")?.[1]
      const start = a.index + a[0].length
      const close = html.toLowerCase().indexOf("</a", start)
      if (!href || close < 0) return []
      const shown = VISIBLE_HOST.exec(html.slice(start, close).replace(/<[^>]*>/g, ""))?.[1]?.toLowerCase()
      const target = HOST_OF_HREF.exec(href)?.[1]?.toLowerCase()
      return shown && target && site(shown) !== site(target) ? [[shown, target, href.toLowerCase()]] : []
    })
  )
// A tracker's link: the shown site written as a URL after the tracker's host.
const tracked = ([shown, target, href]) => {
  const rest = href.slice(href.indexOf(target) + target.length)
  return /https?(?::|%3a)(?:\/\/|%2f%2f)/.test(rest) && rest.includes(site(shown))
}

const candidates = {
  "date_stale (the build's: the newest stamp of any hop)": has("date_stale"),
  "... against the newest hop from a public address (tried, round 61)": (m) => staleAgainst(m, networkStamp(m)),
  "... the difference: stale only against a local hop above the network's": (m) =>
    has("date_stale")(m) && !staleAgainst(m, networkStamp(m)),
  "html_form (the build's: any form)": has("html_form"),
  "... without pages whose every form is a search box (tried, round 61)": (m) =>
    has("html_form")(m) && m.body.htmls.some((h) => /<form\b/i.test(h) && !searchPage(h)),
  html_big_font: has("html_big_font"),
  html_tiny_font: has("html_tiny_font"),
  html_only: has("html_only"),
  url_redirect: has("url_redirect"),
  url_shortener: has("url_shortener"),
  body_currency_dense: has("body_currency_dense"),
  body_exclaim_dense: has("body_exclaim_dense"),
  to_undisclosed: has("to_undisclosed"),
  subject_all_caps: has("subject_all_caps"),
  word_spacing: has("word_spacing"),
  text_html_mismatch: has("text_html_mismatch"),
  text_plain_markup: has("text_plain_markup"),
  "... its tags all `<a href>` (links for AOL's readers)": (m) =>
    has("text_plain_markup")(m) && plainTags(m).every((t) => /^<\s*a\s/i.test(t)),
  url_text_mismatch: has("url_text_mismatch"),
  "... every mismatch a tracker's link carrying the shown site": (m) =>
    has("url_text_mismatch")(m) && mismatches(m).length > 0 && mismatches(m).every(tracked)
}

printFalsePositiveTable({ Classifier, corpus, model, candidates, marks, head: "sign", show })
