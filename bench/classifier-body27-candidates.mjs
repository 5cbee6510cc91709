#!/usr/bin/env node
// More word-free shapes of a message's body, MIME structure and links, counted per corpus subset
// before any is built: the counts behind round 31 in docs/classifier.md. The same columns as
// bench/classifier-body-candidates.mjs (round 28), whose 66 candidates are not repeated here.
//
//   node bench/classifier-body27-candidates.mjs [--corpus DIR] [--dist PATH/index.js] [--model FILE]
//     [--show NAME]   (prints the files that carry candidate NAME, ham first)
//
// Needs `npx turbo run build --filter=@mailmoat/antispam`; exits 2 without a corpus.
import { candidateSetup, opt, printMissTable } from "./classifier-common.mjs"

const { corpus, Classifier, model } = await candidateSetup()
const show = opt("show", undefined)
/** Spam missed with none known at this probability or more: what a late weight of about 1 can lift. */
const NEAR = 0.7

const html = (m) => m.body.htmls.join("\n").slice(0, 200_000)
const text = (m) => m.body.texts.join("\n").slice(0, 150_000)
const count = (s, re) => (s.match(re) ?? []).length
const hrefs = (m) => [...html(m).matchAll(/<a\s[^>]*?href\s*=\s*["']?([^"'\s>]+)/gi)].map((x) => x[1])
const hostOf = (url) => /^[a-z][a-z0-9+.-]*:\/\/(?:[^@/?#]*@)?([^/:?#]+)/i.exec(url)?.[1]
const webUrls = (m) => m.body.urls.filter((u) => /^https?:\/\//i.test(u))
const toAddress = (m) => /[\w.+-]+@[\w.-]+\.[a-z]{2,}/i.exec(m.headers.get("to") ?? "")?.[0]?.toLowerCase()
const contentType = (m) => m.headers.get("content-type") ?? ""
const boundary = (m) => /boundary\s*=\s*"?([^";\s]+)/i.exec(contentType(m))?.[1]
/** Outlook's boundary: `----=_NextPart_000_0000_01C2A1B2.3C4D5E60`, the last two pieces a FILETIME. */
const OUTLOOK_BOUNDARY = /^-*=_NextPart_[0-9A-F]{3}_[0-9A-F]{4,6}_([0-9A-F]{8})\.([0-9A-F]{8})$/i
const STEPS_PER_MS = 1e4 / 2 ** 32
const STEPS_AT_1970 = (11_644_473_600 * 1e7) / 2 ** 32
const boundarySteps = (m) => {
  const b = boundary(m)
  const x = b && OUTLOOK_BOUNDARY.exec(b)
  return x ? Number.parseInt(x[1], 16) : undefined
}
const dateSteps = (m) => {
  const t = Date.parse(m.headers.get("date") ?? "")
  return Number.isNaN(t) ? undefined : t * STEPS_PER_MS + STEPS_AT_1970
}
const stampsSteps = (m) =>
  (m.received ?? [])
    .map((h) => Date.parse(h.date ?? ""))
    .filter((t) => !Number.isNaN(t))
    .map((t) => t * STEPS_PER_MS + STEPS_AT_1970)
const boundaryOff = (m, tol) => {
  const s = boundarySteps(m)
  if (s === undefined) return false
  const times = [dateSteps(m), ...stampsSteps(m)].filter((x) => x !== undefined)
  return times.length > 0 && times.every((t) => Math.abs(t - s) >= tol)
}
const leaves = (p) => (p.children.length === 0 ? [p] : p.children.flatMap(leaves))
/** The raw (still encoded) bodies of the leaves whose Content-Transfer-Encoding matches `re`. */
const partBodies = (m, re) => {
  const raw = Buffer.from(m.scanView).toString("latin1")
  return leaves(m.mime)
    .filter((p) => re.test(p.transferEncoding ?? ""))
    .map((p) => {
      const part = raw.slice(p.start, p.end)
      return part.slice(part.search(/\r?\n\r?\n/) + 1).replace(/^\r?\n+/, "")
    })
}
const rawBoundaries = (m) => {
  const raw = Buffer.from(m.scanView).toString("latin1")
  return [...raw.matchAll(/boundary\s*=\s*"?([^";\s]+)/gi)].map((x) => x[1])
}

const candidates = {
  // MIME structure.
  "MIME: Outlook's boundary form (=_NextPart_)": (m) => boundarySteps(m) !== undefined,
  "MIME: Outlook's boundary, its time 30h+ off Date and every stamp": (m) => boundaryOff(m, 250),
  "MIME: Outlook's boundary, its time 10 days+ off": (m) => boundaryOff(m, 2000),
  "MIME: Outlook's boundary, the 3-digit piece not 000-002": (m) => {
    const b = boundary(m)
    const x = b && /^-*=_NextPart_([0-9A-F]{3})_/i.exec(b)
    return !!x && Number.parseInt(x[1], 16) > 2
  },
  "MIME: Outlook's boundary in lower-case hex": (m) => {
    const b = boundary(m)
    return !!b && OUTLOOK_BOUNDARY.test(b) && /[a-f]/.test(b.slice(b.indexOf("NextPart")))
  },
  "MIME: a nested boundary the same as the outer": (m) => {
    const b = rawBoundaries(m)
    return b.length >= 2 && new Set(b).size < b.length
  },
  "MIME: boundary of letters/digits only, 20+, no punctuation": (m) => /^[A-Za-z0-9]{20,}$/.test(boundary(m) ?? ""),
  "MIME: multipart/alternative with one kind twice (2 text/html)": (m) =>
    leaves(m.mime).filter((p) => p.contentType === "text/html").length >= 2 &&
    /multipart\/alternative/i.test(contentType(m)),
  // Links.
  "link: the To address in a URL": (m) => {
    const to = toAddress(m)
    return (
      !!to &&
      webUrls(m).some((u) =>
        decodeURIComponent(u.replace(/%(?![0-9a-f]{2})/gi, "%25"))
          .toLowerCase()
          .includes(to)
      )
    )
  },
  "link: an e-mail address in a web URL's query": (m) =>
    webUrls(m).some((u) => /[?&=/][^?#]*?[\w.+-]+(?:@|%40)[\w-]+\.[\w.-]+/i.test(u.slice(u.indexOf("?") >>> 0))),
  "link: a web URL's host without a dot": (m) =>
    webUrls(m).some((u) => {
      const h = hostOf(u) ?? ""
      return h.length > 0 && !h.includes(".") && !/^localhost$/i.test(h)
    }),
  "link: a query value of 10+ capitals only (ad_key=YUESBHWAKMLK)": (m) =>
    webUrls(m).some((u) => /[?&][^=&]+=[A-Z]{10,}(?:&|$)/.test(u)),
  "link: 3+ lines that are a URL alone, < 600 letters": (m) =>
    count(text(m), /^[ \t]*https?:\/\/\S+[ \t]*$/gm) >= 3 && count(text(m), /[A-Za-z]/g) < 600,
  "link: 4+ distinct link hosts in < 800 letters": (m) =>
    new Set(webUrls(m).map(hostOf)).size >= 4 && count(text(m), /[A-Za-z]/g) < 800,
  "link: image hosts all differ from link hosts": (m) => {
    const imgs = [...html(m).matchAll(/<img\b[^>]*?\bsrc\s*=\s*["']?(https?:[^"'\s>]+)/gi)].map((x) => hostOf(x[1]))
    const links = hrefs(m)
      .filter((u) => /^https?:/i.test(u))
      .map(hostOf)
    return imgs.length > 0 && links.length > 0 && !imgs.some((h) => links.includes(h))
  },
  // HTML.
  "HTML: a script or on* handler": (m) => /<script\b|\son(?:load|unload|mouseover|click)\s*=/i.test(html(m)),
  "HTML: window.open (a pop-up)": (m) => /window\.open\s*\(/i.test(html(m)),
  "HTML: <body onload>": (m) => /<body\b[^>]*\bonload\s*=/i.test(html(m)),
  "HTML: iframe, object or embed": (m) => /<(?:iframe|object|embed)\b/i.test(html(m)),
  "HTML: meta refresh": (m) => /<meta\b[^>]*http-equiv\s*=\s*["']?refresh/i.test(html(m)),
  "HTML: <base href>": (m) => /<base\b[^>]*href/i.test(html(m)),
  "HTML: AOL's font attributes (PTSIZE, BACK=)": (m) => /<font\b[^>]*\b(?:ptsize|back)\s*=/i.test(html(m)),
  "HTML: a closing tag right after <body> (</p>)": (m) => /<body\b[^>]*>\s*<\/(?:p|font|div|b)\s*>/i.test(html(m)),
  "HTML: 1x1 image": (m) =>
    /<img\b(?=[^>]*\bwidth\s*=\s*["']?1["'\s>])(?=[^>]*\bheight\s*=\s*["']?1["'\s>])/i.test(html(m)),
  "HTML: body bgcolor a saturated colour (not white/grey)": (m) => {
    const c = /<body\b[^>]*\bbgcolor\s*=\s*["']?#?([0-9a-f]{6})/i.exec(html(m))?.[1]
    if (!c) return false
    const [r, g, b] = [0, 2, 4].map((i) => Number.parseInt(c.slice(i, i + 2), 16))
    return Math.max(r, g, b) - Math.min(r, g, b) >= 128
  },
  "HTML: 40+ tags per 100 letters of text": (m) => {
    const h = html(m)
    const letters = count(text(m), /[A-Za-z]/g)
    return h.length > 0 && count(h, /<[a-zA-Z]/g) * 100 >= 40 * Math.max(letters, 1)
  },
  "HTML: 5+ distinct font faces": (m) =>
    new Set([...html(m).matchAll(/\bface\s*=\s*["']?([^"'>]+)/gi)].map((x) => x[1].toLowerCase().trim())).size >= 5,
  "MIME: a boundary in Outlook's =_NextPart_ prefix, not Outlook's form": (m) =>
    rawBoundaries(m).some((b) => /^-*=_NextPart_/i.test(b) && !OUTLOOK_BOUNDARY.test(b)),
  "MIME: Outlook's boundary forged (form broken or time 30h+ off)": (m) =>
    rawBoundaries(m).some((b) => /^-*=_NextPart_/i.test(b) && !OUTLOOK_BOUNDARY.test(b)) || boundaryOff(m, 250),
  "MIME: =_NextPart_ then one run of 10+ letters/digits, a letter past f (random)": (m) =>
    rawBoundaries(m).some((b) => /^-*=_NextPart_(?=[A-Za-z0-9]{10,}$)[A-Za-z0-9]*[g-zG-Z]/.test(b)),
  "MIME: =_NextPart_NNN_ then 9+ decimal digits, no dot": (m) =>
    rawBoundaries(m).some((b) => /^-*=_NextPart_\d{3}_\d{9,}$/.test(b)),
  "MIME: =_NextPart_ random or decimal (the two above)": (m) =>
    rawBoundaries(m).some(
      (b) => /^-*=_NextPart_(?=[A-Za-z0-9]{10,}$)[A-Za-z0-9]*[g-zG-Z]/.test(b) || /^-*=_NextPart_\d{3}_\d{9,}$/.test(b)
    ),
  // As built (round 31, MimeBoundaryForged.ts): random or decimal after the prefix, or Outlook's form 30h+ off.
  "MIME: Outlook's boundary prefix, random/decimal or its time 30h+ off (mime_boundary_forged)": (m) =>
    boundaryOff(m, 250) ||
    rawBoundaries(m).some(
      (b) => /^-*=_NextPart_(?=[A-Za-z0-9]{10,}$)[A-Za-z0-9]*[g-zG-Z]/.test(b) || /^-*=_NextPart_\d{3}_\d{9,}$/.test(b)
    ),
  "MIME: any boundary with _NextPart_ (incl. Exchange _=_)": (m) => rawBoundaries(m).some((b) => /NextPart/i.test(b)),
  "link: a text URL's host with capitals (plain text)": (m) =>
    (m.body.texts[0] ?? "").length > 0 &&
    [...text(m).matchAll(/https?:\/\/([^\s/:?#<>"]+)/gi)].some((x) => /[A-Z]/.test(x[1])),
  "link: a host ending in a doubled TLD (.com.com)": (m) => m.body.hosts.some((h) => /\.(com|net|org)\.\1$/i.test(h)),
  "text: a greeting to the To address's local part (Dear jsmith,)": (m) => {
    const local = toAddress(m)?.split("@")[0]
    if (!local || local.length < 4) return false
    const re = new RegExp(
      `^[ \\t]*(?:dear|hello|hi|hey|greetings)[ \\t]+${local.replace(/[^a-z0-9]/g, "\\$&")}[ \\t]*[,:!]`,
      "im"
    )
    return re.test(text(m).slice(0, 2000))
  },
  "text: 3+ lines of 5+ blanks only": (m) => count(text(m), /^[ \t]{5,}$/gm) >= 3,
  "text: 3+ lines of 5+ blanks only, plain part": (m) =>
    leaves(m.mime).some(
      (p) => p.contentType === "text/plain" && count(Buffer.from(p.body).toString("latin1"), /^[ \t]{5,}\r?$/gm) >= 3
    ),
  "text: a line of 10+ of + (a rule of pluses)": (m) => /^[ \t]*\+{10,}[ \t]*$/m.test(text(m)),
  "text: a line between <<< and >>>": (m) => /^[ \t]*<{2,}[^<>\n]{5,}>{2,}[ \t]*$/m.test(text(m)),
  "HTML: body bgcolor neither white, grey nor black (a channel 0x30+ off the others)": (m) => {
    const c = /<body\b[^>]*\bbgcolor\s*=\s*["']?#?([0-9a-f]{6})\b/i.exec(html(m))?.[1]
    if (!c) return false
    const [r, g, b] = [0, 2, 4].map((i) => Number.parseInt(c.slice(i, i + 2), 16))
    return Math.max(r, g, b) - Math.min(r, g, b) >= 0x30
  },
  "HTML: a part opening with a closing tag or a tag missing its < (HTML>)": (m) =>
    m.body.htmls.some((h) => /^\s*(?:<\/[a-z]|[a-z]{2,10}>)/i.test(h.slice(0, 200))),
  "HTML: a part opening with <style> or <body> (no <html>, no <head>)": (m) =>
    m.body.htmls.some((h) => /^\s*<(?:style|body)\b/i.test(h.slice(0, 200)) && !/<html\b/i.test(h.slice(0, 5000))),
  "HTML: a <blockquote> with a CSS declaration as an attribute": (m) => /<\w+\s+[A-Z-]+:\s*\d/.test(html(m)),
  // Encoding: what a MIME encoder writes.
  "QP: a part with a line over 76 characters": (m) =>
    partBodies(m, /quoted-printable/i).some((b) => b.split("\n").some((l) => l.replace(/\r$/, "").length > 76)),
  "QP: a part with a line over 200 characters": (m) =>
    partBodies(m, /quoted-printable/i).some((b) => b.split("\n").some((l) => l.replace(/\r$/, "").length > 200)),
  "QP: a part with no soft break and a line over 76": (m) =>
    partBodies(m, /quoted-printable/i).some((b) => !/=\r?\n/.test(b) && b.split("\n").some((l) => l.length > 77)),
  "CTE: a value not in lower case nor upper case canonical (7Bit, Quoted-Printable)": (m) =>
    leaves(m.mime).some((p) => {
      const v = p.headers.get("content-transfer-encoding")
      return (
        !!v && !/^\s*(?:7bit|8bit|binary|base64|quoted-printable|7BIT|8BIT|BINARY|BASE64|QUOTED-PRINTABLE)\s*$/.test(v)
      )
    }),
  "CTE: a value not one of the five": (m) =>
    leaves(m.mime).some((p) => {
      const v = p.headers.get("content-transfer-encoding")
      return !!v && !/^\s*(?:7bit|8bit|binary|base64|quoted-printable)\s*$/i.test(v)
    }),
  "CTE: 8-bit bytes in a part labelled 7bit": (m) => partBodies(m, /^\s*7bit\s*$/i).some((b) => /[\x80-\xff]/.test(b)),
  // The text's characters.
  "text: 3+ lines of blanks only (2+ blanks)": (m) => count(text(m), /^[ \t]{2,}$/gm) >= 3,
  "text: 5+ lines of tabs only": (m) => count(text(m), /^\t+[ \t]*$/gm) >= 5,
  "text: a line of 20+ of one of : * ~ # + (a rule)": (m) => /^[ \t]*([:*~#+])\1{19,}[ \t]*$/m.test(text(m)),
  "text: a headline framed by runs of = or * (===Text===)": (m) =>
    /^[ \t]*([=*~#])\1{4,}[ \t]*[A-Za-z][^\n]{3,80}?[ \t]*\1{5,}[ \t]*$/m.test(text(m)),
  "text: a line ending in 2+ ! after capitals (NOW!!)": (m) => /[A-Z]{3,}!{2,}[ \t]*$/m.test(text(m)),
  "text: 3+ '$' amounts with cents or thousands": (m) =>
    count(text(m), /\$\d{1,3}(?:,\d{3})+(?:\.\d\d)?|\$\d+\.\d\d/g) >= 3,
  "text: 5+ lines starting with a bullet mark (* - > o)": (m) => count(text(m), /^[ \t]*[*•o][ \t]+\S/gm) >= 5,
  "text: 3+ lines all capitals (10+) in the first 10 lines": (m) =>
    text(m)
      .split("\n")
      .slice(0, 14)
      .filter((l) => count(l, /[A-Z]/g) >= 10 && !/[a-z]/.test(l)).length >= 3,
  "text: non-breaking spaces (U+00A0) 20+": (m) => count(text(m), /\u00a0/g) >= 20,
  "text: 8-bit letters in a text labelled us-ascii or none": (m) =>
    leaves(m.mime).some((p) => p.contentType === "text/plain" && !p.charset && [...p.body].some((b) => b >= 0xc0)),
  "text: a random token of 15+ mixed letters+digits alone on a line": (m) =>
    /^[ \t]*(?=[A-Za-z0-9_]{15,}$)(?=\S*\d)(?=\S*[a-z])(?=\S*[A-Z])\S+[ \t]*$/m.test(text(m)),
  "text: a random token of 15+ letters+digits mid-line (hash buster)": (m) =>
    /\s(?=[A-Za-z0-9_]{15,40}\s)(?=\S*\d\S*[A-Za-z]\S*\d)(?=\S*[a-z])(?=\S*[A-Z])\S+/.test(text(m))
}

printMissTable({ Classifier, corpus, model, candidates, show, near: NEAR })
