#!/usr/bin/env node
// Word-free forms of the bulk mail of about 2010 for round 62 in docs/classifier.md, counted per
// corpus subset (the columns of bench/classifier-body28-candidates.mjs) and on the fixtures of
// packages/antispam/test/classifier/fixtures/era2010/ before any is built: the subject naming the
// recipient (the whole address, or the local part as a greeting), a phone number with letters for
// digits, a free-mail sender's text naming another free-mail address to write to, and the From
// address in the recipient's own domain.
//
//   node bench/classifier-era35-candidates.mjs [--corpus DIR] [--dist PATH/index.js] [--model FILE]
//     [--show NAME]   (prints the files that carry candidate NAME, ham first)
//
// Needs `npx turbo run build --filter=@mailmoat/antispam`; exits 2 without a corpus.
import { readdirSync, readFileSync } from "node:fs"
import { join } from "node:path"
import { candidateSetup, holds, opt, printMissTable, root } from "./classifier-common.mjs"

const { corpus, Classifier, model } = await candidateSetup()
const show = opt("show", undefined)

const ADDRESS = /([a-z0-9._%+=-]{1,64})@([a-z0-9.-]{1,253}\.[a-z]{2,})/gi
const HOP_FOR = /\bfor\s+<?([^\s<>;]{1,320})/i
/** Every recipient address the message names (To, Cc, Delivered-To, X-Original-To, the hops' `for`). */
const recipients = (m) => {
  const out = new Set()
  const add = (v) => {
    for (const x of String(v ?? "").matchAll(ADDRESS)) out.add(`${x[1]}@${x[2]}`.toLowerCase())
  }
  for (const h of ["to", "cc", "delivered-to", "x-original-to"]) for (const v of m.headers.getAll(h)) add(v)
  for (const hop of m.received ?? []) add(HOP_FOR.exec(String(hop.raw ?? "").slice(0, 2000))?.[1])
  return [...out]
}
const subject = (m) => (m.headers.decoded("subject") ?? "").toLowerCase()
const isList = (m) =>
  ["list-id", "list-post", "list-unsubscribe", "mailing-list"].some((h) => m.headers.get(h) !== undefined)
const escapeRegExp = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")
/** A local part that names someone: 3+ characters with a letter. */
const personal = (local) => local.length >= 3 && /[a-z]/.test(local)
const localWord = (s, local) => new RegExp(`(?<![\\w.@+-])${escapeRegExp(local)}(?![\\w@+-]|\\.\\w)`).exec(s)
/** The local part as a greeting: `zzzz,`, `, zzzz`, `zzzz!`, `Dear zzzz`, `Hello zzzz` (not a subject's first word alone). */
const greets = (s, local) =>
  new RegExp(
    `(?:\\b(?:dear|hi|hello|hey)\\s+|,\\s*)${escapeRegExp(local)}(?![\\w@+-]|\\.\\w)|(?<![\\w.@+-])${escapeRegExp(local)}\\s*[,!]`
  ).test(s)
const FREE =
  /@(?:yahoo\.[a-z.]+|hotmail\.[a-z.]+|msn\.com|aol\.com|gmail\.com|yandex\.ru|rambler\.ru|mail\.ru|lycos\.com|excite\.com|netscape\.net|juno\.com|rediffmail\.com|live\.com|email\.com|usa\.net|mail\.com)\b/i
/** An address the text asks the reader to write to: `write me to x@y`, `contact: x@y`, `reply to x@y`. */
const WRITE_TO =
  /\b(?:write|reply|contact|e-?mail|mail|answer)\b[^@\n]{0,40}?([a-z0-9._%+=-]{1,64}@[a-z0-9.-]{1,253}\.[a-z]{2,})/gi
const fromAddress = (m) =>
  (/[a-z0-9._%+=-]{1,64}@[a-z0-9.-]{1,253}/i.exec(m.headers.get("from") ?? "")?.[0] ?? "").toLowerCase()
/** A phone number's digit groups with O, I or l among the digits: `(495) 5O2-18-37`. */
const LOOKALIKE_PHONE = /(?<![\w])(?:\(\d{2,5}\)\s?)?[\dOIl]{2,5}[-. ][\dOIl]{2,4}[-. ][\dOIl]{2,4}(?![\w])/g
const lookalikePhone = (s) =>
  [...s.matchAll(LOOKALIKE_PHONE)].some((x) => /[OIl]/.test(x[0]) && (x[0].match(/\d/g) ?? []).length >= 5)

/** The decoded texts (HTML's reduced text too). */
const decodedText = (m) => m.body.texts.map((t) => String(t).slice(0, 100_000)).join("\n")

const candidates = {
  "subj: a recipient's whole address": (m) => recipients(m).some((a) => subject(m).includes(a)),
  "subj: a recipient's whole address, no list header": (m) =>
    !isList(m) && recipients(m).some((a) => subject(m).includes(a)),
  "subj: a recipient's local part as a word, no list header": (m) =>
    !isList(m) && recipients(m).some((a) => personal(a.split("@")[0]) && localWord(subject(m), a.split("@")[0])),
  "subj: a recipient's local part as a greeting": (m) =>
    recipients(m).some((a) => personal(a.split("@")[0]) && greets(subject(m), a.split("@")[0])),
  "subj: a recipient's local part as a greeting, no list header": (m) =>
    !isList(m) && recipients(m).some((a) => personal(a.split("@")[0]) && greets(subject(m), a.split("@")[0])),
  "subj: whole address or greeting, no list header": (m) =>
    !isList(m) &&
    recipients(m).some(
      (a) => subject(m).includes(a) || (personal(a.split("@")[0]) && greets(subject(m), a.split("@")[0]))
    ),
  "subj: a greeting by a local part that is no bare word (a digit or a separator in it), no list header": (m) =>
    !isList(m) &&
    recipients(m).some((a) => {
      const local = a.split("@")[0]
      return personal(local) && /[^a-z]/.test(local) && greets(subject(m), local)
    }),
  "subject_names_recipient as built": (m) => Classifier.tokenize(m).features.includes("subject_names_recipient"),
  "text: a phone number with O, I or l among its digits": (m) => lookalikePhone(decodedText(m)),
  "text: free-mail From, text names another free-mail address": (m) => {
    const from = fromAddress(m)
    if (!FREE.test(from)) return false
    return [...decodedText(m).matchAll(ADDRESS)].some((x) => {
      const a = `${x[1]}@${x[2]}`.toLowerCase()
      return a !== from && FREE.test(a)
    })
  },
  "text: the same, asked to write to it": (m) => {
    const from = fromAddress(m)
    if (!FREE.test(from)) return false
    return [...decodedText(m).matchAll(WRITE_TO)].some((x) => x[1].toLowerCase() !== from && FREE.test(x[1]))
  },
  "from: in a recipient's domain, no list header": (m) => {
    const from = fromAddress(m)
    const d = from.split("@")[1]
    return d !== undefined && !isList(m) && recipients(m).some((a) => a.split("@")[1] === d)
  }
}

printMissTable({ Classifier, corpus, model, candidates, show, near: 0.6 })

// The fixtures carrying each (round 62's, then round 41's).
console.log("\nfixtures carrying each:")
for (const set of ["era2010", "languages"])
  for (const label of ["ham", "spam"]) {
    const dir = join(root, "packages/antispam/test/classifier/fixtures", set, label)
    for (const f of readdirSync(dir).filter((x) => x.endsWith(".eml"))) {
      const m = Classifier.parseMessage(readFileSync(join(dir, f)))
      const on = Object.keys(candidates).filter((k) => holds(candidates[k], m))
      if (on.length > 0) console.log(`  ${set}/${label}/${f}: ${on.join("; ")}`)
    }
  }
