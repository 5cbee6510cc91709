#!/usr/bin/env node
// Word-free evidence of non-English bulk mail for round 57 in docs/classifier.md, counted per
// corpus subset (the columns of bench/classifier-body28-candidates.mjs) and on the language
// fixtures before any is built: how the text's charset is declared (in MIME, in a page's meta, by
// the bytes alone), 8-bit bytes in headers without encoded words, encoded words of another charset
// than the body's, base64 bodies of a single-byte charset, the label some countries' rules ask of
// unsolicited advertising at the subject's head, HTML-only layout, and the headers against the
// script the body declares (the From's name and domain, the Received hops' names, the Date's zone).
// The last columns: the spam carrying each that the language tagger (Language.ts) names other than
// `en` and `und`, and the language fixtures' ham and spam carrying it.
//
//   node bench/classifier-script34-candidates.mjs [--corpus DIR] [--dist PATH/index.js] [--model FILE]
//     [--show NAME]   (prints the files that carry candidate NAME, ham first)
//
// Needs `npx turbo run build --filter=@mailmoat/antispam`; exits 2 without a corpus.
import { readdirSync, readFileSync } from "node:fs"
import { join } from "node:path"
import { candidateSetup, corpusMessages, holds, opt, printMissTable, root } from "./classifier-common.mjs"

const { corpus, Classifier, model } = await candidateSetup()
const show = opt("show", undefined)
/** Spam missed with none known at this probability or more: what a late weight of about 1 can lift. */
const NEAR = 0.6

/** Charset names by the script they write (CharsetConflict.ts's table, in short). */
const SCRIPTS = {
  latin: /^(?:us-ascii|ascii|iso[-_]?8859-(?:1|2|3|4|9|10|13|14|15|16)|latin-?[1-9]|windows-125[02478]|cp125[02478])$/,
  cjk: /^(?:gb2312|gbk|x-gbk|gb18030|big5|chinesebig5|euc-kr|ks_c_5601-1987|cp949|iso-2022-kr|iso-2022-jp|shift[_-]jis|euc-jp)$/,
  cyrillic: /^(?:koi8-[ru]|windows-1251|cp1251|iso[-_]?8859-5)$/
}
const scriptOf = (cs) => {
  const name = String(cs ?? "")
    .trim()
    .toLowerCase()
  for (const [k, re] of Object.entries(SCRIPTS)) if (re.test(name)) return k
  return undefined
}
const SINGLE_BYTE = /^(?:iso[-_]?8859-\d+|windows-125\d|cp125\d|koi8-[ru])$/i
/** Countries' domains by the script their mail is written in. */
const SCRIPT_TLDS = { cjk: /\.(?:kr|cn|jp|tw|hk)$/i, cyrillic: /\.(?:ru|ua|by|su|kz)$/i }
/** The Date zones of the countries writing CJK charsets (China and Taiwan, Korea and Japan). */
const CJK_ZONES = /[+]0[89]00\b/

const latin1 = new TextDecoder("latin1")
const META = /<meta\b[^>]{0,300}?charset\s*=\s*["']?([\w.:-]{1,40})/i
const leaves = (p, out = []) => {
  const ch = Array.isArray(p?.children) ? p.children : []
  if (ch.length === 0) out.push(p)
  else for (const c of ch) leaves(c, out)
  return out
}
/** The body's text parts (a file attached as text left out). */
const texts = (m) =>
  leaves(m.mime).filter(
    (p) =>
      String(p.contentType ?? "").startsWith("text/") &&
      !(p.filename || /attachment/i.test(String(p.disposition ?? "")))
  )
const eightBit = (b) => b instanceof Uint8Array && b.subarray(0, 65536).some((x) => x >= 0x80)
const metaOf = (p) =>
  String(p.contentType).includes("html")
    ? META.exec(latin1.decode(p.body.subarray(0, 4096)))?.[1]?.toLowerCase()
    : undefined
const bodyScripts = (m) => new Set(texts(m).map((p) => scriptOf(p.charset)))
const nonLatin = (m) => [...bodyScripts(m)].some((s) => s === "cjk" || s === "cyrillic")
const cjk = (m) => bodyScripts(m).has("cjk")
const raw8 = (v) => /[\u0080-\uffff]/.test(v ?? "")
const wordCharsets = (v) =>
  [...(v ?? "").matchAll(/=\?([^?*\s]{1,40})(?:\*[^?]*)?\?[bq]\?/gi)].map((x) => x[1].toLowerCase())
const base64Part = (p) => String(p.transferEncoding ?? "").toLowerCase() === "base64"
const fromDomain = (m) => /@([a-z0-9.-]+)/i.exec(m.headers.get("from") ?? "")?.[1]?.toLowerCase() ?? ""
const namedMailbox = (m) => /^\s*"?([^"<>]{1,200}?)"?\s*<([^<>\s]{1,200})>\s*$/.exec(m.headers.get("from") ?? "")
const nameIsAddress = (m) => {
  const x = namedMailbox(m)
  if (x === null) return false
  return x[1].includes("@") && x[1].trim().toLowerCase() === x[2].toLowerCase()
}
/** The subject as a reader sees it: encoded words decoded, raw bytes read in the body's first charset. */
const shownSubject = (m) => {
  const rawSubject = m.headers.get("subject") ?? ""
  const cs = texts(m).find((p) => p.charset)?.charset
  if (!raw8(rawSubject) || !cs || /[^\u0000-\u00ff]/.test(rawSubject)) return m.headers.decoded("subject") ?? ""
  try {
    return new TextDecoder(cs).decode(Uint8Array.from(rawSubject, (c) => c.charCodeAt(0)))
  } catch {
    return rawSubject
  }
}
const scriptDomains = (m) => [...bodyScripts(m)].map((s) => SCRIPT_TLDS[s]).filter(Boolean)

const candidates = {
  // 8-bit bytes in headers without encoded words.
  "hdr: Subject of raw 8-bit bytes (any body)": (m) => raw8(m.headers.get("subject")),
  "hdr: From of raw 8-bit bytes (any body)": (m) => raw8(m.headers.get("from")),
  "hdr: Subject of raw 8-bit bytes, a Latin body": (m) => raw8(m.headers.get("subject")) && bodyScripts(m).has("latin"),
  "hdr: Subject or From of raw 8-bit bytes, a CJK or Cyrillic body": (m) =>
    (raw8(m.headers.get("subject")) || raw8(m.headers.get("from"))) && nonLatin(m),
  // Charsets: declared in MIME, in a page's meta, or by the bytes alone.
  "cs: a text part of 8-bit bytes, no charset in MIME nor in a meta": (m) =>
    texts(m).some((p) => !p.charset && eightBit(p.body) && metaOf(p) === undefined),
  "cs: the same, no Content-Type header at all": (m) =>
    m.headers.get("content-type") === undefined && texts(m).some((p) => eightBit(p.body)),
  "cs: an HTML part's charset in its meta only": (m) => texts(m).some((p) => !p.charset && metaOf(p) !== undefined),
  "cs: a meta charset other than the MIME label (any name)": (m) =>
    texts(m).some((p) => p.charset && metaOf(p) !== undefined && metaOf(p) !== p.charset),
  "cs: a meta charset of another script than the label": (m) =>
    texts(m).some((p) => p.charset && metaOf(p) !== undefined && scriptOf(metaOf(p)) !== scriptOf(p.charset)),
  "cs: 8-bit CJK text not in base64 (8bit, 7bit, QP)": (m) =>
    texts(m).some((p) => !base64Part(p) && scriptOf(p.charset) === "cjk" && eightBit(p.body)),
  // Encoded words against the body.
  "ew: From's encoded word in a charset other than the body's": (m) => {
    const body = new Set(
      texts(m)
        .map((p) => p.charset)
        .filter(Boolean)
    )
    return body.size > 0 && wordCharsets(m.headers.get("from")).some((c) => !body.has(c))
  },
  "ew: From's encoded word of another script than the body's (UTF-8 aside)": (m) =>
    bodyScripts(m).size > 0 &&
    wordCharsets(m.headers.get("from")).some((c) => !/utf/.test(c) && !bodyScripts(m).has(scriptOf(c))),
  "ew: Subject's encoded word of another script than the body's (UTF-8 aside)": (m) =>
    bodyScripts(m).size > 0 &&
    wordCharsets(m.headers.get("subject")).some((c) => !/utf/.test(c) && !bodyScripts(m).has(scriptOf(c))),
  // Base64 bodies of a single-byte charset.
  "b64: a base64 text part of a single-byte charset": (m) =>
    texts(m).some((p) => base64Part(p) && SINGLE_BYTE.test(p.charset ?? "")),
  "b64: the same, 8-bit bytes in it": (m) =>
    texts(m).some((p) => base64Part(p) && SINGLE_BYTE.test(p.charset ?? "") && eightBit(p.body)),
  "b64: a base64 text part of a Latin charset": (m) =>
    texts(m).some((p) => base64Part(p) && scriptOf(p.charset) === "latin"),
  // The label a rule asks of unsolicited advertising.
  "label: (광고) [광고] 未承諾広告 (广告) at the subject's head": (m) =>
    /^\s*(?:[([（【〔]\s*(?:광[\s\-_.·*~]{0,6}고|[广廣]\s?告)\s*[)\]）】〕]|未承諾広告)/u.test(shownSubject(m)),
  "label: ADV: at the subject's head (English)": (m) => /^\s*ADV\s*:/i.test(shownSubject(m)),
  // Layout and the script as such (reference rows).
  "ref: the body declares a CJK charset": cjk,
  "ref: the body declares a Cyrillic charset": (m) => bodyScripts(m).has("cyrillic"),
  "ref: HTML only, a CJK or Cyrillic body": (m) =>
    m.body.htmls.length > 0 && m.body.texts.length === m.body.htmls.length && nonLatin(m),
  // The headers against the script the body declares.
  "from: the address alone, no name, a CJK or Cyrillic body": (m) =>
    nonLatin(m) && namedMailbox(m) === null && !/"/.test(m.headers.get("from") ?? ""),
  "from: the name is the address (any body)": nameIsAddress,
  "from: the name is the address, a CJK or Cyrillic body": (m) => nameIsAddress(m) && nonLatin(m),
  "from: a domain of no country writing the body's script": (m) =>
    scriptDomains(m).length > 0 && !scriptDomains(m).some((re) => re.test(fromDomain(m))),
  "rcvd: no Received name (from, reverse, by) of a country writing the body's script": (m) =>
    scriptDomains(m).length > 0 &&
    !m.received.some((h) =>
      scriptDomains(m).some((re) => re.test(h.helo ?? "") || re.test(h.rdns ?? "") || re.test(h.by ?? ""))
    ),
  "date: a CJK body, a Date zone of neither +0800 nor +0900": (m) =>
    cjk(m) && !CJK_ZONES.test(m.headers.get("date") ?? "")
}

printMissTable({ Classifier, corpus, model, candidates, show, near: NEAR })

// The language tagger's view of the spam carrying each, and the language fixtures.
const tagged = Object.fromEntries(Object.keys(candidates).map((k) => [k, 0]))
for (const { label, message } of corpusMessages(Classifier, corpus)) {
  if (label !== "spam") continue
  const tag = Classifier.languageOf(Classifier.tokenize(message).tokens)
  if (tag === "en" || tag === Classifier.UNDETERMINED) continue
  for (const [k, test] of Object.entries(candidates)) if (holds(test, message)) tagged[k]++
}
const FIXTURES = join(root, "packages/antispam/test/classifier/fixtures/languages")
const fixtures = Object.fromEntries(Object.keys(candidates).map((k) => [k, { ham: 0, spam: 0 }]))
for (const label of ["ham", "spam"])
  for (const f of readdirSync(join(FIXTURES, label)).filter((x) => x.endsWith(".eml"))) {
    const message = Classifier.parseMessage(readFileSync(join(FIXTURES, label, f)))
    for (const [k, test] of Object.entries(candidates)) if (holds(test, message)) fixtures[k][label]++
  }
console.log("\n| candidate | non-English spam (tagged) | fixture ham | fixture spam |\n|---|---:|---:|---:|")
for (const k of Object.keys(candidates))
  console.log(`| ${k} | ${tagged[k]} | ${fixtures[k].ham} | ${fixtures[k].spam} |`)
