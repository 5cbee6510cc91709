#!/usr/bin/env node
// Where a message entered the Internet, and shapes of a message that do not depend on its words,
// counted per corpus subset (easy_ham, easy_ham_2, hard_ham, spam, spam_2 over train/ and eval/,
// and eval/'s ham and spam apart): the count behind round 13 in docs/classifier.md, to see whether
// one could be a feature (ham next to never, many spam, in both eras) before building it.
//
// The origin and whether a host name looks like a customer's line of an access provider are the
// classifier's own (`originHop`, `looksDynamic` of OriginHop.ts: the oldest Received hop with a
// public IP; the address's octets in the name, or a word of the generic naming of such lines, and
// no word of a mail server's name), so the feature's row counts exactly what the feature marks.
//
// Then, per declared charset of a text part and what its decoded bytes hold (ASCII only, 8-bit
// bytes, ISO-2022 escapes), the messages of each class: the table behind the charset candidates.
//
//   node bench/classifier-origin-shapes.mjs [--corpus DIR] [--dist PATH/index.js] [--examples N]
//
// Needs `npx turbo run build --filter=@mailmoat/antispam`; exits 2 without a corpus.
import { readFileSync } from "node:fs"
import { createRequire } from "node:module"
import { basename, join } from "node:path"
import { corpusOrExit, loadClassifier, opt, root } from "./classifier-common.mjs"

const corpus = corpusOrExit()
const Classifier = await loadClassifier()
const { getDomain } = createRequire(join(root, "packages/antispam/package.json"))("tldts")
const exampleCount = Number(opt("examples", 6))

const IPV4 = /^\[?(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\]?$/
const octets = (ip) =>
  IPV4.exec(ip ?? "")
    ?.slice(1, 5)
    .map(Number)
const reg = (name) => (name ? getDomain(name.toLowerCase().replace(/\.$/, ""), { allowPrivateDomains: true }) : null)
// Core records no name where the receiver wrote `unknown` (it looked and found none).
const noRdns = (rdns) => rdns === undefined

const CYRILLIC_CJK =
  /^(koi8-?[ru]|windows-1251|cp1251|iso-8859-5|x-mac-cyrillic|gb2312|gbk|gb18030|big5|euc-(kr|jp|cn|tw)|ks_c_5601.*|shift_jis|x-sjis|iso-2022-(jp|kr|cn).*)$/
const partsOf = (p) => (p.children.length === 0 ? [p] : p.children.flatMap(partsOf))
const has8bit = (b) => b.some((x) => x >= 0x80)
const charsetMismatch = (m) => {
  for (const p of partsOf(m.mime)) {
    if (!p.contentType.startsWith("text/")) continue
    const cs = (p.charset ?? "us-ascii").toLowerCase()
    if ((cs === "us-ascii" || cs === "ascii") && has8bit(p.body)) return "8-bit bytes in us-ascii"
    if (CYRILLIC_CJK.test(cs)) {
      const latin = cs.startsWith("iso-2022") ? !p.body.includes(0x1b) : !has8bit(p.body)
      if (latin && p.body.length > 0) return `${cs} with ASCII only`
    }
  }
  return undefined
}
const wordCount = (texts) => texts.reduce((n, t) => n + (t.match(/\S*[A-Za-z]\S*/g) ?? []).length, 0)
const isReply = (m) =>
  m.headers.get("in-reply-to") !== undefined ||
  m.headers.get("references") !== undefined ||
  m.body.texts.some((t) => /^[ \t]*>/m.test(t))

const looksDynamic = (name, o) => Classifier.looksDynamic(name, o.origin.ip)
const dynamic = (o) => o.hop && (looksDynamic(o.hop.rdns, o) || looksDynamic(o.hop.helo, o))
// As the tokenizer's html_only: an HTML part and no text/plain part that is not an attachment.
const htmlOnly = (m) => {
  const parts = partsOf(m.mime)
  return (
    parts.some((p) => p.contentType === "text/html") &&
    !parts.some((p) => p.contentType === "text/plain" && !/attachment/i.test(p.disposition ?? ""))
  )
}
const candidates = {
  "origin: no reverse DNS recorded": (o) => o.hop && noRdns(o.hop.rdns),
  "origin: reverse DNS looks dynamic": (o) => o.hop && looksDynamic(o.hop.rdns, o),
  "origin: HELO looks dynamic": (o) => o.hop && looksDynamic(o.hop.helo, o),
  "origin: HELO single label": (o) => o.hop?.helo !== undefined && !o.hop.helo.includes(".") && !IPV4.test(o.hop.helo),
  "origin: HELO an IP literal not the connecting IP": (o) =>
    o.hop?.helo !== undefined && IPV4.test(o.hop.helo) && octets(o.hop.helo).join(".") !== o.hop.ip,
  "origin: HELO not a FQDN (either of the two above)": (o) =>
    o.hop?.helo !== undefined &&
    ((!o.hop.helo.includes(".") && !IPV4.test(o.hop.helo)) ||
      (IPV4.test(o.hop.helo) && octets(o.hop.helo).join(".") !== o.hop.ip)),
  "origin: HELO's registrable domain not the reverse DNS's": (o) => {
    const h = o.hop
    if (!h || noRdns(h.rdns) || !h.helo || IPV4.test(h.helo)) return false
    const a = reg(h.helo)
    const b = reg(h.rdns)
    return a !== null && b !== null && a !== b
  },
  "origin: reverse DNS or HELO looks dynamic": dynamic,
  "origin looks dynamic, not a reply": (o) => dynamic(o) && !isReply(o.m),
  "origin looks dynamic, not a reply, with a link": (o) => dynamic(o) && !isReply(o.m) && o.m.body.urls.length > 0,
  "HTML only (no text/plain part)": (o) => htmlOnly(o.m),
  "origin: no reverse DNS, HTML only, not a reply": (o) =>
    o.hop && noRdns(o.hop.rdns) && htmlOnly(o.m) && !isReply(o.m),
  "origin looks dynamic, HTML only (the feature dynamic_origin_html_only)": (o) => dynamic(o) && htmlOnly(o.m),
  "short body (< 40 words) with a link, not a reply": (o) => o.words < 40 && o.m.body.urls.length > 0 && !isReply(o.m),
  "short body (< 80 words) with a link, not a reply": (o) => o.words < 80 && o.m.body.urls.length > 0 && !isReply(o.m),
  "charset declared that does not fit the bytes": (o) => o.charset !== undefined,
  "  8-bit bytes in a us-ascii part": (o) => o.charset === "8-bit bytes in us-ascii",
  "  Cyrillic/CJK charset, ASCII only": (o) => o.charset !== undefined && o.charset !== "8-bit bytes in us-ascii"
}

const charsetShapes = {}
const tallyCharsets = (m, label) => {
  const seen = new Set()
  for (const p of partsOf(m.mime)) {
    if (!p.contentType.startsWith("text/")) continue
    const bytes = has8bit(p.body) ? "8-bit" : p.body.includes(0x1b) ? "escapes" : "ASCII only"
    const key = `${(p.charset ?? "(none)").toLowerCase()}, ${bytes}`
    if (seen.has(key)) continue
    seen.add(key)
    charsetShapes[key] ??= { ham: 0, spam: 0 }
    charsetShapes[key][label]++
  }
}

const SUBSETS = ["easy_ham", "easy_ham_2", "hard_ham", "spam", "spam_2"]
const columns = [...SUBSETS, "eval ham", "eval spam"]
const zero = () => Object.fromEntries(columns.map((c) => [c, 0]))
const totals = zero()
const counts = Object.fromEntries(Object.keys(candidates).map((name) => [name, zero()]))
const examples = Object.fromEntries(Object.keys(candidates).map((name) => [name, []]))

for (const split of ["train", "eval"])
  for (const label of ["ham", "spam"])
    for (const file of Classifier.listFiles(join(corpus, split, label))) {
      const subset = basename(file).split(".")[0]
      const cols = split === "eval" ? [subset, `eval ${label}`] : [subset]
      const m = Classifier.parseMessage(readFileSync(file))
      tallyCharsets(m, label)
      const origin = Classifier.originHop(m.received)
      const o = { m, origin, hop: origin?.hop, words: wordCount(m.body.texts), charset: charsetMismatch(m) }
      for (const c of cols) totals[c]++
      for (const [name, test] of Object.entries(candidates)) {
        if (!test(o)) continue
        for (const c of cols) counts[name][c]++
        if (label === "ham" && examples[name].length < exampleCount)
          examples[name].push(
            `${basename(file).slice(0, 20)}${o.hop ? ` helo=${o.hop.helo} rdns=${o.hop.rdns} ip=${o.hop.ip}` : ""}${o.charset ? ` ${o.charset}` : ""}`
          )
      }
    }

console.log("## origin = the oldest Received hop with a public IP")
console.log(`| candidate | ${columns.join(" | ")} |`)
console.log(`|---|${columns.map(() => "---:").join("|")}|`)
console.log(`| messages | ${columns.map((c) => totals[c]).join(" | ")} |`)
for (const [name, row] of Object.entries(counts))
  console.log(
    `| ${name} | ${columns.map((c) => `${row[c]} (${((100 * row[c]) / totals[c]).toFixed(1)} %)`).join(" | ")} |`
  )
for (const [name, ex] of Object.entries(examples))
  if (ex.length > 0) console.log(`  ham with "${name.trim()}": ${ex.join("; ")}`)

console.log("\n## declared charset of a text part, and its bytes: messages (ham / spam)")
for (const [key, c] of Object.entries(charsetShapes).sort((a, b) => b[1].ham + b[1].spam - a[1].ham - a[1].spam))
  console.log(`${key}: ${c.ham} / ${c.spam}`)
