#!/usr/bin/env node
// Word-free shapes of a message's links, URLs and markup for round 50 in docs/classifier.md:
// coarse link traits alone and in pairs (`--pairs`), as rounds 39 and 43 searched the text's layout,
// and the narrowed candidates the search named, counted per corpus subset (the columns of
// bench/classifier-body28-candidates.mjs). Round 46's 69 candidates
// (bench/classifier-link31-candidates.mjs) and round 12's host shapes are not repeated alone here.
//
//   node bench/classifier-link32-candidates.mjs [--corpus DIR] [--dist PATH/index.js] [--model FILE]
//     [--show NAME]   (prints the files that carry candidate NAME, ham first)
//     [--pairs]       (instead: the coarse traits alone and every pair of them, with the ham carrying
//                      each and the spam missed with none known; the pairs no ham carries)
//
// Needs `npx turbo run build --filter=@mailmoat/antispam`; exits 2 without a corpus.
import { candidateSetup, count, opt, printCandidates } from "./classifier-common.mjs"

const { corpus, Classifier, model } = await candidateSetup()
const show = opt("show", undefined)
/** Spam missed with none known at this probability or more: what a late weight of about 1 can lift. */
const NEAR = 0.6

const texts = (m) => m.body.texts.map((t) => String(t).slice(0, 150_000).replace(/\r\n?/g, "\n"))
const anyText = (m, f) => texts(m).some(f)
const htmls = (m) => m.body.htmls.map((h) => String(h).slice(0, 200_000))
const anyHtml = (m, f) => htmls(m).some(f)
const urls = (m) => m.body.urls.map(String)
const hostOf = (u) => /^[a-z][a-z0-9+.-]*:\/\/(?:[^@/?#]*@)?([^/:?#]*)/i.exec(u)?.[1]
const queryOf = (u) => {
  const q = u.indexOf("?")
  return q < 0 ? "" : u.slice(q + 1)
}
const pathOf = (u) => u.replace(/^[a-z]+:\/\/[^/?#]*/i, "").replace(/[?#].*$/, "")
/** A host's site: its last two labels, three under a two-letter country code with a short second label (`co.uk`). */
const regOf = (h) => {
  const l = h.toLowerCase().replace(/\.$/, "").split(".")
  const n = l.length >= 3 && l.at(-1).length === 2 && l.at(-2).length <= 3 ? 3 : 2
  return l.slice(-n).join(".")
}
/** The site's own label (`example` of `www.example.co.uk`). */
const labelOf = (h) => regOf(h).split(".")[0]
const linkHosts = (m) =>
  urls(m)
    .map(hostOf)
    .filter((h) => h?.includes(".") && !/^[\d.]+$/.test(h))
const sites = (m) => new Set(m.body.hosts.map(regOf))
const senderSites = (m) => {
  const out = new Set()
  for (const h of ["from", "return-path", "reply-to", "sender", "message-id"])
    for (const d of (m.headers.get(h) ?? "").toLowerCase().match(/@([a-z0-9.-]+\.[a-z]{2,})/g) ?? [])
      out.add(regOf(d.slice(1)))
  return out
}
const plainOnly = (m) => m.body.htmls.length === 0 && m.body.texts.length > 0
const htmlOnly = (m) => Classifier.tokenize(m).features.includes("html_only")
const nonBlank = (t) => t.split("\n").filter((l) => l.trim().length > 0)
const LINK = /(?:https?:\/\/|www\.)[^\s<>"]+/i

const PAIR_TRAITS = {
  plain_only: plainOnly,
  html_only: htmlOnly,
  no_link: (m) => m.body.urls.length === 0,
  one_url: (m) => m.body.urls.length === 1,
  urls5: (m) => m.body.urls.length >= 5,
  one_site: (m) => sites(m).size === 1,
  sites3: (m) => sites(m).size >= 3,
  no_sender_site: (m) => m.body.hosts.length > 0 && ![...sites(m)].some((s) => senderSites(m).has(s)),
  host_numbered: (m) => linkHosts(m).some((h) => /^[a-z]+\d+\./i.test(h) && regOf(h) !== h.toLowerCase()),
  label_digits: (m) => linkHosts(m).some((h) => /[a-z]\d|\d[a-z]/i.test(labelOf(h))),
  label_hyphen2: (m) => linkHosts(m).some((h) => count(labelOf(h), /-/g) >= 2),
  label_long15: (m) => linkHosts(m).some((h) => labelOf(h).length >= 15),
  host_caps: (m) => linkHosts(m).some((h) => /[A-Z]/.test(h)),
  bare_www: (m) => urls(m).some((u) => /^www\./i.test(u)),
  tld_other: (m) => linkHosts(m).some((h) => /\.(?:biz|info|ws|cc|tv|name|to|nu)$/i.test(h)),
  query_number: (m) => urls(m).some((u) => /(?:^|&)[a-z_]{1,12}=\d{3,}(?:&|$)/i.test(queryOf(u))),
  query_address: (m) => urls(m).some((u) => /@|%40/.test(queryOf(u))),
  path_script: (m) => urls(m).some((u) => /\.(?:cgi|php\d?|asp|cfm|pl|jsp|exe)$/i.test(pathOf(u))),
  path_tilde: (m) => urls(m).some((u) => /^\/~/.test(pathOf(u))),
  path_bare: (m) => urls(m).length > 0 && urls(m).every((u) => /^[^?#]*:\/\/[^/?#]+\/?$|^www\.[^/]+\/?$/i.test(u)),
  url_line: (m) => anyText(m, (t) => /^[ \t]*<?(?:https?:\/\/|www\.)\S+[ \t]*$/im.test(t)),
  link_last_line: (m) => anyText(m, (t) => LINK.test(nonBlank(t).at(-1) ?? "")),
  link_top: (m) =>
    anyText(m, (t) =>
      nonBlank(t)
        .slice(0, 3)
        .some((l) => LINK.test(l))
    ),
  link_repeat: (m) =>
    anyText(m, (t) => {
      const seen = new Set()
      for (const x of t.matchAll(/https?:\/\/[^\s<>"]+/gi)) {
        const k = x[0].toLowerCase()
        if (seen.has(k)) return true
        seen.add(k)
      }
      return false
    }),
  address_foreign: (m) =>
    anyText(m, (t) =>
      (t.match(/[a-z0-9._%+-]+@([a-z0-9-]+\.)+[a-z]{2,}/gi) ?? []).some(
        (a) => !senderSites(m).has(regOf(a.slice(a.indexOf("@") + 1)))
      )
    ),
  ip_body: (m) => m.body.ips.length > 0,
  img_link: (m) => anyHtml(m, (h) => /<a\s[^>]{0,1000}>\s*<img\b/i.test(h)),
  html_form: (m) => anyHtml(m, (h) => /<form\b/i.test(h)),
  html_table: (m) => anyHtml(m, (h) => count(h, /<table\b/gi) >= 3),
  html_no_body: (m) => anyHtml(m, (h) => !/<body\b/i.test(h)),
  html_center: (m) => anyHtml(m, (h) => /<center\b|align\s*=\s*["']?center/i.test(h)),
  html_font_size: (m) => anyHtml(m, (h) => /<font\b[^>]{0,200}size\s*=\s*["']?[+]?[4-7]/i.test(h)),
  html_links_text_short: (m) =>
    anyHtml(
      m,
      (h) =>
        h
          .replace(/<[^>]*>/g, " ")
          .replace(/&[a-z#0-9]+;/gi, " ")
          .trim().length < 400
    ),
  short_text: (m) => anyText(m, (t) => t.trim().length > 0 && t.trim().length < 800)
}

const IP_HOST = /^\d{1,3}(?:\.\d{1,3}){3}$/
const ipLinks = (m) => urls(m).filter((u) => IP_HOST.test(hostOf(u) ?? ""))
const REDIRECT_TARGET =
  /[?&/][a-z_]{0,20}=(?:https?(?::|%3a)(?:\/|%2f){2}|%68%74%74%70)([^/?&#%]*)|\/https?(?::|%3a)\/\/?([^/?&#]*)/i
const redirectTargets = (m) =>
  urls(m)
    .map((u) => {
      const x = REDIRECT_TARGET.exec(u)
      return x === null ? undefined : { site: regOf(hostOf(u) ?? ""), target: (x[1] ?? x[2] ?? "").toLowerCase() }
    })
    .filter(Boolean)
const noSenderHost = (m) => ![...sites(m)].some((s) => senderSites(m).has(s))
const candidates = {
  "ip: a link to an IP literal (url_ip_literal's links)": (m) => ipLinks(m).length > 0,
  "ip: the same, no host name in the body": (m) => ipLinks(m).length > 0 && m.body.hosts.length === 0,
  "ip: the same, no host name on a sender's site": (m) => ipLinks(m).length > 0 && noSenderHost(m),
  "ip: the same, every host name on one site (or none)": (m) => ipLinks(m).length > 0 && sites(m).size <= 1,
  "ip: the same, every host on one site (or none), none of the sender's": (m) =>
    ipLinks(m).length > 0 && sites(m).size <= 1 && noSenderHost(m),
  "ip: the same, HTML only": (m) => ipLinks(m).length > 0 && htmlOnly(m),
  "ip: 2+ links to one IP literal": (m) => {
    const n = new Map()
    for (const u of ipLinks(m)) n.set(hostOf(u), (n.get(hostOf(u)) ?? 0) + 1)
    return [...n.values()].some((c) => c >= 2)
  },
  "redirect: any (url_redirect's form)": (m) => redirectTargets(m).length > 0,
  "redirect: to an IP literal": (m) =>
    redirectTargets(m).some((r) => /^\d{1,3}(?:\.\d{1,3}){3}(?::\d+)?$/.test(r.target)),
  "redirect: a link to an IP literal inside a link's query or path": (m) =>
    urls(m).some((u) =>
      /(?:=|\/|%2f|&)(?:https?(?::|%3a)(?:\/|%2f){2})?\d{1,3}(?:\.\d{1,3}){3}(?:\/|%2f)/i.test(u.slice(8))
    ),
  "redirect: to another site, no host on a sender's site": (m) =>
    noSenderHost(m) && redirectTargets(m).some((r) => r.target !== "" && regOf(r.target) !== r.site),
  "redirect: plain text only": (m) => plainOnly(m) && redirectTargets(m).length > 0,
  "ip: as built (url_ip_one_site)": (m) => Classifier.tokenize(m).features.includes("url_ip_one_site"),
  "redirect: as built (url_redirect_ip)": (m) => Classifier.tokenize(m).features.includes("url_redirect_ip"),
  "either of the two as built": (m) =>
    Classifier.tokenize(m).features.some((f) => f === "url_ip_one_site" || f === "url_redirect_ip")
}

// `--pairs [features]`: the pairs no ham carries that mark 3 or more near misses, the tokenizer's
// features among the traits with `features` (printCandidates); else the candidates' table.
printCandidates({ Classifier, corpus, model, candidates, traits: PAIR_TRAITS, show, near: NEAR })
