#!/usr/bin/env node
// Marks of how an HTML document was made, for round 55 in docs/classifier.md, counted per corpus
// subset before any is built (the columns of bench/classifier-link33-candidates.mjs): its title
// (empty, an editor's default), Word's classes without their style sheet, a generator meta tag, a
// doctype and a charset declared in the page against the MIME part's, a layout of tables only,
// inline styles or none, comments padding the page, a web page's own head (keywords, base,
// refresh). Round 54's three leftovers are the first rows; round 46's and 50's and 54's candidates
// (bench/classifier-link31/32/33-candidates.mjs) are not repeated alone.
//
//   node bench/classifier-page34-candidates.mjs [--corpus DIR] [--dist PATH/index.js] [--model FILE]
//     [--show NAME]   (prints the files that carry candidate NAME, ham first)
//     [--pairs]       (instead: each candidate alone and in pairs; `--pairs features` with the
//                      tokenizer's features too; the pairs no ham carries that mark 3+ near misses)
//
// Needs `npx turbo run build --filter=@mailmoat/antispam`; exits 2 without a corpus.
import { candidateSetup, count, opt, printCandidates } from "./classifier-common.mjs"

const { corpus, Classifier, model } = await candidateSetup()
const show = opt("show", undefined)
/** Spam missed with none known at this probability or more: what a late weight of about 1 can lift. */
const NEAR = 0.6

/** The HTML parts, cut as the tokenizer's modules cut them. */
const htmls = (m) => m.body.htmls.map((h) => String(h).slice(0, 200_000))
const anyHtml = (m, f) => htmls(m).some(f)
/** As `SenderSites.htmlOnly` (the build does not export it): every body text from an HTML part. */
const htmlOnly = (m) => m.body.htmls.length > 0 && m.body.texts.length === m.body.htmls.length
const only = (f) => (m) => htmlOnly(m) && f(m)

const TITLE = /<title\b[^>]{0,200}>([\s\S]{0,300}?)<\/title\s*>/i
const titleOf = (h) => TITLE.exec(h)?.[1]
const emptyTitle = (h) => {
  const t = titleOf(h)
  return t !== undefined && t.replace(/&nbsp;|&#160;/gi, " ").trim() === ""
}
/** Titles editors give a new page (Dreamweaver, FrontPage, Photoshop/ImageReady, GoLive, Composer, Word's French/Spanish). */
const DEFAULT_TITLE =
  /^\s*(?:untitled(?:[ -]?(?:document|page|\d+))?|new page(?: \d+)?|document sans titre|sin t[ií]tulo|unbenanntes dokument|welcome to adobe golive \d*)\s*$/i
const defaultTitle = (h) => {
  const t = titleOf(h)
  return t !== undefined && DEFAULT_TITLE.test(t)
}
const wordClasses = (h) => /\bclass\s*=\s*["']?Mso/i.test(h)
const styleSheet = (h) => /<style\b/i.test(h)
const GENERATOR = /<meta\b[^>]{0,300}?name\s*=\s*["']?generator["']?[^>]{0,300}?content\s*=\s*["']?([^"'>]{1,120})/i
const GENERATOR_REV = /<meta\b[^>]{0,300}?content\s*=\s*["']?([^"'>]{1,120})["']?[^>]{0,300}?name\s*=\s*["']?generator/i
const generatorOf = (h) => GENERATOR.exec(h)?.[1] ?? GENERATOR_REV.exec(h)?.[1]
const gen = (re) => (m) => anyHtml(m, (h) => re.test(generatorOf(h) ?? ""))
const META_CHARSET = /<meta\b[^>]{0,400}?charset\s*=\s*["']?\s*([a-z0-9_.:-]{1,40})/i
/** The leaves of the MIME tree with a text/html type. */
const htmlLeaves = (m) => {
  const out = []
  const walk = (p, d) => {
    if (d > 20) return
    if (p.children.length === 0) {
      if (p.contentType === "text/html") out.push(p)
    } else for (const c of p.children) walk(c, d + 1)
  }
  walk(m.mime, 0)
  return out
}
const partCharset = (p) =>
  /charset\s*=\s*["']?([a-z0-9_.:-]{1,40})/i.exec(p.headers.get("content-type") ?? "")?.[1]?.toLowerCase()
const normCs = (c) =>
  c
    .toLowerCase()
    .replace(/^(?:iso)[-_]?8859[-_]?(\d+)$/, "iso-8859-$1")
    .replace(/^us-ascii$/, "ascii")
/** Pairs (MIME charset, page's meta charset) of each HTML leaf. */
const charsets = (m) =>
  htmlLeaves(m).map((p) => {
    const html = new TextDecoder("latin1").decode(p.body.slice(0, 200_000))
    return { mime: partCharset(p), page: META_CHARSET.exec(html)?.[1]?.toLowerCase() }
  })
/** The page with its tables cut out (each `<table` to its `</table>`, outermost, greedy). */
const outsideTables = (h) => {
  const body = h.replace(/^[\s\S]*?<body\b[^>]*>/i, "")
  let out = ""
  let depth = 0
  let i = 0
  const re = /<(\/?)table\b[^>]*>/gi
  for (let x = re.exec(body); x !== null; x = re.exec(body)) {
    if (depth === 0) out += body.slice(i, x.index)
    depth += x[1] === "/" ? -1 : 1
    if (depth < 0) depth = 0
    i = x.index + x[0].length
  }
  if (depth === 0) out += body.slice(i)
  return out
}
const shown = (h) =>
  h
    .replace(/<(script|style)\b[\s\S]{0,20000}?<\/\1\s*>/gi, " ")
    .replace(/<!--[\s\S]{0,20000}?-->/g, " ")
    .replace(/<[^>]*>/g, " ")
    .replace(/&[a-z#0-9]{1,8};/gi, " ")
const letters = (s) => count(s, /\p{L}/gu)
const comments = (h) => [...h.matchAll(/<!--([\s\S]{0,20000}?)-->/g)].map((x) => x[1])

const candidates = {
  // Round 54's three leftovers.
  "title: an empty `<title>`": (m) => anyHtml(m, emptyTitle),
  "title: an empty `<title>`, HTML only": only((m) => anyHtml(m, emptyTitle)),
  "title: an editor's default title": (m) => anyHtml(m, defaultTitle),
  "title: an editor's default title, HTML only": only((m) => anyHtml(m, defaultTitle)),
  "title: empty or default, HTML only": only((m) => anyHtml(m, (h) => emptyTitle(h) || defaultTitle(h))),
  "title: a `<head>` and no `<title>`, HTML only": only((m) =>
    anyHtml(m, (h) => /<head[\s>]/i.test(h) && !/<title\b/i.test(h))
  ),
  "title: a `<title>` outside the `<head>` (after `<body>`)": (m) =>
    anyHtml(m, (h) => {
      const b = h.search(/<body[\s>]/i)
      const t = h.search(/<title\b/i)
      return b >= 0 && t > b
    }),
  "word: Word's classes with no style sheet": (m) => anyHtml(m, (h) => wordClasses(h) && !styleSheet(h)),
  "word: the same, HTML only": only((m) => anyHtml(m, (h) => wordClasses(h) && !styleSheet(h))),
  "word: Word's classes with no `Mso` style defined in the page": (m) =>
    anyHtml(m, (h) => wordClasses(h) && !/\.Mso\w+\s*[,{]|p\.Mso|li\.Mso|div\.Mso/i.test(h)),
  "word: Word's `<o:p>` with no Office namespace": (m) =>
    anyHtml(m, (h) => /<o:p\b/i.test(h) && !/xmlns:o\s*=/i.test(h)),
  "word: Word's classes, no Word generator meta": (m) =>
    anyHtml(m, (h) => wordClasses(h) && !/microsoft word/i.test(generatorOf(h) ?? "")),
  // A generator meta tag: which program made the page.
  "gen: any generator meta": (m) => anyHtml(m, (h) => generatorOf(h) !== undefined),
  "gen: any generator meta, HTML only": only((m) => anyHtml(m, (h) => generatorOf(h) !== undefined)),
  "gen: MSHTML (Outlook Express, IE)": gen(/mshtml/i),
  "gen: Microsoft Word": gen(/microsoft word/i),
  "gen: FrontPage": gen(/frontpage/i),
  "gen: Dreamweaver / GoLive / NetObjects / Composer / HotMetaL / Publisher": gen(
    /dreamweaver|golive|netobjects|composer|hotmetal|publisher|homesite|namo|coffeecup|trellix|ultradev|claris|pagemill|arachnophilia/i
  ),
  "gen: a web-page editor (the row above or FrontPage), HTML only": only(
    gen(
      /frontpage|dreamweaver|golive|netobjects|composer|hotmetal|publisher|homesite|namo|coffeecup|trellix|ultradev|claris|pagemill|arachnophilia/i
    )
  ),
  "gen: FrontPage, HTML only": only(gen(/frontpage/i)),
  "gen: a web-page editor, BBEdit and CuteHTML (in ham) counted too, HTML only": only(
    gen(
      /frontpage|dreamweaver|golive|netobjects|composer|hotmetal|publisher|homesite|namo|coffeecup|trellix|ultradev|claris|pagemill|arachnophilia|visual page|bbedit|cutehtml/i
    )
  ),
  "gen: a web-page editor, BBEdit and CuteHTML counted too, any mail": gen(
    /frontpage|dreamweaver|golive|netobjects|composer|hotmetal|publisher|homesite|namo|coffeecup|trellix|ultradev|claris|pagemill|arachnophilia|visual page|bbedit|cutehtml/i
  ),
  "gen: a generator naming no mail program (not MSHTML, Outlook, Word, Evolution, Mozilla mail), HTML only": only((m) =>
    anyHtml(m, (h) => {
      const g = generatorOf(h)
      return g !== undefined && !/mshtml|outlook|microsoft word|evolution|mozilla|netscape|exchange|gtkhtml/i.test(g)
    })
  ),
  // Doctype and charset declarations.
  "doc: a doctype": (m) => anyHtml(m, (h) => /<!doctype\b/i.test(h)),
  "doc: a doctype, HTML only": only((m) => anyHtml(m, (h) => /<!doctype\b/i.test(h))),
  "doc: a doctype not first (after text or a tag)": (m) =>
    anyHtml(
      m,
      (h) => /\S[\s\S]*<!doctype\b/i.test(h.replace(/^\s*(?:<!--[\s\S]*?-->\s*)*/, "")) && !/^\s*<!doctype/i.test(h)
    ),
  "doc: a doctype with no `<html>`": (m) => anyHtml(m, (h) => /<!doctype\b/i.test(h) && !/<html[\s>]/i.test(h)),
  "doc: two doctypes": (m) => anyHtml(m, (h) => count(h, /<!doctype\b/gi) >= 2),
  "cs: the page's meta charset other than the MIME part's (any names)": (m) =>
    charsets(m).some((c) => c.mime && c.page && normCs(c.mime) !== normCs(c.page)),
  "cs: the same, HTML only": only((m) =>
    charsets(m).some((c) => c.mime && c.page && normCs(c.mime) !== normCs(c.page))
  ),
  "cs: a meta charset and none on the MIME part": (m) => charsets(m).some((c) => !c.mime && c.page),
  "cs: a meta charset and none on the MIME part, HTML only": only((m) => charsets(m).some((c) => !c.mime && c.page)),
  "cs: two different meta charsets in one page": (m) =>
    anyHtml(
      m,
      (h) =>
        new Set(
          [...h.matchAll(/<meta\b[^>]{0,400}?charset\s*=\s*["']?\s*([a-z0-9_.:-]{1,40})/gi)].map((x) => normCs(x[1]))
        ).size >= 2
    ),
  // Layout.
  "layout: tables only (under 10 letters outside tables), HTML only": only((m) =>
    htmls(m).every((h) => /<table\b/i.test(h) && letters(shown(outsideTables(h))) < 10 && letters(shown(h)) >= 100)
  ),
  "layout: nested tables 3+ deep, HTML only": only((m) =>
    anyHtml(m, (h) => {
      let d = 0
      let max = 0
      for (const x of h.matchAll(/<(\/?)table\b/gi)) {
        d += x[1] ? -1 : 1
        max = Math.max(max, d)
      }
      return max >= 3
    })
  ),
  "style: 10+ inline `style=` and no style sheet, HTML only": only((m) =>
    anyHtml(m, (h) => count(h, /\sstyle\s*=/gi) >= 10 && !styleSheet(h))
  ),
  "style: no style at all (no `style=`, no sheet, no `<font>`, no `class=`), HTML only": only((m) =>
    htmls(m).every((h) => !/\sstyle\s*=|<style\b|<font\b|\sclass\s*=/i.test(h))
  ),
  "style: `<font>` tags and no CSS at all, HTML only": only((m) =>
    htmls(m).every((h) => /<font\b/i.test(h) && !/\sstyle\s*=|<style\b|\sclass\s*=/i.test(h))
  ),
  "style: an external style sheet (`<link rel=stylesheet>`)": (m) =>
    anyHtml(m, (h) => /<link\b[^>]{0,400}stylesheet/i.test(h)),
  // Comments.
  "cmt: 10+ comments, HTML only": only((m) => anyHtml(m, (h) => comments(h).length >= 10)),
  "cmt: comments 20 %+ of the page, HTML only": only((m) =>
    anyHtml(m, (h) => h.length > 500 && comments(h).reduce((a, c) => a + c.length + 7, 0) * 5 > h.length)
  ),
  "cmt: 3+ empty comments (`<!-- -->`)": (m) =>
    anyHtml(m, (h) => comments(h).filter((c) => c.trim() === "").length >= 3),
  "cmt: an editor's comment (`#BeginTemplate`, `InstanceBegin`, `saved from url`)": (m) =>
    anyHtml(m, (h) => /<!--\s*(?:#Begin|InstanceBegin|#BeginEditable|saved from url|webbot|ImageReady)/i.test(h)),
  // A web page's own head.
  "head: meta keywords or description": (m) =>
    anyHtml(m, (h) => /<meta\b[^>]{0,300}name\s*=\s*["']?(?:keywords|description)/i.test(h)),
  "head: meta keywords or description, HTML only": only((m) =>
    anyHtml(m, (h) => /<meta\b[^>]{0,300}name\s*=\s*["']?(?:keywords|description)/i.test(h))
  ),
  "head: a `<base href>`": (m) => anyHtml(m, (h) => /<base\b[^>]{0,300}href/i.test(h)),
  "head: a meta refresh": (m) => anyHtml(m, (h) => /<meta\b[^>]{0,300}http-equiv\s*=\s*["']?refresh/i.test(h)),
  "head: a `<script>` in the head, HTML only": only((m) =>
    anyHtml(m, (h) => /<head[\s>][\s\S]*<script\b[\s\S]*<\/head>/i.test(h))
  ),
  "head: ImageReady's slices (`<!-- ImageReady Slices`) or Photoshop's": (m) =>
    anyHtml(m, (h) => /ImageReady|Adobe Photoshop/i.test(h)),
  "`html_body_fragment` as built (round 54)": (m) => Classifier.tokenize(m).features.includes("html_body_fragment"),
  "`html_untitled` as built": (m) => Classifier.tokenize(m).features.includes("html_untitled"),
  "`html_word_unstyled` as built": (m) => Classifier.tokenize(m).features.includes("html_word_unstyled"),
  "`html_editor_generator` as built": (m) => Classifier.tokenize(m).features.includes("html_editor_generator"),
  "any of the three as built": (m) =>
    Classifier.tokenize(m).features.some(
      (f) => f === "html_untitled" || f === "html_word_unstyled" || f === "html_editor_generator"
    )
}

printCandidates({ Classifier, corpus, model, candidates, traits: candidates, show, near: NEAR })
