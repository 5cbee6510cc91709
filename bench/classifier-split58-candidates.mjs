#!/usr/bin/env node
// Round 58 (docs/classifier.md): what marks a false positive as mail its recipient dealt with,
// word-free, counted per corpus subset before anything is built. The candidates are the brief's:
// a thread reply (and a `Re:` without one, which spam forges), quoted text, the recipient named
// personally, a list's structure agreeing with the Received chain, a signature block, a
// recipient-specific bounce address (VERP), an order number in Subject and body. The columns are
// `classifier-split-candidates.mjs`'s (round 34), then which of the base's false positives carry
// each: the split's two and the CV's thirteen (docs/classifier.md, "Rounds 51-54 together").
//
//   node bench/classifier-split58-candidates.mjs [--corpus DIR] [--dist PATH/index.js] [--model FILE]
//     [--show NAME]    (prints the files that carry candidate NAME, ham first)
//     [--names FILE]   (writes {candidate: [file names]} as JSON, for joining with a --dump)
//
// Needs `npx turbo run build --filter=@mailmoat/antispam`; exits 2 without a corpus.
import { writeFileSync } from "node:fs"
import { candidateSetup, opt } from "./classifier-common.mjs"
import { printFalsePositiveTable } from "./classifier-fp-table.mjs"
import { addresses, fromAddress, regDomain } from "./classifier-ham-side.mjs"

const { corpus, Classifier, model } = await candidateSetup()
const show = opt("show", undefined)
const namesFile = opt("names", undefined)

// The base's false positives (5b3cfcc): the split's two and the 5-fold CV's thirteen.
const SPLIT_FP = ["00153", "00197"]
const CV_FP = ["00207", "00245", "00157", "00167", "00169", "00176", "00203", "00159", "00192", "00249"]
CV_FP.push("00234", "00237", "00199")
const fpMark = (name) => {
  const n = /^hard_ham\.(\d{5})/.exec(name)?.[1]
  return n && SPLIT_FP.includes(n) ? `S${n}` : n && CV_FP.includes(n) ? `C${n}` : undefined
}

const get = (m, name) => m.headers.get(name)
const features = (m) => (m.__features ??= Classifier.tokenize(m).features)
const all = (m, name) => m.headers.getAll(name)
const hops = (m) => m.received ?? []
const text = (m) => (m.__text ??= m.body.texts.join("\n").slice(0, 200_000))
const subject = (m) => get(m, "subject") ?? ""
const toAddresses = (m) => ["to", "cc"].flatMap((n) => all(m, n).flatMap(addresses))
const recipients = (m) => [
  ...["to", "cc", "delivered-to", "x-original-to", "envelope-to"].flatMap((n) => all(m, n).flatMap(addresses)),
  ...hops(m).flatMap((h) => addresses(/\bfor\s+<?([^\s>;]+)/i.exec(h.raw ?? "")?.[1]))
]
const isReply = (m) => /^\s*(?:re|aw|sv)\s*(?:\[\d+\])?\s*:/i.test(subject(m))
const threaded = (m) => get(m, "in-reply-to") !== undefined || get(m, "references") !== undefined
const ATTRIBUTION = /^(?:On .{0,120}?,\s*)?(.{1,80}?)\s+(?:wrote|writes|said):\s*$/im
const quotedLines = (m) =>
  text(m)
    .split("\n")
    .filter((l) => /^\s?>/.test(l)).length
// A display name of To that names a person: letters only, not the address, no generic word.
const GENERIC =
  /\b(?:customer|member|subscriber|friend|user|recipient|undisclosed|list|valued|dear|all|webmaster|info)\b/i
const toNames = (m) =>
  all(m, "to")
    .flatMap((v) => String(v).split(","))
    .map((v) => /^\s*"?([^"<]*?)"?\s*</.exec(v)?.[1]?.trim() ?? "")
    .filter((n) => n.length >= 3 && /^[A-Za-z][A-Za-z .'-]+$/.test(n) && !GENERIC.test(n) && !n.includes("@"))
const nameWords = (n) => n.match(/[A-Za-z]{3,}/g)?.filter((w) => !/^(?:mrs?|ms|miss|dr)$/i.test(w)) ?? []
const greeting = (m) =>
  text(m)
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l !== "")
    .slice(0, 4)
    .join("\n")
// The recipient's address written into a header: local part and domain label both present in it.
const encodesRecipient = (value, m) => {
  const v = String(value ?? "").toLowerCase()
  if (v === "") return false
  return recipients(m).some((r) => {
    const label = r.domain.split(".").slice(-2)[0]
    return r.local.length >= 3 && label.length >= 3 && v.includes(r.local) && v.split("@")[0].includes(label)
  })
}
const listHosts = (m) =>
  ["list-unsubscribe", "list-id", "list-post", "list-help"]
    .flatMap((n) => all(m, n))
    .flatMap((v) => [...String(v).matchAll(/(?:@|\/\/|<)([a-z0-9-]+(?:\.[a-z0-9-]+)+)/gi)].map((x) => x[1]))
    .map(regDomain)
    .filter(Boolean)
const hopHosts = (m) =>
  hops(m).flatMap((h) => [
    ...[...String(h.raw ?? "").matchAll(/\bfrom\s+([a-z0-9-]+(?:\.[a-z0-9-]+)+)/gi)].map((x) => x[1]),
    ...[...String(h.raw ?? "").matchAll(/\(([a-z0-9-]+(?:\.[a-z0-9-]+)+)\s*\[/gi)].map((x) => x[1])
  ])
const returnPath = (m) => addresses(all(m, "return-path").at(-1))[0]
const signature = (m) => {
  const l = text(m).replace(/\s+$/, "").split("\n")
  const i = l.lastIndexOf("-- ")
  return i >= 0 && l.length - i - 1 >= 1 && l.length - i - 1 <= 8
}
const ORDER = /\b(?=[A-Z0-9-]*\d)[A-Z0-9][A-Z0-9-]{5,}\b/gi

const candidates = {
  "Re: subject with In-Reply-To or References": (m) => isReply(m) && threaded(m),
  "Re: subject with neither (a forged reply)": (m) => isReply(m) && !threaded(m),
  "In-Reply-To or References, any subject": threaded,
  "an attribution line and 2+ quoted lines": (m) => ATTRIBUTION.test(text(m)) && quotedLines(m) >= 2,
  "3+ quoted lines (> ), no attribution line": (m) => quotedLines(m) >= 3 && !ATTRIBUTION.test(text(m)),
  "To names a person (display name, no generic word)": (m) => toNames(m).length > 0,
  "the text's first lines name To's person (greeting)": (m) => {
    const g = greeting(m).toLowerCase()
    return toNames(m).some((n) => nameWords(n).some((w) => new RegExp(`\\b${w.toLowerCase()}\\b`).test(g)))
  },
  "a greeting line (Dear, Hi, Hello) naming a word of To's display name": (m) => {
    const words = toNames(m)
      .flatMap(nameWords)
      .map((w) => w.toLowerCase())
    return greeting(m)
      .toLowerCase()
      .split("\n")
      .some((l) => {
        const g =
          /^(?:dear|hi|hello|hey|good (?:morning|afternoon|evening))[\s,]+(?:(?:mr|mrs|ms|dr|miss)\.?\s+)?([a-z]{3,})/.exec(
            l
          )
        return !!g && words.includes(g[1])
      })
  },
  "To's display name with a title (Mr, Mrs, Ms, Dr)": (m) =>
    toNames(m).some((n) => /^(?:mrs?|ms|dr|miss)\.?\s+[a-z]/i.test(n)),
  "a recipient's tag (4+ letters) is a word of From's display name, not its domain's label": (m) => {
    const f = fromAddress(m)
    if (!f) return false
    const reg = regDomain(f.domain)
    const label = reg?.split(".")[0]
    const words = new Set(
      (get(m, "from") ?? "")
        .replace(/<[^>]*>/, "")
        .toLowerCase()
        .match(/[a-z0-9]{4,}/g) ?? []
    )
    return recipients(m).some((r) => {
      if (regDomain(r.domain) === reg) return false
      const tags = r.local.split(/[-+_.]/).slice(1)
      return !tags.includes(label) && tags.some((t) => t.length >= 4 && words.has(t))
    })
  },
  // The build's traits (RecipientTag.ts): the registrable domain's label, and round 58's tag inside
  // a label of From's host above its registrable domain (`zzz-unspun@` for `@mediaunspun.imakenews.net`).
  "to_tagged_for_sender (the build's)": (m) => features(m).includes("to_tagged_for_sender"),
  "to_tagged_for_sender_host (the build's, round 58)": (m) => features(m).includes("to_tagged_for_sender_host"),
  "Return-Path encodes the recipient (VERP)": (m) => encodesRecipient(returnPath(m) && `${returnPath(m).local}@`, m),
  "Return-Path or Message-ID encodes the recipient": (m) =>
    encodesRecipient(returnPath(m) && `${returnPath(m).local}@`, m) ||
    encodesRecipient(/<([^@>]*)@/.exec(get(m, "message-id") ?? "")?.[1]?.concat("@"), m),
  "a link of the text carries the recipient's address": (m) => {
    const t = text(m).toLowerCase()
    return recipients(m).some((r) =>
      [`${r.local}@${r.domain}`, `${r.local}%40${r.domain}`].some((a) =>
        new RegExp(`https?://\\S*${a.replace(/[.+]/g, "\\$&")}`).test(t)
      )
    )
  },
  "List-* host's domain = Return-Path's = a Received host's": (m) => {
    const d = listHosts(m)
    const rp = regDomain(returnPath(m)?.domain)
    return d.length > 0 && !!rp && d.includes(rp) && hopHosts(m).some((h) => regDomain(h) === rp)
  },
  "... and From in that domain too": (m) => {
    const d = listHosts(m)
    const rp = regDomain(returnPath(m)?.domain)
    const f = regDomain(fromAddress(m)?.domain)
    return d.length > 0 && !!rp && d.includes(rp) && f === rp && hopHosts(m).some((h) => regDomain(h) === rp)
  },
  "Reply-To = To (a list's address), Return-Path at its domain": (m) => {
    const rt = addresses(get(m, "reply-to"))[0]
    const to = toAddresses(m)
    const rp = returnPath(m)
    return (
      !!rt &&
      !!rp &&
      to.some((a) => a.local === rt.local && a.domain === rt.domain) &&
      regDomain(rp.domain) === regDomain(rt.domain)
    )
  },
  "a signature block ('-- ' line, 1-8 lines after)": signature,
  "a 6+ character order code (with a digit) in Subject and text": (m) => {
    const codes = (subject(m).match(ORDER) ?? []).filter((c) => !/^\d{4}$/.test(c))
    return codes.some((c) => text(m).includes(c))
  }
}

const rows = printFalsePositiveTable({
  Classifier,
  corpus,
  model,
  candidates,
  marks: (name) => (fpMark(name) ? [fpMark(name)] : []),
  head: "candidate",
  show,
  files: () => namesFile !== undefined
})
if (namesFile)
  writeFileSync(namesFile, JSON.stringify(Object.fromEntries(Object.entries(rows).map(([k, r]) => [k, r.files]))))
