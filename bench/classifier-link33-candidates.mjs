#!/usr/bin/env node
// Word-free shapes of a message's links, URLs, markup and obfuscation for round 54 in
// docs/classifier.md, counted per corpus subset before any is built (the columns of
// bench/classifier-body28-candidates.mjs): what a link's text names against where it goes, host
// names' shapes, ports and encoded links, calls to action by mail only, the share of markup in a
// page, tracking pictures, removal links and a page cut into linked pictures. Round 46's 69
// candidates (bench/classifier-link31-candidates.mjs) and round 50's (bench/classifier-link32-candidates.mjs)
// are not repeated alone here.
//
//   node bench/classifier-link33-candidates.mjs [--corpus DIR] [--dist PATH/index.js] [--model FILE]
//     [--show NAME]   (prints the files that carry candidate NAME, ham first)
//     [--pairs]       (instead: each candidate and each feature of the tokenizer alone and in pairs,
//                      with the ham carrying each and the spam missed with none known; the pairs no ham carries)
//
// Needs `npx turbo run build --filter=@mailmoat/antispam`; exits 2 without a corpus.
import {
  args,
  candidateSetup,
  count,
  featureTraits,
  opt,
  printMissTable,
  printPairTable
} from "./classifier-common.mjs"

const { corpus, Classifier, model } = await candidateSetup()
const show = opt("show", undefined)
/** Spam missed with none known at this probability or more: what a late weight of about 1 can lift. */
const NEAR = 0.6

/** The decoded HTML parts, cut as Html.ts cuts them. */
const htmls = (m) => m.body.htmls.map((h) => String(h).slice(0, 200_000))
const anyHtml = (m, f) => htmls(m).some(f)
const urls = (m) => m.body.urls.map(String)
const hostOf = (u) => /^[a-z][a-z0-9+.-]*:\/\/(?:[^@/?#]*@)?([^/:?#]*)/i.exec(u)?.[1]?.toLowerCase()
/** A host's site: its last two labels, three under a two-letter country code with a short second label (`co.uk`). */
const regOf = (h) => {
  const l = h.toLowerCase().replace(/\.$/, "").split(".")
  const n = l.length >= 3 && l.at(-1).length === 2 && l.at(-2).length <= 3 ? 3 : 2
  return l.slice(-n).join(".")
}
const IP = /^\d{1,3}(?:\.\d{1,3}){3}$/
const senderSites = (m) => {
  const out = new Set()
  for (const h of ["from", "return-path", "reply-to", "sender", "message-id"])
    for (const d of (m.headers.get(h) ?? "").toLowerCase().match(/@([a-z0-9.-]+\.[a-z]{2,})/g) ?? [])
      out.add(regOf(d.slice(1)))
  return out
}
const htmlOnly = (m) => m.body.htmls.length > 0 && m.body.texts.length === m.body.htmls.length
const plainOnly = (m) => m.body.htmls.length === 0 && m.body.texts.length > 0

/** Every `<a>` and `<area>` of the HTML parts: its raw href (as written), its inner HTML and text. */
const anchors = (m) =>
  htmls(m).flatMap((h) =>
    [...h.matchAll(/<(a|area)\s([^>]{0,1000})>/gi)].map((x) => {
      const attrs = x[2]
      const href = /\bhref\s*=\s*(?:"([^"]{0,2000})"|'([^']{0,2000})'|([^\s>]{1,2000}))/i.exec(attrs)
      const start = x.index + x[0].length
      const close = h.slice(start, start + 2000).search(/<\/a\s*>/i)
      const inner = close < 0 ? "" : h.slice(start, start + close)
      return {
        tag: x[1].toLowerCase(),
        attrs,
        href: href ? (href[1] ?? href[2] ?? href[3]) : undefined,
        inner,
        text: inner
          .replace(/<[^>]*>/g, "")
          .replace(/&nbsp;|&#160;/gi, " ")
          .trim()
      }
    })
  )
const webHref = (a) => a.href !== undefined && /^\s*(?:https?:|www\.)/i.test(a.href)
const mailHref = (a) => a.href !== undefined && /^\s*mailto:/i.test(a.href)
/** A name with a dot and a suffix of letters that is no file's extension. */
const NAMED_HOST =
  /\b((?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+(?!(?:html?|php|asp|jpe?g|gif|png|cgi|pl|exe|txt|pdf|doc|zip)\b)[a-z]{2,6})\b/i
/** The site a link's text names (a URL, `www.` name or bare `name.tld`), without the scheme. */
const shownSite = (a) => {
  if (/@/.test(a.text)) return undefined
  const x = NAMED_HOST.exec(a.text)
  return x ? regOf(x[1]) : undefined
}
const hrefSite = (a) => {
  const h = hostOf(a.href.trim().replace(/^www\./i, "http://www."))
  return h ? regOf(h) : undefined
}
const textMismatch = (a) => {
  if (!webHref(a)) return false
  const shown = shownSite(a)
  const target = hrefSite(a)
  return shown !== undefined && target !== undefined && !IP.test(target) && shown !== target
}

/** Labels of a host above its site, and the site's own label. */
const hostLabels = (h) => {
  const site = regOf(h)
  const above = h.length > site.length ? h.slice(0, h.length - site.length - 1).split(".") : []
  return { above, own: site.split(".")[0] }
}
const linkHosts = (m) =>
  urls(m)
    .map(hostOf)
    .filter((h) => h?.includes(".") && !IP.test(h))
/** Letters and digits alternating three or more times (`p1j2m3a4`, `a7b3c`): a label made by a program. */
const ALTERNATING = /(?:[a-z]+\d+){3,}|(?:\d+[a-z]+){3,}/i
const VOWELLESS = /^[bcdfghjklmnpqrstvwxz]{6,}$/i

const imgs = (h) => [...h.matchAll(/<img\b([^>]{0,1000})>/gi)].map((x) => x[1])
const attr = (attrs, name) =>
  new RegExp(`\\b${name}\\s*=\\s*["']?([^"'\\s>]{1,500})`, "i").exec(attrs)?.[1]?.toLowerCase()
const tracking = (attrs) =>
  /^1(?:px)?$/.test(attr(attrs, "width") ?? "") && /^1(?:px)?$/.test(attr(attrs, "height") ?? "")
const srcSite = (attrs) => {
  const h = hostOf(attr(attrs, "src") ?? "")
  return h ? regOf(h) : undefined
}
/** Letters a reader sees in the page: the text between tags, entities as one character. */
const shownLetters = (h) =>
  count(
    h
      .replace(/<(script|style)\b[\s\S]{0,20000}?<\/\1\s*>/gi, " ")
      .replace(/<!--[\s\S]{0,20000}?-->/g, " ")
      .replace(/<[^>]*>/g, " ")
      .replace(/&[a-z#0-9]{1,8};/gi, " "),
    /\p{L}/gu
  )
const tagCount = (h) => count(h, /<[a-z!/][^>]{0,1000}>/gi)
const REMOVAL = /unsubscri|remove|opt[ -]?out|optout/i
const removalLinks = (m) => anchors(m).filter((a) => webHref(a) && (REMOVAL.test(a.text) || REMOVAL.test(a.href)))

const candidates = {
  // What a link's text names against where it goes (Html.ts's `url_text_mismatch` reads only `http://` and `www.` names).
  "text: a link's text names a site (any form) other than its href's": (m) => anchors(m).some(textMismatch),
  "text: the same, the text a bare name (no `http://`, no `www.`)": (m) =>
    anchors(m).some((a) => textMismatch(a) && !/https?:\/\/|www\./i.test(a.text)),
  "text: the same, HTML only": (m) => htmlOnly(m) && anchors(m).some(textMismatch),
  "text: the same, the shown site none of the sender's and the target none either": (m) =>
    anchors(m).some((a) => textMismatch(a) && !senderSites(m).has(shownSite(a)) && !senderSites(m).has(hrefSite(a))),
  "text: the same, the shown site the sender's, the target not": (m) =>
    anchors(m).some((a) => textMismatch(a) && senderSites(m).has(shownSite(a)) && !senderSites(m).has(hrefSite(a))),
  "text: a link's text is a URL and its href an IP literal": (m) =>
    anchors(m).some((a) => webHref(a) && NAMED_HOST.test(a.text) && IP.test(hostOf(a.href.trim()) ?? "")),
  "text: a link's text shows https, its href is plain http": (m) =>
    anchors(m).some((a) => /^\s*https:\/\//i.test(a.text) && /^\s*http:\/\//i.test(a.href ?? "")),
  "js: a link sets the status bar (`onmouseover`, `window.status`)": (m) =>
    anchors(m).some((a) => /onmouse\w*\s*=|window\.status/i.test(a.attrs)),
  // Host names' shapes.
  "host: a label above the site alternates letters and digits 3+ times": (m) =>
    linkHosts(m).some((h) => hostLabels(h).above.some((l) => ALTERNATING.test(l))),
  "host: the site's own label alternates letters and digits 3+ times": (m) =>
    linkHosts(m).some((h) => ALTERNATING.test(hostLabels(h).own)),
  "host: a label of 6+ letters with no vowel": (m) =>
    linkHosts(m).some((h) => [...hostLabels(h).above, hostLabels(h).own].some((l) => VOWELLESS.test(l))),
  "host: 3 labels above the site (`url_many_subdomains` is 4+)": (m) =>
    linkHosts(m).some((h) => hostLabels(h).above.length === 3),
  "host: a site's label with a digit, on no sender's site, HTML only": (m) =>
    htmlOnly(m) && linkHosts(m).some((h) => /\d/.test(hostLabels(h).own) && !senderSites(m).has(regOf(h))),
  "host: a first label `ww` and digits (`ww3.`)": (m) => linkHosts(m).some((h) => /^ww\d+\./.test(h)),
  "host: a first label `www` and 2+ digits (`www205.`)": (m) => linkHosts(m).some((h) => /^www\d{2,}\./.test(h)),
  "host: a first label of letters and 2+ digits, plain text only": (m) =>
    plainOnly(m) && linkHosts(m).some((h) => /^[a-z]{2,}\d{2,}\./.test(h) && regOf(h) !== h),
  "host: a first label of letters and 2+ digits, any text": (m) =>
    linkHosts(m).some((h) => /^[a-z]{2,}\d{2,}\./.test(h) && regOf(h) !== h),
  "host: a first label of letters and 1+ digits, plain text only": (m) =>
    plainOnly(m) && linkHosts(m).some((h) => /^[a-z]{2,}\d+\./.test(h) && regOf(h) !== h),
  "host: the same, every link on that host's site": (m) => {
    const hs = linkHosts(m)
    const numbered = hs.find((h) => /^[a-z]{2,}\d+\./.test(h) && regOf(h) !== h)
    return plainOnly(m) && numbered !== undefined && hs.every((h) => regOf(h) === regOf(numbered))
  },
  "port: a link names port 80 or 443 (`url_odd_port` leaves them out)": (m) =>
    urls(m).some((u) => /^[a-z]+:\/\/[^/?#]*:(?:80|443)(?:[/?#]|$)/i.test(u)),
  // Links written to hide what they are.
  "enc: an href holding a numeric entity (`&#104;ttp`)": (m) =>
    anchors(m).some((a) => /&#x?[0-9a-f]{2,5};/i.test(a.href ?? "")),
  "enc: an href's host holding a %-escape": (m) =>
    anchors(m).some((a) => /^\s*https?:\/\/[^/?#]*%[0-9a-f]{2}/i.test(a.href ?? "")),
  "enc: an href's scheme in mixed case (`hTtP:`)": (m) =>
    anchors(m).some(
      (a) => /^\s*h[a-z]*:/i.test(a.href ?? "") && /^\s*(?!http:|HTTP:|https:|HTTPS:|Http:)h[a-z]{3,4}:/i.test(a.href)
    ),
  "enc: an href with a backslash or `http:/` missing a slash": (m) =>
    anchors(m).some((a) => /^\s*https?:(?:\\|\/\\|\/(?!\/))/i.test(a.href ?? "")),
  "enc: an href with no scheme (`www.` only)": (m) => anchors(m).some((a) => /^\s*www\./i.test(a.href ?? "")),
  // Calls to action by mail only.
  "mail: HTML with a mailto link and no web link": (m) =>
    anchors(m).some(mailHref) && !anchors(m).some(webHref) && urls(m).length === 0,
  "mail: HTML only, mailto links only": (m) =>
    htmlOnly(m) && anchors(m).some(mailHref) && !anchors(m).some(webHref) && urls(m).length === 0,
  "mail: a mailto link with a subject filled in": (m) =>
    anchors(m).some((a) => mailHref(a) && /[?&]subject=/i.test(a.href)),
  "mail: a mailto link on a site none of the sender's, no web link": (m) =>
    urls(m).length === 0 &&
    anchors(m).some((a) => mailHref(a) && !senderSites(m).has(regOf(/@([^?>\s"']+)/.exec(a.href)?.[1] ?? ""))),
  "mail: a form posting to mailto:": (m) => anyHtml(m, (h) => /<form\b[^>]{0,500}action\s*=\s*["']?mailto:/i.test(h)),
  "mail: plain text only, no link, an address on no sender's site": (m) =>
    plainOnly(m) &&
    urls(m).length === 0 &&
    m.body.texts.some((t) =>
      (String(t).match(/[a-z0-9._%+-]+@([a-z0-9-]+\.)+[a-z]{2,}/gi) ?? []).some(
        (a) => !senderSites(m).has(regOf(a.slice(a.indexOf("@") + 1)))
      )
    ),
  // The share of markup in a page.
  "ratio: HTML only, under 1 shown letter per 20 characters of HTML": (m) =>
    htmlOnly(m) && htmls(m).every((h) => h.length > 500 && shownLetters(h) * 20 < h.length),
  "ratio: HTML only, under 1 shown letter per 40 characters of HTML": (m) =>
    htmlOnly(m) && htmls(m).every((h) => h.length > 500 && shownLetters(h) * 40 < h.length),
  "ratio: HTML only, 2+ tags per 10 shown letters": (m) =>
    htmlOnly(m) && htmls(m).every((h) => tagCount(h) >= 20 && tagCount(h) * 5 > shownLetters(h)),
  "ratio: any HTML, under 1 shown letter per 40 characters": (m) =>
    anyHtml(m, (h) => h.length > 500 && shownLetters(h) * 40 < h.length),
  // Tracking pictures.
  "img: a 1x1 picture": (m) => anyHtml(m, (h) => imgs(h).some(tracking)),
  "img: a 1x1 picture on no sender's site": (m) =>
    anyHtml(m, (h) => imgs(h).some((a) => tracking(a) && srcSite(a) !== undefined && !senderSites(m).has(srcSite(a)))),
  "img: a 1x1 picture, HTML only": (m) => htmlOnly(m) && anyHtml(m, (h) => imgs(h).some(tracking)),
  "img: pictures on a site no link and no sender names": (m) => {
    const linked = new Set(linkHosts(m).map(regOf))
    for (const a of anchors(m)) if (webHref(a)) linked.add(hrefSite(a))
    return anyHtml(m, (h) =>
      imgs(h).some((a) => {
        const s = srcSite(a)
        return s !== undefined && !linked.has(s) && !senderSites(m).has(s)
      })
    )
  },
  // Removal links.
  "unsub: a removal link on a site none of the sender's": (m) =>
    removalLinks(m).some((a) => !senderSites(m).has(hrefSite(a))),
  "unsub: the same, HTML only": (m) => htmlOnly(m) && removalLinks(m).some((a) => !senderSites(m).has(hrefSite(a))),
  "unsub: a removal link on another site than every other link": (m) => {
    const rs = removalLinks(m)
    const others = anchors(m).filter((a) => webHref(a) && !rs.includes(a))
    return rs.length > 0 && others.length > 0 && rs.every((r) => others.every((o) => hrefSite(o) !== hrefSite(r)))
  },
  "unsub: the same, none of the sender's": (m) => {
    const rs = removalLinks(m)
    const others = anchors(m).filter((a) => webHref(a) && !rs.includes(a))
    const sender = senderSites(m)
    return (
      rs.length > 0 &&
      others.length > 0 &&
      rs.every((r) => others.every((o) => hrefSite(o) !== hrefSite(r)) && !sender.has(hrefSite(r))) &&
      !others.some((o) => sender.has(hrefSite(o)))
    )
  },
  "unsub: HTML only with web links, no removal link and no mailto": (m) =>
    htmlOnly(m) && anchors(m).some(webHref) && removalLinks(m).length === 0 && !anchors(m).some(mailHref),
  // A page cut into linked pictures.
  "slice: 4+ links whose content is a picture alone, to one href": (m) => {
    const n = new Map()
    for (const a of anchors(m))
      if (webHref(a) && /<img\b/i.test(a.inner) && a.text === "") n.set(a.href, (n.get(a.href) ?? 0) + 1)
    return [...n.values()].some((c) => c >= 4)
  },
  "slice: the same, HTML only": (m) => {
    if (!htmlOnly(m)) return false
    const n = new Map()
    for (const a of anchors(m))
      if (webHref(a) && /<img\b/i.test(a.inner) && a.text === "") n.set(a.href, (n.get(a.href) ?? 0) + 1)
    return [...n.values()].some((c) => c >= 4)
  },
  // Markup a program writes.
  "cmt: a comment holding one random word (`<!--x7Fq2kD-->`)": (m) =>
    anyHtml(m, (h) =>
      [...h.matchAll(/<!--\s*([a-z0-9]{5,40})\s*-->/gi)].some((x) => /\d/.test(x[1]) && /[a-z]/i.test(x[1]))
    ),
  "cmt: 3+ such comments": (m) =>
    anyHtml(
      m,
      (h) =>
        [...h.matchAll(/<!--\s*([a-z0-9]{5,40})\s*-->/gi)].filter((x) => /\d/.test(x[1]) && /[a-z]/i.test(x[1]))
          .length >= 3
    ),
  "merge: a bulk tool's field left in (`%EMAIL%`, `{FNAME}`, `[EMAIL]`, `%%x%%`)": (m) =>
    m.body.texts.some((t) =>
      /%%?[A-Z_]{2,20}%%?|\{\{?[A-Z_]{3,20}\}\}?|\[\[?(?:EMAIL|FNAME|LNAME|NAME|FIRST_?NAME)\]\]?/.test(String(t))
    ),
  "html: a second `<html>` after the first part's end": (m) => anyHtml(m, (h) => count(h, /<html\b/gi) >= 2),
  "html: text before the first tag (HTML with a plain-text head)": (m) =>
    htmlOnly(m) && htmls(m).some((h) => /^\s*[\p{L}\p{N}][^<]{40,}</u.test(h)),
  "html: a page with `<body>` and neither `<html>` nor `<head>`": (m) =>
    anyHtml(m, (h) => /<body\b/i.test(h) && !/<html\b|<head\b/i.test(h)),
  "html: the same, HTML only": (m) =>
    htmlOnly(m) && anyHtml(m, (h) => /<body\b/i.test(h) && !/<html\b|<head\b/i.test(h)),
  "html: `<body>` and no `<html>` (a head or not)": (m) => anyHtml(m, (h) => /<body\b/i.test(h) && !/<html\b/i.test(h)),
  "html: `<body>` and no `<head>` (`<html>` or not)": (m) =>
    anyHtml(m, (h) => /<body\b/i.test(h) && !/<head\b/i.test(h)),
  "html: `<head>` and no `<html>`": (m) => anyHtml(m, (h) => /<head\b/i.test(h) && !/<html\b/i.test(h)),
  "html: no `<html>`, `<head>` nor `<body>` (a fragment)": (m) =>
    anyHtml(m, (h) => !/<html\b|<head\b|<body\b/i.test(h)),
  "html: `<html>` after 200+ characters of markup or text": (m) => anyHtml(m, (h) => h.search(/<html\b/i) >= 200),
  "html: `</html>` before `</body>`": (m) =>
    anyHtml(m, (h) => {
      const b = h.search(/<\/body\s*>/i)
      const e = h.search(/<\/html\s*>/i)
      return b >= 0 && e >= 0 && e < b
    }),
  "html: `<body>` before `<head>`": (m) =>
    anyHtml(m, (h) => {
      const b = h.search(/<body\b/i)
      const e = h.search(/<head\b/i)
      return b >= 0 && e >= 0 && b < e
    }),
  "html: two `<body>` tags": (m) => anyHtml(m, (h) => count(h, /<body\b/gi) >= 2),
  "html: `<html>` and no `<body>`": (m) => anyHtml(m, (h) => /<html[\s>]/i.test(h) && !/<body[\s/>]/i.test(h)),
  "html: a text/html part with no tag at all": (m) => anyHtml(m, (h) => h.trim().length > 0 && !/<[a-z!/]/i.test(h)),
  "html: `</body>` or `</html>` with no opening tag": (m) =>
    anyHtml(
      m,
      (h) => (/<\/body\s*>/i.test(h) && !/<body[\s/>]/i.test(h)) || (/<\/html\s*>/i.test(h) && !/<html[\s>]/i.test(h))
    ),
  "html: `<!DOCTYPE` after `<html>`": (m) =>
    anyHtml(m, (h) => {
      const d = h.search(/<!doctype/i)
      const e = h.search(/<html[\s>]/i)
      return d >= 0 && e >= 0 && e < d
    }),
  "html: `<body>` with no `</body>` and no `</html>`": (m) =>
    anyHtml(m, (h) => /<body[\s/>]/i.test(h) && !/<\/body\s*>|<\/html\s*>/i.test(h)),
  "rel: a picture or style sheet on a relative address (`src=images/top.gif`)": (m) =>
    anyHtml(m, (h) =>
      [
        ...h.matchAll(
          /<(?:img|link|input|td|table|body)\b[^>]{0,1000}?\b(?:src|href|background)\s*=\s*["']?([^"'\s>]{1,500})/gi
        )
      ].some((x) => !/^(?:[a-z][a-z0-9+.-]*:|\/\/|#|&)/i.test(x[1]))
    ),
  "rel: a link on a relative address (`href=page.html`)": (m) =>
    anchors(m).some(
      (a) =>
        a.href !== undefined && a.href.trim() !== "" && !/^\s*(?:[a-z][a-z0-9+.-]*:|\/\/|#|&|\{|%|\[)/i.test(a.href)
    ),
  "rel: either, HTML only": (m) =>
    htmlOnly(m) &&
    (anyHtml(m, (h) =>
      [
        ...h.matchAll(
          /<(?:img|link|input|td|table|body)\b[^>]{0,1000}?\b(?:src|href|background)\s*=\s*["']?([^"'\s>]{1,500})/gi
        )
      ].some((x) => !/^(?:[a-z][a-z0-9+.-]*:|\/\/|#|&)/i.test(x[1]))
    ) ||
      anchors(m).some(
        (a) =>
          a.href !== undefined && a.href.trim() !== "" && !/^\s*(?:[a-z][a-z0-9+.-]*:|\/\/|#|&|\{|%|\[)/i.test(a.href)
      )),
  "title: an editor's default title (`Untitled Document`, `New Page 1`, `Untitled-1`)": (m) =>
    anyHtml(m, (h) =>
      /<title>\s*(?:untitled(?: document|-\d+)?|new page \d+|document sans titre|sin t[ií]tulo)\s*<\/title>/i.test(h)
    ),
  "title: an empty `<title>`": (m) => anyHtml(m, (h) => /<title>\s*<\/title>/i.test(h)),
  "title: one word of letters and digits (`EM049`)": (m) =>
    anyHtml(m, (h) => /<title>\s*(?=[a-z0-9_-]*\d)(?=[a-z0-9_-]*[a-z])[a-z0-9_-]{3,20}\s*<\/title>/i.test(h)),
  "a: 3+ more `<a href>` than `</a>`": (m) =>
    anyHtml(m, (h) => count(h, /<a\s[^>]{0,1000}href/gi) - count(h, /<\/a\s*>/gi) >= 3),
  "html: Word's classes (`class=Mso…`) with no style sheet": (m) =>
    anyHtml(m, (h) => /class\s*=\s*["']?Mso/i.test(h) && !/<style\b/i.test(h)),
  "html: two HTML parts in one message, not alternatives of a text": (m) =>
    m.body.htmls.length >= 2 && m.body.texts.length === m.body.htmls.length,
  "html: an anchor with href `#` or `javascript:`": (m) =>
    anchors(m).some((a) => /^\s*(?:#\s*$|javascript:)/i.test(a.href ?? "")),
  "`html_body_fragment` as built (kept)": (m) => Classifier.tokenize(m).features.includes("html_body_fragment"),
  "`html_mailto_only` as built (kept)": (m) => Classifier.tokenize(m).features.includes("html_mailto_only"),
  "either of the two as built": (m) =>
    Classifier.tokenize(m).features.some((f) => f === "html_body_fragment" || f === "html_mailto_only")
}

// `--pairs`: every candidate alone and in pairs, with the tokenizer's own features as traits too
// (`f:NAME`, `featureTraits`):
// the pairs no ham carries that mark 3 or more spam missed with none known at NEAR or more.
const FEATURE_TRAITS = featureTraits(Classifier)
if (args.includes("--pairs"))
  printPairTable({
    Classifier,
    corpus,
    model,
    traits: { ...candidates, ...FEATURE_TRAITS },
    keep: (r) => r.ham === 0 && r.near >= 3,
    near: NEAR
  })
else printMissTable({ Classifier, corpus, model, candidates, show, near: NEAR })
