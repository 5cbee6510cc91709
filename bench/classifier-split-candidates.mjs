#!/usr/bin/env node
// Ham-side evidence that does not depend on vocabulary, counted per corpus subset before any is
// built: the counts behind round 34 in docs/classifier.md. A ham-side trait is worth building
// only when spam next to never shows it (it can only lower a score) and the ham the model calls
// spam or unsure do; the last columns say how many ham carrying it the given model calls spam and
// unsure with all words known, and how many spam carrying it it calls spam (what a ham weight
// would put at risk).
//
//   node bench/classifier-split-candidates.mjs [--corpus DIR] [--dist PATH/index.js] [--model FILE]
//     [--show NAME]   (prints the files that carry candidate NAME, ham first)
//
// Needs `npx turbo run build --filter=@mailmoat/antispam`; exits 2 without a corpus.
import { candidateSetup, opt } from "./classifier-common.mjs"
import { addresses, fromAddress, printHamSideTable, regDomain } from "./classifier-ham-side.mjs"

const { corpus, Classifier, model } = await candidateSetup()
const show = opt("show", undefined)

const get = (m, name) => m.headers.get(name)
const all = (m, name) => m.headers.getAll(name)
const hops = (m) => m.received ?? []
const recipients = (m) => [
  ...["to", "cc", "delivered-to", "x-original-to", "envelope-to"].flatMap((n) => all(m, n).flatMap(addresses)),
  ...hops(m).flatMap((h) => addresses(/\bfor\s+<?([^\s>;]+)/i.exec(h.raw ?? "")?.[1]))
]
const msgId = (m) => /^\s*<([^<>@\s]+)@([^<>\s]+)>/.exec(get(m, "message-id") ?? "")
const bodyText = (m) => m.body.texts.join("\n").slice(0, 200_000)
const text = (m) => (m.__text ??= bodyText(m))
const ATTRIBUTION = /^(?:On .{0,120}?,\s*)?(.{1,80}?)\s+(?:wrote|writes|said):\s*$/im
const candidates = {
  "a recipient address tagged with From's domain name (zzz-shop@ for shop.ie)": (m) => {
    const f = fromAddress(m)
    const label = regDomain(f?.domain)?.split(".")[0]
    if (!label || label.length < 4) return false
    return recipients(m).some((r) => r.local !== f.local && new RegExp(`[-+_.]${label}(?:$|[-+_.])`).test(r.local))
  },
  "a recipient's tag (4+ letters) a label of From's host, a word of its name, or in its domain's label": (m) => {
    const f = fromAddress(m)
    if (!f) return false
    const reg = regDomain(f.domain)
    const labels = f.domain.split(".").slice(0, -1)
    const name = (get(m, "from") ?? "").replace(/<[^>]*>/, "").toLowerCase()
    const words = new Set(name.match(/[a-z0-9]{4,}/g) ?? [])
    return recipients(m).some((r) => {
      if (regDomain(r.domain) === reg) return false
      const tags = r.local
        .split(/[-+_.]/)
        .slice(1)
        .filter((t) => t.length >= 4 && /[a-z]/.test(t))
      return tags.some((t) => labels.includes(t) || words.has(t) || (reg ?? "").split(".")[0].includes(t))
    })
  },
  "Approved-By or Approved (a moderated list)": (m) =>
    get(m, "approved-by") !== undefined || get(m, "approved") !== undefined,
  "Sender at a LISTSERV": (m) => /listserv/i.test(get(m, "sender") ?? ""),
  "List-Id, List-Unsubscribe or X-Mailing-List": (m) =>
    ["list-id", "list-unsubscribe", "x-mailing-list"].some((n) => get(m, n) !== undefined),
  "oldest hop local (no address), its host in From's domain, Message-ID from it": (m) => {
    const h = hops(m)
    const oldest = h[h.length - 1]
    const id = msgId(m)
    const f = fromAddress(m)
    if (!oldest || !id || !f || oldest.ip) return false
    const by = String(oldest.by ?? "").toLowerCase()
    return by !== "" && id[2].toLowerCase() === by && regDomain(by) === regDomain(f.domain)
  },
  "Message-ID's host in From's registrable domain": (m) => {
    const id = msgId(m)
    const f = fromAddress(m)
    return !!id && !!f && regDomain(id[2]) === regDomain(f.domain)
  },
  "In-Reply-To, and an attribution line in the text": (m) =>
    get(m, "in-reply-to") !== undefined && ATTRIBUTION.test(text(m)),
  "an attribution line naming someone in To or Cc": (m) => {
    const a = ATTRIBUTION.exec(text(m))?.[1]
    if (!a) return false
    const to = `${get(m, "to") ?? ""} ${get(m, "cc") ?? ""}`.toLowerCase()
    const names = a.toLowerCase().match(/[a-z0-9._%+-]{3,}(?:@[a-z0-9.-]+)?/g) ?? []
    return names.some((n) => n.length >= 4 && !/^(?:wrote|said|writes)$/.test(n) && to.includes(n))
  },
  "From's address in quoted text (> lines)": (m) => {
    const f = fromAddress(m)
    if (!f) return false
    const a = `${f.local}@${f.domain}`
    return text(m)
      .split("\n")
      .some((l) => l.startsWith(">") && l.toLowerCase().includes(a))
  }
}

printHamSideTable(Classifier, corpus, model, candidates, show)
