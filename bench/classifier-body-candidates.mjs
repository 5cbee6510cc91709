#!/usr/bin/env node
// Word-free shapes of a message's body, HTML and links, counted per corpus subset before any is
// built: the counts behind round 28 in docs/classifier.md. Like bench/classifier-candidates.mjs
// (header and form shapes), a candidate is worth building as a late trait only when ham next to
// never shows it (0-1 of 4,150) and spam the model misses with none of the words known do; the
// last columns say how many spam carrying it the given model misses with all words known and with
// none (its feature tokens alone), and how many of those no feature the model weighs already marks.
//
//   node bench/classifier-body-candidates.mjs [--corpus DIR] [--dist PATH/index.js] [--model FILE]
//     [--show NAME]   (prints the files that carry candidate NAME, ham first)
//
// Needs `npx turbo run build --filter=@mailmoat/antispam`; exits 2 without a corpus.
import { candidateSetup, opt, printMissTable } from "./classifier-common.mjs"

const { corpus, Classifier, model } = await candidateSetup()
const show = opt("show", undefined)

const leaves = (p) => (p.children.length === 0 ? [p] : p.children.flatMap(leaves))
const html = (m) => m.body.htmls.join("\n").slice(0, 200_000)
const text = (m) => m.body.texts.join("\n").slice(0, 150_000)
const count = (s, re) => (s.match(re) ?? []).length
/** The raw (still encoded) bodies of the quoted-printable leaves, from the scan view. */
const qpBodies = (m) => {
  const raw = Buffer.from(m.scanView).toString("latin1")
  return leaves(m.mime)
    .filter((p) => /quoted-printable/i.test(p.transferEncoding ?? ""))
    .map((p) => {
      const part = raw.slice(p.start, p.end)
      return part.slice(part.search(/\r?\n\r?\n/) + 1)
    })
}
/** The first `n` lines of `t` that hold more than blanks, trimmed. */
const firstLines = (t, n) =>
  t
    .slice(0, 4000)
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean)
    .slice(0, n)
/** Whether `lines` are `n` lines, each with `min` capitals or more and no lower-case letter. */
const allCaps = (lines, n, min) =>
  lines.length === n && lines.every((l) => count(l, /\p{Lu}/gu) >= min && !/\p{Ll}/u.test(l))
const tagNames = (h) => [...h.matchAll(/<\s*([a-zA-Z][a-zA-Z0-9]{0,15})\b/g)].map((x) => x[1])
const hrefs = (m) => [...html(m).matchAll(/<a\s[^>]*?href\s*=\s*["']?([^"'\s>]+)/gi)].map((x) => x[1])
const hostOf = (url) => /^[a-z][a-z0-9+.-]*:\/\/(?:[^@/?#]*@)?([^/:?#]+)/i.exec(url)?.[1]
/** A string of letters and digits with no word in it: three runs or more, a digit, a letter. */
const randomish = (s) =>
  /^[A-Za-z0-9]{5,40}$/.test(s) && /\d/.test(s) && /[A-Za-z]/.test(s) && count(s, /[A-Za-z]+|\d+/g) >= 3
const comments = (h) => [...h.matchAll(/<!--([\s\S]{0,300}?)-->/g)].map((x) => x[1].trim())
const ASCII_ENTITY =
  /&#(?:0*(?:4[89]|5[0-7]|6[5-9]|[7-8]\d|9[07-9]|1[01]\d|12[0-2])|x0*(?:3[0-9]|4[1-9a-f]|5[0-9a]|6[1-9a-f]|7[0-9a]));/gi
const ESCAPED_UNRESERVED = /%(?:3[0-9]|4[1-9a-f]|5[0-9a]|6[1-9a-f]|7[0-9a])/gi

const candidates = {
  // HTML structure a mail program never writes.
  "HTML: more <table> than </table>": (m) => count(html(m), /<table\b/gi) > count(html(m), /<\/table\s*>/gi),
  "HTML: <td> or <tr> without <table>": (m) => /<t[dr]\b/i.test(html(m)) && !/<table\b/i.test(html(m)),
  "HTML: no <body> tag": (m) => m.body.htmls.length > 0 && !/<body\b/i.test(html(m)),
  "HTML: neither <html> nor <body>": (m) => m.body.htmls.length > 0 && !/<(?:body|html)\b/i.test(html(m)),
  "HTML: two <html> in one part": (m) => m.body.htmls.some((h) => count(h.slice(0, 200_000), /<html\b/gi) >= 2),
  "HTML: text before <html>": (m) =>
    m.body.htmls.some((h) => {
      const i = h.search(/<html\b/i)
      return i > 0 && /[A-Za-z0-9]/.test(h.slice(0, i).replace(/<!--[\s\S]*?-->|<![^>]*>|<\?[^>]*>/g, ""))
    }),
  "HTML: a comment of random letters and digits": (m) => comments(html(m)).some(randomish),
  "HTML: a comment of one word-less string, 6-40 letters": (m) =>
    comments(html(m)).some((c) => /^[A-Za-z]{6,40}$/.test(c) && !/[aeiou]{1,2}[^aeiou]{1,3}[aeiou]/i.test(c)),
  "HTML: tag name in mixed case (<tAbLe>)": (m) =>
    tagNames(html(m)).some((n) => /[a-z]/.test(n) && /[A-Z]/.test(n.slice(1))),
  "HTML: 3+ distinct <font size=>": (m) =>
    new Set([...html(m).matchAll(/<font\b[^>]*\bsize\s*=\s*["']?([+-]?\d)/gi)].map((x) => x[1])).size >= 3,
  "HTML: 5+ distinct font colours": (m) =>
    new Set([...html(m).matchAll(/\bcolor\s*[=:]\s*["']?(#?[0-9a-z]{3,8})/gi)].map((x) => x[1].toLowerCase())).size >=
    5,
  "HTML: <center>": (m) => /<center\b/i.test(html(m)),
  "HTML: <map> or <area>": (m) => /<(?:map|area)\b/i.test(html(m)),
  "HTML: 10+ <br> in a row": (m) => /(?:<br\s*\/?>\s*){10,}/i.test(html(m)),
  "HTML: 20+ &nbsp; in a row": (m) => /(?:&nbsp;\s*){20,}/i.test(html(m)),
  "HTML: an ASCII letter or digit as a numeric entity": (m) => count(html(m), ASCII_ENTITY) >= 1,
  "HTML: 5+ ASCII letters as numeric entities": (m) => count(html(m), ASCII_ENTITY) >= 5,
  "HTML: a tag between two letters of a word (V<b></b>iagra)": (m) =>
    /[a-z](?:<(?:\/?(?:b|i|u|font|span|strong|em)\b[^>]{0,60})>)+[a-z]/.test(html(m)),
  "HTML only, base64, no text part": (m) => {
    const parts = leaves(m.mime)
    return (
      !parts.some((p) => p.contentType === "text/plain") &&
      parts.some((p) => p.contentType === "text/html" && /base64/i.test(p.transferEncoding ?? ""))
    )
  },
  "HTML part in base64 (any)": (m) =>
    leaves(m.mime).some((p) => p.contentType === "text/html" && /base64/i.test(p.transferEncoding ?? "")),
  "alternative: text part empty, HTML not": (m) => {
    const parts = leaves(m.mime)
    const plain = parts.find((p) => p.contentType === "text/plain")
    return (
      !!plain &&
      parts.some((p) => p.contentType === "text/html" && p.body.length > 200) &&
      Buffer.from(plain.body).toString("latin1").trim().length === 0
    )
  },
  "HTML: a web page saved by a browser (saved from url)": (m) => /<!--\s*saved from url=/i.test(html(m)),
  "HTML: <title> names a file (x.gif, x.htm)": (m) =>
    /<title>\s*[\w.-]+\.(?:gif|jpe?g|png|html?|psd)\s*<\/title>/i.test(html(m)),
  "HTML: <title> an editor's default (Untitled Document, New Page 1)": (m) =>
    /<title>\s*(?:untitled(?: document)?|new page \d*|document sans titre)\s*<\/title>/i.test(html(m)),
  "HTML: an <img src> relative (no scheme, not cid:)": (m) =>
    [...html(m).matchAll(/<img\b[^>]*?\bsrc\s*=\s*["']?([^"'\s>]+)/gi)].some(
      (x) => !/^(?:[a-z][a-z0-9+.-]*:|\/\/)/i.test(x[1])
    ),
  "HTML: a link href relative (no scheme, not #)": (m) =>
    hrefs(m).some((u) => !/^(?:[a-z][a-z0-9+.-]*:|\/\/|#)/i.test(u) && !/^\s*$/.test(u)),
  "raw: quoted-printable escapes of letters or a mid-line dot": (m) => {
    const raw = Buffer.from(m.scanView).toString("latin1")
    return (
      /content-transfer-encoding:\s*quoted-printable/i.test(raw) &&
      count(raw, /[^\n]=(?:2E|4[1-9A-F]|5[0-9A]|6[1-9A-F]|7[0-9A])/g) >= 3
    )
  },
  "raw: a quoted-printable part escaping 3+ characters that need none, mid-line": (m) =>
    qpBodies(m).some((b) => count(b, /[^\n]=(?:2[5-9A-F]|3[0-9ABCEF]|4[1-9A-F]|5[0-9AF]|6[1-9A-F]|7[0-9A])/g) >= 3),
  // As built (round 28, QpNeedlessEscape.ts): , . / : ; < > ? _ escaped in capital hex inside a line.
  "raw: a quoted-printable part escaping 3+ of , . / : ; < > ? _ mid-line (mime_qp_needless_escape)": (m) =>
    qpBodies(m).some((b) => count(b, /[^\n]=(?:2[CEF]|3[ABCEF]|5F)/g) >= 3),
  "text: opens with a MIME part (boundary, then Content-Type, in its first lines)": (m) =>
    m.body.texts.some((t) =>
      /^(?:[^\n]*\n){0,6}?--[^\s]{6,}[ \t]*\n[ \t]*content-(?:type|transfer-encoding)\s*:/i.test(t.slice(0, 2000))
    ),
  "HTML: two <body> tags": (m) => m.body.htmls.some((h) => count(h.slice(0, 200_000), /<body\b/gi) >= 2),
  "HTML: an <img> of width or height 0": (m) => /<img\b[^>]*\b(?:width|height)\s*=\s*["']?0["'\s>/]/i.test(html(m)),
  "MIME: two Content-Type headers": (m) => m.headers.getAll("content-type").length >= 2,
  "MIME: a multipart Content-Type that parsed as no parts": (m) =>
    /^\s*multipart\//i.test(m.headers.getAll("content-type").join(" ")) && m.mime.children.length === 0,
  "text: 2+ blanks before ! (`NOW !`)": (m) => count(text(m), /[A-Za-z0-9] +!/g) >= 2,
  "text: 3+ blanks before ! or ?": (m) => count(text(m), /[A-Za-z0-9] +[!?]/g) >= 3,
  "text: the To address in the text": (m) => {
    const to = /[\w.+-]+@[\w.-]+\.[a-z]{2,}/i.exec(m.headers.get("to") ?? "")?.[0]?.toLowerCase()
    return !!to && text(m).toLowerCase().includes(to)
  },
  // Links.
  "link: letters or digits percent-escaped in the URL": (m) =>
    m.body.urls.some((u) => count(u, ESCAPED_UNRESERVED) >= 3),
  "link: host with upper-case letters": (m) => hrefs(m).some((u) => /[A-Z]/.test(hostOf(u) ?? "")),
  "link: host label random letters+digits": (m) =>
    hrefs(m).some((u) => (hostOf(u) ?? "").split(".").some((l) => randomish(l) && l.length >= 6)),
  "link: mailto only, no web link": (m) =>
    hrefs(m).some((u) => /^mailto:/i.test(u)) && !hrefs(m).some((u) => /^https?:/i.test(u)),
  "link: href without scheme's slashes (http:host)": (m) => hrefs(m).some((u) => /^https?:(?!\/\/)/i.test(u)),
  "link: backslash in URL": (m) => hrefs(m).some((u) => u.includes("\\")),
  "link: 3+ links to one page, < 200 letters": (m) => {
    const h = hrefs(m).filter((u) => /^https?:/i.test(u))
    return h.length >= 3 && new Set(h).size === 1 && count(text(m), /[A-Za-z]/g) < 200
  },
  "link: visible text a URL, href another URL of the same host": (m) =>
    [...html(m).matchAll(/<a\s[^>]*?href\s*=\s*["']?([^"'\s>]+)[^>]*>\s*(https?:\/\/[^<\s]+)\s*<\/a/gi)].some(
      (x) => hostOf(x[1]) === hostOf(x[2]) && x[1].replace(/\/$/, "") !== x[2].replace(/\/$/, "")
    ),
  "link: a query that is itself a URL (?http://)": (m) => m.body.urls.some((u) => /\?(?:https?:|https?%3a)/i.test(u)),
  // The text a reader sees in a plain-text part.
  "text: MIME part headers in the text (a broken multipart)": (m) =>
    /^--\S{6,}[ \t]*\n(?:content-type|content-transfer-encoding)\s*:/im.test(text(m)),
  "text: quoted-printable escapes left in the text": (m) =>
    count(text(m), /=(?:20|3D|21|22|09|2C|2E)(?![0-9A-F])/g) >= 3 && /=\n/.test(text(m)),
  "text: an unfilled merge field (~name~, %%NAME%%, {{name}}, [FNAME])": (m) =>
    /~[A-Za-z_]{2,20}~|%%?[A-Z_]{2,20}%%?|\{\{[A-Za-z_ ]{2,20}\}\}|\[(?:FNAME|LNAME|NAME|EMAIL|FIRST_?NAME|FIRSTNAME)\]/.test(
      text(m)
    ),
  "text: a bulk tool's macro left in (%RAND%, %EM%), not a %XX% escape": (m) =>
    /%(?![0-9A-F]{2}%)[A-Z][A-Z_]{1,19}%/.test(text(m)),
  "text: a greeting to an e-mail address (Dear a@b.c,)": (m) =>
    /^[ \t]*(?:dear|hello|hi|hey|greetings)\s+[^\s@,]+@[^\s,]+\s*[,:!]?\s*$/im.test(text(m).slice(0, 3000)),
  "text: an <a href> in a plain text, no HTML part": (m) => m.body.htmls.length === 0 && /<a\s+href\s*=/i.test(text(m)),
  "text: a plain-text line of 1000+ characters": (m) =>
    leaves(m.mime).some(
      (p) =>
        p.contentType === "text/plain" &&
        Buffer.from(p.body)
          .toString("latin1")
          .split("\n")
          .some((l) => l.length >= 1000)
    ),
  "text: first line all capitals (10+ letters)": (m) => allCaps(firstLines(text(m), 1), 1, 10),
  "text: first two lines all capitals, plain part only": (m) =>
    leaves(m.mime).some(
      (p) => p.contentType === "text/plain" && allCaps(firstLines(Buffer.from(p.body).toString("latin1"), 2), 2, 6)
    ),
  "text: first three lines all capitals": (m) => allCaps(firstLines(text(m), 3), 3, 4),
  // As built in round 28 (measured, not kept): each decoded text apart, not the texts joined.
  "text: a text's first two lines all capitals (text_caps_opening)": (m) =>
    m.body.texts.some((t) => allCaps(firstLines(t, 2), 2, 6)),
  "text: first two lines all capitals": (m) => allCaps(firstLines(text(m), 2), 2, 6),
  // Text statistics with structure.
  "text: 3+ lines all capitals of 20+ letters": (m) =>
    text(m)
      .split("\n")
      .filter((l) => count(l, /[A-Z]/g) >= 20 && !/[a-z]/.test(l)).length >= 3,
  "text: 3+ percentages": (m) => count(text(m), /\d\s?%/g) >= 3,
  "text: 10+ blank lines in a row": (m) => /(?:\n[ \t]*){11,}/.test(text(m)),
  "text: starts with 5+ blank lines": (m) => m.body.texts.some((t) => /^(?:[ \t]*\n){5,}/.test(t)),
  "text: $$$ or a run of 3+ currency signs": (m) => /\${3,}/.test(text(m)),
  "text: a line of ! or * only, 10+": (m) => /^[ \t]*[!*]{10,}[ \t]*$/m.test(text(m)),
  "text: a line centred by 20+ blanks": (m) => /^[ \t]{20,}\S/m.test(text(m)),
  "text: < 40 letters, a web link": (m) =>
    count(text(m), /[A-Za-z]/g) < 40 && m.body.urls.some((u) => /^https?:/i.test(u))
}

printMissTable(Classifier, corpus, model, candidates, show)
