#!/usr/bin/env node
// The header block of the spam missed with none of their words known, counted per corpus subset
// before any trait is built: the counts behind round 52 in docs/classifier.md. The order of the
// recipients (a bulk tool walking its sorted list of collected addresses), fields RFC 5322 allows
// once written twice, the origin's greeting against its address (a web-mail provider's host with
// no reverse name, `localhost` from a public address), a web server's script as the submitter,
// mail from the recipient's own address, the recipient's own server as the origin's receiver, a
// Date in the zone nobody lives in. Same columns as bench/classifier-header32-candidates.mjs
// (round 48), whose candidates and those of rounds 32, 40 and 44 (bench/classifier-header-
// candidates.mjs, -header30-, -header31-) and round 35 (bench/classifier-address-candidates.mjs)
// are not repeated here.
//
//   node bench/classifier-header33-candidates.mjs [--corpus DIR] [--dist PATH/index.js] [--model FILE]
//     [--show NAME]   (--show prints the files that carry candidate NAME, ham first)
//
// Needs `npx turbo run build --filter=@mailmoat/antispam`; exits 2 without a corpus.
import { candidateSetup, isPublicV4, opt, originIndex, printMissTable, sourceProviders } from "./classifier-common.mjs"

const { corpus, Classifier, model } = await candidateSetup()
const show = opt("show", undefined)
/** Spam missed with none known at this probability or more: what a late weight of about 1 can lift. */
const NEAR = 0.7

const get = (m, name) => m.headers.get(name)
const hops = (m) => m.received ?? []
const origin = (m) => hops(m)[originIndex(m)]
const mailerNamed = (m) => get(m, "x-mailer") !== undefined || get(m, "user-agent") !== undefined
const listFields = (m) =>
  ["list-id", "list-unsubscribe", "list-post", "mailing-list", "x-mailman-version", "x-beenthere"].some(
    (n) => get(m, n) !== undefined
  )
/** A name's last two labels (three under a two-letter country's second level): enough to count by. */
const domainOf = (name) => {
  const labels = (name ?? "")
    .toLowerCase()
    .replace(/[>.\s\]]+$/, "")
    .split(".")
  const n = labels.length >= 3 && /^(co|com|net|org|ac|gov|ne|or)$/.test(labels.at(-2)) ? 3 : 2
  return labels.slice(-n).join(".")
}
const addressOf = (v) => /[^\s<>"(),;:]+@[^\s<>"(),;:]+/.exec(v ?? "")?.[0]?.toLowerCase()
const addressDomain = (v) => domainOf(/@([A-Za-z0-9.-]+)/.exec(v ?? "")?.[1])

// The recipients' order.
const ADDRESS = /[A-Za-z0-9._%+'-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g
const field = (m, name) => m.headers.getAll(name).join(", ")
const recipients = (m, names = ["to", "cc"]) =>
  names.flatMap((n) => field(m, n).match(ADDRESS) ?? []).map((a) => a.toLowerCase())
const domains = (as) => new Set(as.map((a) => domainOf(a.slice(a.indexOf("@") + 1)))).size
/** Whether every neighbour of `as` is in order (`next(a, b)`) and there are `n` or more. */
const inOrder = (as, n, next) => as.length >= n && as.every((a, i) => i === 0 || next(as[i - 1], a))
const ascending = (a, b) => a < b
const sameInitial = (a, b) => a < b && a[0] === b[0]
const sameTwo = (a, b) => a < b && a.slice(0, 2) === b.slice(0, 2)
/** Whether `as` holds `n` in a row, each `next` of the one before, on `minDomains` or more domains. */
const run = (as, n, next, minDomains) => {
  for (let i = 0; i + n <= as.length; i++) {
    const w = as.slice(i, i + n)
    if (inOrder(w, n, next) && domains(w) >= minDomains) return true
  }
  return false
}

// The origin's greeting, by round 40's providers as the stage itself lists them.
const PROVIDERS = sourceProviders()
const PROVIDER = new Map(PROVIDERS.flatMap((labels, i) => labels.map((l) => [l, i])))
const providerOf = (host) => {
  const d = domainOf(host)
  return d === "" ? -1 : (PROVIDER.get(d.slice(0, d.indexOf("."))) ?? -1)
}
/** The origin greeted as a host under a web-mail provider (not its bare domain); round 40 read the ones with another reverse name. */
const providerHello = (m) => {
  const helo = (origin(m)?.helo ?? "").toLowerCase()
  return providerOf(helo) >= 0 && domainOf(helo) !== helo
}

// The submitter.
const WEB_USER = /^(nobody|apache2?|httpd|www|wwwrun|www-data|wwwuser|webuser|web|daemon|php|cgi|http)$/i
/** The oldest hop's local submitter (`(from nobody@localhost) by host`), if it records one. */
const submitter = (m) => /^\s*\(from\s+([^@\s)]+)@localhost\)/i.exec(hops(m).at(-1)?.raw ?? "")?.[1]
const webScript = (m) => WEB_USER.test(submitter(m) ?? "")

const FORMS = {
  "three or more recipients (To, Cc)": (m) => recipients(m).length >= 3,
  "the same, every one after the one before in alphabetical order": (m) => inOrder(recipients(m), 3, ascending),
  "the same, on two or more domains": (m) => inOrder(recipients(m), 3, ascending) && domains(recipients(m)) >= 2,
  "the same, four or more": (m) => inOrder(recipients(m), 4, ascending) && domains(recipients(m)) >= 2,
  "three in a row in order, the same first character, any domains": (m) => run(recipients(m), 3, sameInitial, 1),
  "**the same, the three on two or more registrable domains** (`to_sorted_run`)": (m) =>
    run(recipients(m), 3, sameInitial, 2),
  "the same, on three domains": (m) => run(recipients(m), 3, sameInitial, 3),
  "the same, the first two characters the same": (m) => run(recipients(m), 3, sameTwo, 2),
  "the same (same first character), four in a row": (m) => run(recipients(m), 4, sameInitial, 2),
  "the same, To alone": (m) => run(recipients(m, ["to"]), 3, sameInitial, 2),
  "two in a row in order, the same first two characters, two domains": (m) => run(recipients(m), 2, sameTwo, 2),
  "as built (to_sorted_run, the tokenizer of the build under test)": (m) =>
    Classifier.tokenize(m).features.includes("to_sorted_run"),
  // Fields RFC 5322 (3.6) allows once.
  "To, Cc, Bcc, Reply-To, Sender, In-Reply-To or References twice": (m) =>
    ["to", "cc", "bcc", "reply-to", "sender", "in-reply-to", "references"].some((n) => m.headers.getAll(n).length > 1),
  "Cc twice": (m) => m.headers.getAll("cc").length > 1,
  "Cc present and blank, no list fields": (m) => !listFields(m) && (get(m, "cc") ?? "x").trim() === "",
  // The origin's greeting against its address.
  "origin HELO a web-mail provider's host, any reverse name": providerHello,
  "the same, its reverse name the provider's": (m) =>
    providerHello(m) && providerOf(origin(m).rdns ?? "") === providerOf(origin(m).helo),
  "the same, no reverse name recorded (round 40 read another domain's)": (m) => providerHello(m) && !origin(m).rdns,
  "HELO localhost from a public address (any hop)": (m) =>
    hops(m).some((h) => /^localhost(\.localdomain)?$/i.test(h.helo ?? "") && isPublicV4(h.ip)),
  "origin HELO one label of lower and upper case and a digit": (m) => {
    const h = origin(m)?.helo ?? ""
    return !h.includes(".") && /[a-z]/.test(h) && /[A-Z]/.test(h) && /\d/.test(h)
  },
  // The submitter.
  "a web server's user submitted it (the oldest hop)": webScript,
  "the same, From on another domain than the submitting host": (m) =>
    webScript(m) && addressDomain(get(m, "from")) !== domainOf(hops(m).at(-1)?.by),
  "the same, no list fields": (m) =>
    webScript(m) && !listFields(m) && addressDomain(get(m, "from")) !== domainOf(hops(m).at(-1)?.by),
  // Sender and recipient.
  "From the one To address, no list fields": (m) => {
    const t = addressOf(get(m, "to"))
    return !listFields(m) && t !== undefined && t === addressOf(get(m, "from")) && !(get(m, "to") ?? "").includes(",")
  },
  "origin taken by a host of the recipient's domain (its `for` or To), HELO one label or an address": (m) => {
    const o = origin(m)
    const h = o?.helo ?? "."
    if (o === undefined || (h.includes(".") && !/^\[?\d+\.\d+\.\d+\.\d+\]?$/.test(h))) return false
    const by = domainOf(o.by)
    const forDomain = domainOf(/\bfor\s+<?[^\s<>@;]+@([A-Za-z0-9.-]+)/i.exec(o.raw ?? "")?.[1])
    return by !== "" && (by === forDomain || by === addressDomain(get(m, "to")))
  },
  "the same, a desktop mail program named, no list fields": (m) => {
    const o = origin(m)
    if (o === undefined || listFields(m) || !mailerNamed(m)) return false
    const by = domainOf(o.by)
    const forDomain = domainOf(/\bfor\s+<?[^\s<>@;]+@([A-Za-z0-9.-]+)/i.exec(o.raw ?? "")?.[1])
    const program = get(m, "x-mailer") ?? get(m, "user-agent") ?? ""
    return (
      by !== "" && by === forDomain && /Outlook|Eudora|The Bat!|Mozilla|Netscape|Becky|Pegasus|KMail/i.test(program)
    )
  },
  // The Date's zone.
  "Date in -1200 (no one lives there: the first zone of Windows' list)": (m) =>
    /-1200\s*(?:\([^)]*\))?\s*$/.test(get(m, "date") ?? "")
}

printMissTable({ Classifier, corpus, model, candidates: FORMS, show, near: NEAR })
