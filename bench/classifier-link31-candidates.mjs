#!/usr/bin/env node
// Word-free shapes of a message's links, URLs, HTML markup and obfuscation, counted per corpus
// subset before any is built: the counts behind round 46 in docs/classifier.md. The same columns as
// bench/classifier-body28-candidates.mjs; the URL and HTML traits that exist (Urls.ts, Html.ts,
// Obfuscation.ts) and rounds 12, 14, 28 and 31's candidates are not repeated here.
//
//   node bench/classifier-link31-candidates.mjs [--corpus DIR] [--dist PATH/index.js] [--model FILE]
//     [--show NAME]   (prints the files that carry candidate NAME, ham first)
//
// Needs `npx turbo run build --filter=@mailmoat/antispam`; exits 2 without a corpus.
import { candidateSetup, opt, printMissTable } from "./classifier-common.mjs"

const { corpus, Classifier, model } = await candidateSetup()
const show = opt("show", undefined)
/** Spam missed with none known at this probability or more: what a late weight of about 1 can lift. */
const NEAR = 0.7

const count = (s, re) => (s.match(re) ?? []).length
/** The decoded HTML parts, cut as Html.ts cuts them. */
const htmls = (m) => m.body.htmls.map((h) => String(h).slice(0, 200_000))
const anyHtml = (m, f) => htmls(m).some(f)
/** Every `href` value of an `<a>` or `<area>` tag, as written. */
const hrefs = (m) =>
  htmls(m).flatMap((h) =>
    [
      ...h.matchAll(/<(?:a|area)\s[^>]{0,1000}?\bhref\s*=\s*(?:"([^"]{0,2000})"|'([^']{0,2000})'|([^\s>]{1,2000}))/gi)
    ].map((x) => x[1] ?? x[2] ?? x[3])
  )
const urls = (m) => m.body.urls.map(String)
const ADDRESS = /[a-z0-9._%+-]+(?:@|%40)[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}/i
const queryOf = (u) => {
  const q = u.indexOf("?")
  return q < 0 ? "" : u.slice(q + 1)
}
const pathOf = (u) => u.replace(/^[a-z]+:\/\/[^/?#]*/i, "").replace(/[?#].*$/, "")
const hostOf = (u) => /^[a-z][a-z0-9+.-]*:\/\/(?:[^@/?#]*@)?([^/:?#]*)/i.exec(u)?.[1]?.toLowerCase()
/** The addresses of To and Cc and the envelope's recipients, lower-case. */
const recipients = (m) => {
  const out = new Set()
  for (const h of ["to", "cc", "delivered-to", "x-original-to"])
    for (const a of (m.headers.get(h) ?? "").toLowerCase().match(/[a-z0-9._%+-]+@[a-z0-9.-]+\.[a-z]{2,}/g) ?? [])
      out.add(a)
  for (const r of m.envelope?.rcptTo ?? []) out.add(String(r).toLowerCase())
  return [...out]
}
const decoded = (u) => {
  try {
    return decodeURIComponent(u).toLowerCase()
  } catch {
    return u.toLowerCase().replace(/%40/g, "@")
  }
}
const linkHasRecipient = (m, u) => {
  const d = decoded(u)
  return recipients(m).some((a) => d.includes(a))
}
const fromDomain = (m) => /@([a-z0-9.-]+)/i.exec(m.headers.get("from") ?? "")?.[1]?.toLowerCase()
const reg = (h) => (h ? h.split(".").slice(-2).join(".") : undefined)
/** Colours as six lower-case hex digits (names of a few common ones), else undefined. */
const NAMED = { white: "ffffff", black: "000000", red: "ff0000", blue: "0000ff", yellow: "ffff00", green: "008000" }
const colour = (v) => {
  const s = v.toLowerCase().replace(/["'#\s]/g, "")
  if (NAMED[s]) return NAMED[s]
  if (/^[0-9a-f]{6}$/.test(s)) return s
  if (/^[0-9a-f]{3}$/.test(s)) return s.replace(/./g, (c) => c + c)
  return undefined
}
const bodyBg = (h) => {
  const b = /<body\b[^>]{0,500}?\bbgcolor\s*=\s*["']?(#?[0-9a-z]{3,7})/i.exec(h)?.[1]
  const c = /<body\b[^>]{0,500}?background(?:-color)?\s*:\s*(#?[0-9a-z]{3,7})/i.exec(h)?.[1]
  return colour(b ?? c ?? "") ?? "ffffff"
}
const fontColours = (h) =>
  [
    ...h.matchAll(/<font\b[^>]{0,300}?\bcolor\s*=\s*["']?(#?[0-9a-z]{3,7})/gi),
    ...h.matchAll(/[\s;"']color\s*:\s*(#?[0-9a-z]{3,7})/gi)
  ]
    .map((x) => colour(x[1]))
    .filter(Boolean)
const near = (a, b) => {
  const d = [0, 2, 4].map((i) =>
    Math.abs(Number.parseInt(a.slice(i, i + 2), 16) - Number.parseInt(b.slice(i, i + 2), 16))
  )
  return Math.max(...d) <= 16
}
/** Links to one host and path with distinct queries: the same page, an id per copy or per recipient. */
const sameTargetIds = (m, min) => {
  const byTarget = new Map()
  for (const u of urls(m)) {
    const q = queryOf(u)
    if (q.length === 0) continue
    const k = u.slice(0, u.indexOf("?")).toLowerCase()
    if (!byTarget.has(k)) byTarget.set(k, new Set())
    byTarget.get(k).add(q)
  }
  return [...byTarget.values()].some((s) => s.size >= min)
}
const RANDOM_ID =
  /(?:^|[=/&.?])(?=[A-Za-z0-9]{16,}(?:$|[&/#.]))(?=[A-Za-z0-9]*[a-z])(?=[A-Za-z0-9]*[A-Z])(?=[A-Za-z0-9]*\d)[A-Za-z0-9]{16,}/
const SPLIT_TAG = /[a-z]<\/?(?:b|i|u|font|span|strong|em)\b[^>]{0,80}>[a-z]/gi
const EMPTY_PAIR = /[a-z]<(b|i|u|font|span|strong|em)\b[^>]{0,80}><\/\1>[a-z]/i
const LETTER_ENTITY = String.raw`&#(?:0*(?:6[5-9]|[7-8]\d|9[0]|9[7-9]|1[01]\d|12[0-2])|x0*(?:4[1-9a-f]|5[0-9a]|6[1-9a-f]|7[0-9a]));`
const LETTER_ENTITY_IN_WORD = new RegExp(`[a-z]${LETTER_ENTITY}[a-z]`, "i")
const LETTER_ENTITY_IN_WORD_G = new RegExp(`[a-z]${LETTER_ENTITY}[a-z]`, "gi")
/**
 * Whether a `<font color>` (or inline CSS colour) equals the background set last before it (a
 * `bgcolor` or CSS `background`, the body's white when none), with `min` letters before its next tag.
 */
const hiddenByColour = (h, min) => {
  let bg = "ffffff"
  const re = /<(?:body|table|tr|td|th|div|span|p|font)\b[^>]{0,500}>/gi
  for (const tag of h.matchAll(re)) {
    const t = tag[0]
    const b = /\bbgcolor\s*=\s*["']?(#?[0-9a-z]{3,7})|background(?:-color)?\s*:\s*(#?[0-9a-z]{3,7})/i.exec(t)
    if (b) bg = colour(b[1] ?? b[2]) ?? bg
    const c = /<font\b[^>]{0,300}?\bcolor\s*=\s*["']?(#?[0-9a-z]{3,7})|[\s;"']color\s*:\s*(#?[0-9a-z]{3,7})/i.exec(t)
    if (!c || colour(c[1] ?? c[2]) !== bg) continue
    const after = h.slice(tag.index + t.length, tag.index + t.length + 2000)
    const text = after.slice(0, after.search(/<|$/))
    if (count(text, /[A-Za-z]/g) >= min) return true
  }
  return false
}
const KNOWN_TAGS = new Set(
  "a abbr acronym address applet area article aside audio b base basefont bdi bdo bgsound big blink blockquote body br button canvas caption center cite code col colgroup data datalist dd del details dfn dialog dir div dl dt em embed fieldset figcaption figure font footer form frame frameset h1 h2 h3 h4 h5 h6 head header hgroup hr html i iframe ilayer img input ins isindex kbd keygen label layer legend li link listing main map mark marquee menu meta meter multicol nav nobr noembed noframes nolayer noscript object ol optgroup option output p param picture plaintext pre progress q rb rp rt rtc ruby s samp script section select small source spacer span strike strong style sub summary sup table tbody td template textarea tfoot th thead time title tr track tt u ul var video wbr xml xmp o sup sub".split(
    " "
  )
)
/** Distinct tag names (opening, 2+ letters, no namespace colon) that no HTML version defines. */
const unknownTags = (h) => {
  const names = new Set()
  for (const x of h.matchAll(/<([a-z][a-z0-9]{1,20})(?=[\s>/])/gi)) {
    const n = x[1].toLowerCase()
    if (!KNOWN_TAGS.has(n) && !/^h\d$/.test(n)) names.add(n)
  }
  return names.size
}
/**
 * A host's site, as its last two labels: the build's registrable domain (public suffix list) is not
 * among the package's exports, so the candidates' rows are near the built traits' (the rows "as
 * built", which the tokenizer gives), not equal to them.
 */
const regOf = (h) => h.toLowerCase().split(".").slice(-2).join(".")
const htmlOnly = (m) => Classifier.tokenize(m).features.includes("html_only")
/** The registrable domains of the message's http(s) links. */
const linkDomains = (m) =>
  new Set(
    urls(m)
      .map(hostOf)
      .filter((h) => h?.includes("."))
      .map(regOf)
  )
/** The registrable domains of From, Return-Path, Reply-To, Sender and the Message-ID. */
const senderDomains = (m) => {
  const out = new Set()
  for (const h of ["from", "return-path", "reply-to", "sender", "message-id"])
    for (const d of (m.headers.get(h) ?? "").toLowerCase().match(/@([a-z0-9.-]+\.[a-z]{2,})/g) ?? [])
      out.add(regOf(d.slice(1)))
  return out
}
const plains = (m) => m.body.texts.map(String)
const DOT_WORD = /\b[a-z0-9-]{2,}\s*[([{]\s*dot\s*[)\]}]\s*(?:com|net|org|biz|info|us|cc|ws)\b/i
const SPACED_URL = /\bwww\s*\.\s+[a-z0-9-]+|\b[a-z0-9-]{3,}\s+\.\s*(?:com|net|org|biz|info)\b/i

const candidates = {
  // The recipient or an address in a link: a tool's tracking of who clicked.
  "q: an e-mail address in a link's query": (m) => urls(m).some((u) => ADDRESS.test(queryOf(u))),
  "q: an e-mail address in a link's path": (m) => urls(m).some((u) => ADDRESS.test(pathOf(u))),
  "q: a recipient's address (To, Cc) in a link": (m) => urls(m).some((u) => linkHasRecipient(m, u)),
  "q: a recipient's address in a link, HTML only": (m) =>
    m.body.htmls.length > 0 && plains(m).length === m.body.htmls.length && urls(m).some((u) => linkHasRecipient(m, u)),
  "q: a recipient's address in a link to another domain than From's": (m) =>
    urls(m).some((u) => linkHasRecipient(m, u) && reg(hostOf(u)) !== reg(fromDomain(m))),
  "q: a recipient's address in a link's query, not an unsubscribe path": (m) =>
    urls(m).some((u) => linkHasRecipient(m, u) && !/unsub|remove|optout|opt-out|list/i.test(u)),
  "q: a recipient's address in the query of an opt-out link": (m) =>
    urls(m).some((u) => linkHasRecipient(m, u) && /unsub|remove|optout|opt-out/i.test(u)),
  "q: a link's query holds a random id (16+ letters and digits, both cases)": (m) =>
    urls(m).some((u) => RANDOM_ID.test(queryOf(u))),
  "q: a link's path holds a random id": (m) => urls(m).some((u) => RANDOM_ID.test(pathOf(u))),
  "q: 3+ links to one page with distinct queries": (m) => sameTargetIds(m, 3),
  "q: 5+ links to one page with distinct queries": (m) => sameTargetIds(m, 5),
  "q: a query of 100+ characters": (m) => urls(m).some((u) => queryOf(u).length >= 100),
  // Hosts and schemes as no program writes them.
  "host: a link host with a character no name has (`,` `_` `..`)": (m) =>
    hrefs(m).some((u) => /^https?:\/\/[^/?#]*(?:,|_|\.\.)/i.test(u.trim())),
  "host: a link host ending in a dot": (m) =>
    hrefs(m).some((u) => /^https?:\/\/[^/?#:]+\.(?:[/:?#]|$)/i.test(u.trim())),
  "scheme: `HTTP://` in capitals in an href": (m) => hrefs(m).some((u) => /^HTTPS?:/.test(u.trim())),
  "scheme: an href with white space inside": (m) => hrefs(m).some((u) => /^https?:\/\/\S*\s+\S/i.test(u.trim())),
  "scheme: an href of `http://` with no host": (m) => hrefs(m).some((u) => /^https?:\/\/(?:[/?#]|$)/i.test(u.trim())),
  "path: a `/~user/` page": (m) => urls(m).some((u) => /^https?:\/\/[^/]+\/~[a-z0-9_.-]+/i.test(u)),
  "path: a `/~user/` page, HTML only": (m) =>
    m.body.htmls.length > 0 && urls(m).some((u) => /^https?:\/\/[^/]+\/~[a-z0-9_.-]+/i.test(u)),
  // Markup that hides or splits.
  "map: an image map (`<area href>`)": (m) => anyHtml(m, (h) => /<area\b[^>]{0,500}\bhref/i.test(h)),
  "js: a `<script>`": (m) => anyHtml(m, (h) => /<script\b/i.test(h)),
  "js: `unescape(`, `document.write(`, `eval(`": (m) =>
    anyHtml(m, (h) => /\b(?:unescape|document\.write|eval|fromCharCode)\s*\(/i.test(h)),
  "obj: `<iframe>`, `<object>`, `<embed>`, `<applet>`": (m) =>
    anyHtml(m, (h) => /<(?:iframe|object|embed|applet)\b/i.test(h)),
  "meta: a refresh or `<base href>`": (m) =>
    anyHtml(m, (h) => /<meta\b[^>]{0,200}http-equiv\s*=\s*["']?refresh|<base\s[^>]{0,200}href/i.test(h)),
  "tag: an inline tag between two letters, 3+": (m) => anyHtml(m, (h) => count(h, SPLIT_TAG) >= 3),
  "tag: an inline tag between two letters, 10+": (m) => anyHtml(m, (h) => count(h, SPLIT_TAG) >= 10),
  "tag: an empty inline pair between letters (`V<b></b>iagra`)": (m) => anyHtml(m, (h) => EMPTY_PAIR.test(h)),
  "colour: a text colour equal to the page's background (not white)": (m) =>
    anyHtml(m, (h) => {
      const bg = bodyBg(h)
      return bg !== "ffffff" && fontColours(h).includes(bg)
    }),
  "colour: a text colour within 16 of the page's background, not equal": (m) =>
    anyHtml(m, (h) => {
      const bg = bodyBg(h)
      return fontColours(h).some((c) => c !== bg && near(c, bg))
    }),
  "colour: a text colour equal to the page's background (any)": (m) =>
    anyHtml(m, (h) => /<body\b[^>]{0,500}bgcolor/i.test(h) && fontColours(h).includes(bodyBg(h))),
  "colour: a font's colour equal to the last background set before it": (m) => anyHtml(m, (h) => hiddenByColour(h, 1)),
  "colour: the same, the font holding 20+ letters": (m) => anyHtml(m, (h) => hiddenByColour(h, 20)),
  "a: a link with no text and no image": (m) =>
    anyHtml(m, (h) => /<a\s[^>]{0,1000}\bhref[^>]{0,1000}>(?:\s|&nbsp;)*<\/a>/i.test(h)),
  "form: a hidden input holding an address": (m) =>
    anyHtml(m, (h) => /<input\b[^>]{0,300}type\s*=\s*["']?hidden[^>]{0,300}value\s*=\s*["']?[^"'>\s]*@/i.test(h)),
  "form: a form posting to another domain than From's": (m) =>
    anyHtml(m, (h) =>
      [...h.matchAll(/<form\b[^>]{0,500}action\s*=\s*["']?(https?:\/\/[^"'\s>]+)/gi)].some(
        (x) => reg(hostOf(x[1])) !== reg(fromDomain(m))
      )
    ),
  // Letters written as something else where a reader sees a letter.
  "ent: a letter entity between two letters (`V&#105;agra`)": (m) => anyHtml(m, (h) => LETTER_ENTITY_IN_WORD.test(h)),
  "ent: 3+ letter entities between letters": (m) => anyHtml(m, (h) => count(h, LETTER_ENTITY_IN_WORD_G) >= 3),
  "ent: a letter entity between letters, outside tags": (m) =>
    anyHtml(m, (h) => LETTER_ENTITY_IN_WORD.test(h.replace(/<[^>]{0,2000}>/g, " "))),
  'ent: an http link written in entities (`href="&#104;&#116;`)': (m) =>
    anyHtml(m, (h) => /href\s*=\s*["']?(?:&#(?:104|x68);|h&#(?:116|x74);)/i.test(h)),
  "ent: a soft hyphen inside a word": (m) =>
    anyHtml(m, (h) => /[a-z](?:&shy;|&#173;|&#xad;|\u00ad)[a-z]/i.test(h)) ||
    plains(m).some((t) => /[a-z]\u00ad[a-z]/i.test(t)),
  "pct: a link escapes 3+ letters or digits (`%77%77%77`)": (m) =>
    urls(m).some((u) => count(u.replace(/[?#].*$/, ""), /%(?:3[0-9]|4[1-9a-f]|5[0-9a]|6[1-9a-f]|7[0-9a])/gi) >= 3),
  "pct: a link's query escapes 3+ letters or digits": (m) =>
    urls(m).some((u) => count(queryOf(u), /%(?:3[0-9]|4[1-9a-f]|5[0-9a]|6[1-9a-f]|7[0-9a])/gi) >= 3),
  "pct: an href escapes 3+ letters or digits (raw)": (m) =>
    hrefs(m).some((u) => count(u.replace(/[?#].*$/, ""), /%(?:3[0-9]|4[1-9a-f]|5[0-9a]|6[1-9a-f]|7[0-9a])/gi) >= 3),
  "accent: 1-3 words with one Latin-1 letter in 50+ ASCII words": (m) =>
    plains(m).some((t) => {
      const words = t.match(/[A-Za-z\u00c0-\u00ff]{3,}/g) ?? []
      const acc = words.filter(
        (w) => /[\u00c0-\u00ff]/.test(w) && /^[A-Za-z]*[\u00c0-\u00ff][A-Za-z]*$/.test(w) && /[A-Za-z]{2}/.test(w)
      )
      return (
        words.length - acc.length >= 50 &&
        acc.length >= 1 &&
        acc.length <= 3 &&
        words.every((w) => /^[A-Za-z]*[\u00c0-\u00ff]?[A-Za-z]*$/.test(w))
      )
    }),
  // Markup a browser ignores: tag names no HTML version has, CSS that hides without display:none.
  "tag: an unknown tag name (no colon), 1+": (m) => anyHtml(m, (h) => unknownTags(h) >= 1),
  "tag: unknown tag names, 3+ distinct": (m) => anyHtml(m, (h) => unknownTags(h) >= 3),
  "css: visibility:hidden, height:0, font-size:0 or a negative offset": (m) =>
    anyHtml(m, (h) =>
      /visibility\s*:\s*hidden|(?:^|[\s;"'])(?:max-)?height\s*:\s*0(?:px)?\s*[;"']|font-size\s*:\s*0(?:px|pt)?\s*[;"']|(?:left|top|text-indent)\s*:\s*-\d{3,}/i.test(
        h
      )
    ),
  // One site: every link of the message goes to one registrable domain.
  "one: HTML only (tokenizer's html_only)": (m) => htmlOnly(m),
  "one: HTML only, every name in the body on one domain (body hosts)": (m) =>
    htmlOnly(m) && new Set(m.body.hosts.map((h) => regOf(h))).size === 1,
  "one: HTML only, every link (1+) on one domain": (m) => htmlOnly(m) && linkDomains(m).size === 1,
  "one: HTML only, every link (2+) on one domain": (m) =>
    htmlOnly(m) && linkDomains(m).size === 1 && urls(m).length >= 2,
  "one: HTML only, every link on one domain, not From's": (m) =>
    htmlOnly(m) && linkDomains(m).size === 1 && !linkDomains(m).has(regOf(fromDomain(m) ?? "")),
  "one: HTML only, every link on one domain, none of From, Return-Path, Reply-To, Message-ID": (m) =>
    htmlOnly(m) && linkDomains(m).size === 1 && !senderDomains(m).has([...linkDomains(m)][0]),
  "one: any, every link (1+) on one domain, none of the sender's": (m) =>
    linkDomains(m).size === 1 && !senderDomains(m).has([...linkDomains(m)][0]),
  "one: plain text only, every link on one domain, none of the sender's": (m) =>
    m.body.htmls.length === 0 && linkDomains(m).size === 1 && !senderDomains(m).has([...linkDomains(m)][0]),
  "one: HTML only, every name in the body on one domain, none of the sender's": (m) =>
    htmlOnly(m) &&
    new Set(m.body.hosts.map((h) => regOf(h))).size === 1 &&
    !senderDomains(m).has(regOf(m.body.hosts[0])),
  "one: any HTML, every name in the body on one domain, none of the sender's": (m) =>
    m.body.htmls.length > 0 &&
    new Set(m.body.hosts.map((h) => regOf(h))).size === 1 &&
    !senderDomains(m).has(regOf(m.body.hosts[0])),
  "one: HTML only, every name on one domain, none of the sender's, 2+ links": (m) =>
    htmlOnly(m) &&
    urls(m).length >= 2 &&
    new Set(m.body.hosts.map((h) => regOf(h))).size === 1 &&
    !senderDomains(m).has(regOf(m.body.hosts[0])),
  "one: HTML only, every name on one domain, none of the sender's nor a Received host's": (m) =>
    htmlOnly(m) &&
    new Set(m.body.hosts.map((h) => regOf(h))).size === 1 &&
    !senderDomains(m).has(regOf(m.body.hosts[0])) &&
    !(m.headers.getAll?.("received") ?? []).join(" ").toLowerCase().includes(regOf(m.body.hosts[0])),
  "one: HTML only, every name but the recipients' domains on one domain, none of the sender's": (m) => {
    if (!htmlOnly(m) || m.body.ips.length > 0) return false
    const mine = new Set(recipients(m).map((a) => regOf(a.slice(a.indexOf("@") + 1))))
    const sites = new Set(m.body.hosts.map((h) => regOf(h)).filter((d) => !mine.has(d)))
    return sites.size === 1 && !senderDomains(m).has([...sites][0])
  },
  // No site of the sender's: the body names sites, none of them one the sender's headers name.
  "site: HTML only, 1+ name, none on a sender's site": (m) =>
    htmlOnly(m) && m.body.hosts.length > 0 && !m.body.hosts.some((h) => senderDomains(m).has(regOf(h))),
  "site: the same, 2+ sites": (m) =>
    htmlOnly(m) &&
    new Set(m.body.hosts.map((h) => regOf(h))).size >= 2 &&
    !m.body.hosts.some((h) => senderDomains(m).has(regOf(h))),
  "site: the same, 2+ sites, no IP literal": (m) =>
    htmlOnly(m) &&
    m.body.ips.length === 0 &&
    new Set(m.body.hosts.map((h) => regOf(h))).size >= 2 &&
    !m.body.hosts.some((h) => senderDomains(m).has(regOf(h))),
  "site: any HTML (alternative too), 1+ name, none on a sender's site": (m) =>
    m.body.htmls.length > 0 && m.body.hosts.length > 0 && !m.body.hosts.some((h) => senderDomains(m).has(regOf(h))),
  // As built (round 46, UrlOneForeignSite.ts): the tokenizer's feature of the build under test.
  "one: as built (url_one_foreign_site)": (m) => Classifier.tokenize(m).features.includes("url_one_foreign_site"),
  // Obfuscation of a link in text.
  "text: a domain written with `(dot)`": (m) => plains(m).some((t) => DOT_WORD.test(t)),
  "text: a domain spaced around its dot (`www. example .com`)": (m) => plains(m).some((t) => SPACED_URL.test(t))
}

printMissTable({ Classifier, corpus, model, candidates, show, near: NEAR })
