#!/usr/bin/env node
// Who wrote the header block's Message-ID and Date, and the fields around them, counted per corpus
// subset before any trait is built: the counts behind round 48 in docs/classifier.md. A named mail
// program's Message-ID in a form other than the one that program writes into every message
// (Eudora, The Bat!, Netscape 4, Exchange 5.5, Outlook 97-2002, CDO, KMail, Mutt) and the fields it
// always writes; a Date a relay wrote for a message that came without one (its instant a hop's
// stamp to the second, its text that hop's stamp form, a comment saying a relay added it), how long
// the message was on its way before that relay, a Message-ID the same relay wrote; field names no
// program writes. Same columns as
// bench/classifier-header31-candidates.mjs (round 44), whose candidates and those of rounds 32 and
// 40 (bench/classifier-header-candidates.mjs, bench/classifier-header30-candidates.mjs) are not
// repeated here.
//
//   node bench/classifier-header32-candidates.mjs [--corpus DIR] [--dist PATH/index.js] [--model FILE]
//     [--show NAME]   (--show prints the files that carry candidate NAME, ham first)
//     [--pairs]       (instead: the coarse traits below alone and in pairs with each other and with
//                      the features the build already has, the pairs no ham carries first)
//
// Needs `npx turbo run build --filter=@mailmoat/antispam`; exits 2 without a corpus.
import {
  args,
  candidateSetup,
  isPublicV4,
  opt,
  originIndex,
  parseHeaderTime,
  printMissTable,
  printPairTable
} from "./classifier-common.mjs"

const { corpus, Classifier, model } = await candidateSetup()
const show = opt("show", undefined)
/** Spam missed with none known at this probability or more: what a late weight of about 1 can lift. */
const NEAR = 0.7
const MINUTE = 60_000
const HOUR = 60 * MINUTE

const get = (m, name) => m.headers.get(name)
const hops = (m) => m.received ?? []
const names = (m) => m.headers.list.map((h) => h.name)
const dateOf = (m) => parseHeaderTime(get(m, "date") ?? "")
const stampOf = (hop) => parseHeaderTime(hop?.date)
const msgId = (m) => /^\s*<([^<>@\s]+)@([^<>\s]+)>/.exec(get(m, "message-id") ?? "")
const queueId = (hop) => /\bid\s+<?([A-Za-z0-9._-]{6,})/i.exec(hop.raw ?? "")?.[1]
const mailerNamed = (m) => get(m, "x-mailer") !== undefined || get(m, "user-agent") !== undefined

/**
 * The index of the hop whose stamp is the Date's instant (within `slack` ms), searching from the
 * origin (the oldest hop with a public address) up to the newest; -1 when none is.
 */
const dateHop = (m, slack = 1000) => {
  const d = dateOf(m)
  const o = originIndex(m)
  if (d === undefined || o < 0) return -1
  for (let i = o; i >= 0; i--) {
    const t = stampOf(hops(m)[i])
    if (t !== undefined && Math.abs(t - d) <= slack) return i
  }
  return -1
}
/** The oldest stamp below hop `i` (its own origin side), in ms; undefined when none parses. */
const oldestBelow = (m, i) => {
  let oldest
  for (const h of hops(m).slice(i + 1)) {
    const t = stampOf(h)
    if (t !== undefined && (oldest === undefined || t < oldest)) oldest = t
  }
  return oldest
}
/** The Date is a relay's stamp (hop `i` at or above the origin) and a hop below was stamped `wait` ms or more before. */
const dateAfterWait = (m, wait) => {
  const i = dateHop(m)
  if (i < 0) return false
  const below = oldestBelow(m, i)
  return below !== undefined && dateOf(m) - below >= wait
}
/** The Date's text (comments and blanks aside) is the text of a stamp at or above the origin. */
const normal = (s) =>
  (s ?? "")
    .replace(/\([^)]*\)/g, "")
    .replace(/\s+/g, " ")
    .trim()
const dateTextIsStamp = (m) => {
  const d = normal(get(m, "date"))
  const o = originIndex(m)
  return (
    d !== "" &&
    o >= 0 &&
    hops(m)
      .slice(0, o + 1)
      .some((h) => normal(h.date) === d)
  )
}
/** The Message-ID is hop `i`'s: its host the hop's `by`, its local part holding the hop's queue id. */
const idOfHop = (m, i) => {
  const id = msgId(m)
  const hop = hops(m)[i]
  if (!id || !hop) return false
  const q = queueId(hop)
  return (hop.by ?? "").toLowerCase() === id[2].toLowerCase() && q !== undefined && id[1].includes(q)
}

/** Field names of RFC 5322, RFC 2045-2183, list and trace fields and the common ones of mail programs, servers and lists. */
const KNOWN = new Set(
  [
    "received",
    "return-path",
    "delivered-to",
    "delivery-date",
    "envelope-to",
    "from",
    "sender",
    "reply-to",
    "to",
    "cc",
    "bcc",
    "subject",
    "date",
    "message-id",
    "in-reply-to",
    "references",
    "comments",
    "keywords",
    "mime-version",
    "content-type",
    "content-transfer-encoding",
    "content-disposition",
    "content-id",
    "content-description",
    "content-language",
    "content-length",
    "content-class",
    "content-base",
    "content-location",
    "content-md5",
    "thread-index",
    "thread-topic",
    "importance",
    "priority",
    "sensitivity",
    "organization",
    "organisation",
    "user-agent",
    "precedence",
    "errors-to",
    "approved",
    "lines",
    "status",
    "newsgroups",
    "path",
    "xref",
    "followup-to",
    "mail-followup-to",
    "mail-reply-to",
    "disposition-notification-to",
    "return-receipt-to",
    "resent-from",
    "resent-to",
    "resent-date",
    "resent-message-id",
    "resent-sender",
    "resent-cc",
    "list-id",
    "list-help",
    "list-post",
    "list-subscribe",
    "list-unsubscribe",
    "list-archive",
    "list-owner",
    "mailing-list",
    "auto-submitted",
    "encoding",
    "message",
    "apparently-to",
    "old-return-path",
    "old-x-envelope-to",
    "face",
    "openpgp",
    "cancel-lock",
    "nntp-posting-host",
    "nntp-posting-date",
    "injection-info",
    "injection-date",
    "posted-date",
    "accept-language",
    "acceptlanguage",
    "domainkey-signature",
    "dkim-signature",
    "authentication-results",
    "received-spf",
    "summary",
    "expires",
    "supersedes",
    "distribution",
    "article",
    "posted",
    "reply-by",
    "originator",
    "followup",
    "autoforwarded",
    "prevent-nondelivery-report",
    "alternate-recipient",
    "disclose-recipients",
    "return-receipt-requested",
    "x400-received"
  ].map((n) => n.toLowerCase())
)
const unknownField = (m) =>
  names(m).some((n) => {
    const k = n.toLowerCase()
    return (
      !k.startsWith("x-") && !k.startsWith("x_") && !KNOWN.has(k) && !k.startsWith("list-") && !k.startsWith("resent-")
    )
  })

/**
 * Mail programs whose Message-ID has one form in every message they write, with that form: the
 * ham of the corpus that name each write it in every message (rounds 40 and 48 read them).
 */
const PROGRAM_IDS = {
  Eudora: [/Eudora/i, /^\s*<(?:\d+\.){3,5}\d{14}\.[0-9a-f]{8}@[^<>\s@]+>/i],
  "The Bat!": [/The Bat!/i, /^\s*<\d{4,15}\.\d{14}@[^<>\s@]+>/],
  "Netscape 4": [/^\s*Mozilla 4\.\d+/i, /^\s*<[0-9A-F]{7,8}\.[0-9A-F]{7,8}@[^<>\s@]+>/],
  "Exchange 5.5 (Internet Mail Service)": [/Internet Mail Service/i, /^\s*<[0-9A-F]{32,48}@[^<>\s@]+>/i],
  "Outlook 97-2002": [
    /Microsoft Outlook (?:IMO|CWS|8\.|Build)|Microsoft Outlook, Build/i,
    /^\s*<(?:(?:[0-9a-f]{4})?[0-9a-f]{8}\$[0-9a-f]{8}\$[0-9a-f]{8}|[A-P]{28}\.)/i
  ],
  "Microsoft CDO": [/Microsoft CDO/i, /^\s*<[0-9a-f]{4,8}[0-9a-f]{8}\$[0-9a-f]{8}\$[0-9a-f]{8}@/i],
  KMail: [/KMail/i, /^\s*<\d{12}\.\d{5}\./],
  Mutt: [/^\s*Mutt\//i, /^\s*<\d{14}\.[A-Z]{1,2}\d+@/]
}
const programId = (families) => (m) => {
  const name = (get(m, "x-mailer") ?? get(m, "user-agent") ?? "").slice(0, 300)
  const id = get(m, "message-id") ?? ""
  return families.some((f) => PROGRAM_IDS[f][0].test(name) && !PROGRAM_IDS[f][1].test(id))
}
/** The fields each of these programs writes into every message (every ham of the corpus that names it has them). */
const PROGRAM_FIELDS = {
  Eudora: ["mime-version"],
  "The Bat!": ["x-priority", "content-transfer-encoding"],
  "Netscape 4": ["x-accept-language", "mime-version", "content-type"],
  "Exchange 5.5 (Internet Mail Service)": ["mime-version"]
}
const programFields = (families) => (m) => {
  const name = (get(m, "x-mailer") ?? get(m, "user-agent") ?? "").slice(0, 300)
  return families.some((f) => PROGRAM_IDS[f][0].test(name) && PROGRAM_FIELDS[f].some((k) => get(m, k) === undefined))
}
const listFields = (m) =>
  get(m, "list-id") !== undefined || get(m, "list-unsubscribe") !== undefined || get(m, "mailing-list") !== undefined
const BUILT_FOUR = ["Eudora", "The Bat!", "Netscape 4", "Exchange 5.5 (Internet Mail Service)"]

const candidates = {
  // The Date a relay wrote.
  "Date's instant a stamp at or above the origin (1 s)": (m) => dateHop(m) >= 0,
  "the same, no X-Mailer or User-Agent": (m) => dateHop(m) >= 0 && !mailerNamed(m),
  "the same, the Date's text the stamp's": (m) => dateHop(m) >= 0 && dateTextIsStamp(m),
  "the same, a hop below stamped 10 min or more before": (m) => dateAfterWait(m, 10 * MINUTE),
  "the same, 1 h or more before": (m) => dateAfterWait(m, HOUR),
  "the same, 6 h or more before": (m) => dateAfterWait(m, 6 * HOUR),
  "the Date's stamp hop above the origin (not the origin itself)": (m) => {
    const i = dateHop(m)
    return i >= 0 && i < originIndex(m)
  },
  "Date and Message-ID both the same relay's (hop at or above the origin)": (m) => {
    const i = dateHop(m)
    return i >= 0 && idOfHop(m, i)
  },
  "Date and Message-ID one relay's, no X-Mailer or User-Agent": (m) => {
    const i = dateHop(m)
    return i >= 0 && idOfHop(m, i) && !mailerNamed(m)
  },
  "Date and Message-ID one relay's, a hop below stamped 10 min or more before": (m) => {
    const i = dateHop(m)
    return i >= 0 && idOfHop(m, i) && dateAfterWait(m, 10 * MINUTE)
  },
  "Date and Message-ID one relay's, which took the message from a public address": (m) => {
    const i = dateHop(m)
    return i >= 0 && idOfHop(m, i) && isPublicV4(hops(m)[i].ip)
  },
  "Date comment names a relay adding it (`added by`)": (m) => /\badded by\b/i.test(get(m, "date") ?? ""),
  // A named program's Message-ID form.
  ...Object.fromEntries(
    Object.keys(PROGRAM_IDS).map((f) => [`${f} named, the Message-ID not in its form`, programId([f])])
  ),
  "Eudora, The Bat!, Netscape 4 or Exchange 5.5 named, the Message-ID not in its form": programId(BUILT_FOUR),
  "the same, no list fields (List-Id, List-Unsubscribe, Mailing-List)": (m) =>
    programId(BUILT_FOUR)(m) && !listFields(m),
  "the same, Outlook 97-2002 too": (m) => programId([...BUILT_FOUR, "Outlook 97-2002"])(m) && !listFields(m),
  "as built (message_id_not_program_form, the tokenizer of the build under test)": (m) =>
    Classifier.tokenize(m).features.includes("message_id_not_program_form"),
  ...Object.fromEntries(
    Object.keys(PROGRAM_FIELDS).map((f) => [`${f} named, a field it always writes missing`, programFields([f])])
  ),
  "Outlook Express or Outlook named, no MIME-Version": (m) =>
    /Microsoft Outlook|Outlook Express/i.test(get(m, "x-mailer") ?? "") && get(m, "mime-version") === undefined,
  "any of the four named, its Message-ID form or a field it always writes missing": (m) =>
    programId(BUILT_FOUR)(m) || programFields(BUILT_FOUR)(m),
  // Field names.
  "a field name no program writes (not X-, not a standard or common one)": unknownField,
  "the same, no list fields (List-Id, Mailing-List, Precedence)": (m) =>
    unknownField(m) &&
    get(m, "list-id") === undefined &&
    get(m, "mailing-list") === undefined &&
    get(m, "precedence") === undefined,
  "a field name with a character outside letters, digits and `-`": (m) => names(m).some((n) => /[^A-Za-z0-9-]/.test(n)),
  "a field named twice that a program writes once (Date, From, Subject, Message-ID, MIME-Version, Content-Type, X-Mailer)":
    (m) => {
      const seen = new Set()
      for (const n of names(m)) {
        const k = n.toLowerCase()
        if (!["date", "from", "subject", "message-id", "mime-version", "content-type", "x-mailer"].includes(k)) continue
        if (seen.has(k)) return true
        seen.add(k)
      }
      return false
    },
  "Subject field absent": (m) => get(m, "subject") === undefined,
  "MIME-Version after Content-Type (both present, no list fields)": (m) => {
    const n = names(m).map((x) => x.toLowerCase())
    const v = n.indexOf("mime-version")
    const c = n.indexOf("content-type")
    return v >= 0 && c >= 0 && v > c && get(m, "list-id") === undefined
  }
}

// Coarse traits for `--pairs` (a search, not candidates: most are in hundreds of ham alone): the
// header block's and the chain's shapes, against each other and the build's own weak features.
const FEATURES = [
  "return_path_other_domain",
  "reply_to_other_domain",
  "html_only",
  "to_undisclosed",
  "subject_padding",
  "subject_exclaim",
  "received_forged_helo",
  "body_exclaim",
  "body_caps",
  "text_plain_markup"
]
/** A name's last two labels (three under a two-letter country's second level): enough to count by. */
const domainOf = (name) => {
  const labels = (name ?? "")
    .toLowerCase()
    .replace(/[>.\s]+$/, "")
    .split(".")
  const n = labels.length >= 3 && /^(co|com|net|org|ac|gov|ne|or)$/.test(labels.at(-2)) ? 3 : 2
  return labels.slice(-n).join(".")
}
const addressDomain = (v) => domainOf(/@([A-Za-z0-9.-]+)/.exec(v ?? "")?.[1])
const origin = (m) => hops(m)[originIndex(m)]
const FREE =
  /^(hotmail|yahoo|aol|msn|excite|lycos|juno|netscape|earthlink|mail|email|usa|altavista|netzero|compuserve)\./
const traits = {
  "date by a relay": (m) => dateHop(m) >= 0,
  "date text a stamp": dateTextIsStamp,
  "date and id one relay's": (m) => {
    const i = dateHop(m)
    return i >= 0 && idOfHop(m, i)
  },
  "date without weekday": (m) => /^\s*\d/.test(get(m, "date") ?? ""),
  "date day zero-padded": (m) => /^\s*[a-z]{3},\s+0\d\s/i.test(get(m, "date") ?? ""),
  "date zone a name or -0000": (m) => /(?:[a-z]{2,4}|-0000)\s*(?:\([^)]*\))?\s*$/i.test(get(m, "date") ?? ""),
  "date offset not the origin stamp's": (m) => {
    const z = (s) => /([+-]\d{4})/.exec(s ?? "")?.[1]
    const a = z(get(m, "date"))
    const b = z(origin(m)?.date)
    return a !== undefined && b !== undefined && a !== b
  },
  "no mailer named": (m) => !mailerNamed(m),
  "no MIME-Version": (m) => get(m, "mime-version") === undefined,
  "text/plain, no charset": (m) => /^\s*text\/plain\s*;?\s*$/i.test(get(m, "content-type") ?? ""),
  "charset unquoted": (m) => /charset=[^"\s]/i.test(get(m, "content-type") ?? ""),
  "id domain not From's": (m) => {
    const id = msgId(m)
    return id !== null && domainOf(id[2]) !== addressDomain(get(m, "from"))
  },
  "id domain no hop's": (m) => {
    const id = msgId(m)
    if (id === null) return false
    const d = domainOf(id[2])
    return !hops(m).some((h) => domainOf(h.by) === d || domainOf(h.helo) === d || domainOf(h.rdns) === d)
  },
  "id local part digits and dots only": (m) => /^[\d.]+$/.test(msgId(m)?.[1] ?? "x"),
  "id by a relay": (m) => hops(m).some((_, i) => idOfHop(m, i)),
  "From bare address": (m) => !/[<"]/.test(get(m, "from") ?? "<"),
  "From free mail": (m) => FREE.test(addressDomain(get(m, "from"))),
  "From local part with digits": (m) => /\d[^@]*@/.test(/[^<\s"]+@/.exec(get(m, "from") ?? "")?.[0] ?? ""),
  "To absent": (m) => get(m, "to") === undefined,
  "To on From's domain": (m) => {
    const t = addressDomain(get(m, "to"))
    return t !== "" && t === addressDomain(get(m, "from"))
  },
  "Reply-To present": (m) => get(m, "reply-to") !== undefined,
  "Sender or Errors-To, no list fields": (m) =>
    (get(m, "sender") !== undefined || get(m, "errors-to") !== undefined) && get(m, "list-id") === undefined,
  "X-Priority present": (m) => get(m, "x-priority") !== undefined,
  "origin plain SMTP": (m) => /\bwith\s+SMTP\b/i.test(origin(m)?.raw ?? ""),
  "origin HELO no dot": (m) => {
    const h = origin(m)?.helo
    return h !== undefined && !h.includes(".")
  },
  "origin no rDNS": (m) => originIndex(m) >= 0 && !origin(m).rdns,
  "origin HELO not its rDNS's domain": (m) => {
    const o = origin(m)
    return o?.helo !== undefined && o.rdns !== undefined && domainOf(o.helo) !== domainOf(o.rdns)
  },
  "origin HELO not From's domain": (m) => {
    const o = origin(m)
    return o?.helo !== undefined && domainOf(o.helo) !== addressDomain(get(m, "from"))
  },
  "one public hop": (m) => hops(m).filter((h) => isPublicV4(h.ip)).length === 1,
  "no hop below the origin": (m) => originIndex(m) === hops(m).length - 1,
  "few author fields (8 or fewer non-trace)": (m) =>
    names(m).filter((n) => !/^(received|return-path|delivered-to|delivery-date|x-)/i.test(n)).length <= 8,
  "three or more X- fields": (m) => names(m).filter((n) => /^x-/i.test(n)).length >= 3,
  ...Object.fromEntries(FEATURES.map((f) => [f, (m) => Classifier.tokenize(m).features.includes(f)]))
}

if (args.includes("--pairs"))
  printPairTable({ Classifier, corpus, model, traits, keep: (r) => r.ham === 0 && r.near >= 3 })
else printMissTable({ Classifier, corpus, model, candidates, show, near: NEAR })
