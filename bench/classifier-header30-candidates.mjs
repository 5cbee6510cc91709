#!/usr/bin/env node
// Word-free shapes of the header block, the Received chain and the MIME structure that rounds 17,
// 20, 25, 31, 32 and 35 did not read, counted per corpus subset before any is built: the counts
// behind round 40 in docs/classifier.md. The Date's forms (a zone name that contradicts its
// offset, the zone against the origin hop's), the fields a claimed mail program writes (which, in
// which order, with which values), Message-ID against HELO and From, Content-Type forms, Received
// hops whose addresses or names cannot be, and X- fields a tool invents. Same columns as
// bench/classifier-header-candidates.mjs (round 32), whose 61 candidates are not repeated here.
//
// Header names are not read by their case: the collection rewrote most of the corpus's names
// (`Message-Id`, `X-Msmail-Priority` in most ham and spam alike), so case is an artefact here.
//
//   node bench/classifier-header30-candidates.mjs [--corpus DIR] [--dist PATH/index.js] [--model FILE]
//     [--show NAME]   (prints the files that carry candidate NAME, ham first)
//
// Needs `npx turbo run build --filter=@mailmoat/antispam`; exits 2 without a corpus.
import { candidateSetup, opt, originIndex, parseHeaderTime, printMissTable } from "./classifier-common.mjs"
import { addresses, regDomain } from "./classifier-ham-side.mjs"

const { corpus, Classifier, model } = await candidateSetup()
const show = opt("show", undefined)
/** Spam missed with none known at this probability or more: what a late weight of about 1 can lift. */
const NEAR = 0.7

const get = (m, name) => m.headers.get(name)
const hops = (m) => m.received ?? []
const lowerNames = (m) => m.headers.list.map((h) => h.name.toLowerCase())
const mailerOf = (m) => `${get(m, "x-mailer") ?? ""} ${get(m, "user-agent") ?? ""}`.trim()
const OE = /^\s*microsoft outlook express \d/i
const OUTLOOK = /^\s*microsoft outlook(?!\s+express)\b/i
const claimsOe = (m) => OE.test(get(m, "x-mailer") ?? "")
const claimsOutlook = (m) => OUTLOOK.test(get(m, "x-mailer") ?? "")
const originAt = originIndex
const fromDomain = (m) => addresses(get(m, "from"))[0]?.domain
const idDomain = (m) => /@([^<>\s@]+)>\s*$/.exec(get(m, "message-id") ?? "")?.[1]?.toLowerCase()

// Date forms.
const ZONES = {
  GMT: 0,
  UT: 0,
  UTC: 0,
  WET: 0,
  BST: 60,
  WEST: 60,
  CET: 60,
  MET: 60,
  CEST: 120,
  MEST: 120,
  MESZ: 120,
  MEZ: 60,
  EET: 120,
  EEST: 180,
  MSK: 180,
  MSD: 240,
  JST: 540,
  KST: 540,
  HKT: 480,
  SGT: 480,
  AEST: 600,
  AEDT: 660,
  NZST: 720,
  NZDT: 780,
  EST: -300,
  EDT: -240,
  CST: -360,
  CDT: -300,
  MST: -420,
  MDT: -360,
  PST: -480,
  PDT: -420,
  AKST: -540,
  AKDT: -480,
  HST: -600
}
const offsetOf = (v) => {
  const z = /\d:\d\d(?::\d\d)?\s+([+-])(\d\d)(\d\d)\b/.exec(v ?? "")
  return z ? (z[1] === "-" ? -1 : 1) * (Number(z[2]) * 60 + Number(z[3])) : undefined
}
const zoneName = (v) => /\d\s+[+-]\d{4}\s*\(\s*([A-Za-z]{2,5})\s*\)/.exec(v ?? "")?.[1]?.toUpperCase()
/** The Date names a zone (in its comment) that is not its numeric offset: both come from one clock setting in a program. */
const zoneContradicts = (v) => {
  const name = zoneName(v)
  const offset = offsetOf(v)
  return name !== undefined && ZONES[name] !== undefined && offset !== undefined && ZONES[name] !== offset
}
const dateOf = (m) => get(m, "date") ?? ""
const stampOffset = (hop) => offsetOf(hop?.date)
const absDiffMin = (a, b) => (a === undefined || b === undefined ? undefined : Math.abs(a - b) / 60_000)

// Content-Type forms.
const ctOf = (m) => get(m, "content-type") ?? ""

/** A header field name no standard or program spells: X- then a random run (mixed case and digits). */
const randomXName = (n) =>
  /^x-[a-z0-9]{6,}$/i.test(n) && /\d/.test(n.slice(2)) && /[a-z]/i.test(n.slice(2)) && !/^x-[a-z]+\d*$/i.test(n)

const candidates = {
  // Date.
  "Date: zone name in the comment contradicts the offset (-0400 (PST))": (m) => zoneContradicts(dateOf(m)),
  "Date: a zone name alone, no numeric offset": (m) => /\d:\d\d(?::\d\d)?\s+[A-Za-z]{2,5}\s*$/.test(dateOf(m)),
  "Date: no blank after the weekday's comma (Wed,29 May)": (m) => /^\s*[A-Za-z]{3},\S/.test(dateOf(m)),
  "Date: weekday not in its three-letter form (Thur, Monday)": (m) => /^\s*[A-Za-z]{4,},/.test(dateOf(m)),
  "Date: month or weekday not in title case (MON, aug)": (m) =>
    /^\s*(?:[A-Za-z]{3},\s*)?\d{1,2}\s+(?![A-Z][a-z]{2}\s)[A-Za-z]{3}\s/.test(dateOf(m)) ||
    /^\s*(?![A-Z][a-z]{2},)[A-Za-z]{3},/.test(dateOf(m)),
  "Date: two blanks or a tab inside (not after the comma)": (m) => /\d[ \t]{2,}\S|\d\t/.test(dateOf(m)),
  "Date: offset without a sign (0500)": (m) => /\d:\d\d:\d\d\s+\d{4}\s*(?:\(|$)/.test(dateOf(m)),
  "Date: a year before 1995 or a zone beyond +-1200 in whole hours": (m) =>
    /\b19[0-8]\d\b/.test(dateOf(m)) || Math.abs(offsetOf(dateOf(m)) ?? 0) > 720,
  "Date: the same offset as the origin hop, the clock 2+ h off it": (m) => {
    const o = originAt(m)
    if (o < 0) return false
    const h = hops(m)[o]
    const d = absDiffMin(parseHeaderTime(dateOf(m)), parseHeaderTime(h.date))
    return d !== undefined && d >= 120 && d < 1440 && offsetOf(dateOf(m)) === stampOffset(h)
  },
  "Date: the local time equals the origin hop's (2 min), the offset another": (m) => {
    const o = originAt(m)
    if (o < 0) return false
    const h = hops(m)[o]
    const a = offsetOf(dateOf(m))
    const b = stampOffset(h)
    const ta = parseHeaderTime(dateOf(m))
    const tb = parseHeaderTime(h.date)
    if (a === undefined || b === undefined || ta === undefined || tb === undefined || a === b) return false
    return Math.abs(ta + a * 60_000 - (tb + b * 60_000)) <= 120_000
  },
  "Date: whole hours off the origin hop (1+ h, within 3 min), offset equal to the hop's": (m) => {
    const o = originAt(m)
    if (o < 0) return false
    const h = hops(m)[o]
    const ta = parseHeaderTime(dateOf(m))
    const tb = parseHeaderTime(h.date)
    if (ta === undefined || tb === undefined) return false
    const diff = Math.abs(ta - tb)
    const hours = Math.round(diff / 3_600_000)
    return hours >= 1 && hours <= 14 && Math.abs(diff - hours * 3_600_000) <= 180_000
  },
  "Date: zone name contradicts, or a Received stamp's zone name contradicts its offset": (m) =>
    zoneContradicts(dateOf(m)) || hops(m).some((h) => zoneContradicts(h.date)),
  "Received: a stamp whose zone name contradicts its offset": (m) => hops(m).some((h) => zoneContradicts(h.date)),
  // The origin hop and what it says.
  "Received: an IP with an octet over 255 or a zero-padded octet (a HELO or the client)": (m) =>
    hops(m).some((h) =>
      [...h.raw.matchAll(/(?<![\d.])(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})(?![\d.])/g)].some((x) =>
        x.slice(1).some((o) => Number(o) > 255 || (o.length > 1 && o.startsWith("0")))
      )
    ),
  "Received: the origin hop's HELO is an address with an octet over 255 or zero-padded": (m) => {
    const o = originAt(m)
    if (o < 0) return false
    const helo = hops(m)[o].helo ?? ""
    const x = /^\[?(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\]?$/.exec(helo)
    return !!x && x.slice(1).some((p) => Number(p) > 255 || (p.length > 1 && p.startsWith("0")))
  },
  "Received: a hop below the origin whose `by` is not the `from` of the hop above (names differ)": (m) => {
    const o = originAt(m)
    const hs = hops(m)
    if (o < 0 || o + 1 >= hs.length) return false
    const below = hs[o + 1]
    const by = regDomain(below.by)
    const names = [hs[o].helo, hs[o].rdns].map(regDomain).filter(Boolean)
    return by !== undefined && names.length > 0 && !names.includes(by)
  },
  "Received: a hop below the origin stamped 1+ h after it": (m) => {
    const o = originAt(m)
    const hs = hops(m)
    if (o < 0) return false
    const t = parseHeaderTime(hs[o].date)
    return hs.slice(o + 1).some((h) => {
      const b = parseHeaderTime(h.date)
      return t !== undefined && b !== undefined && b - t > 3_600_000
    })
  },
  "Received: the origin hop names the recipient's relay as HELO (helo = by host)": (m) => {
    const o = originAt(m)
    if (o < 0) return false
    const h = hops(m)[o]
    return !!h.helo && !!h.by && h.helo.toLowerCase() === h.by.toLowerCase()
  },
  "Received: the origin hop's HELO is From's domain bare, rDNS another domain": (m) => {
    const o = originAt(m)
    const f = fromDomain(m)
    if (o < 0 || !f) return false
    const h = hops(m)[o]
    return (h.helo ?? "").toLowerCase() === f && regDomain(h.rdns) !== undefined && regDomain(h.rdns) !== regDomain(f)
  },
  "Received: origin hop's HELO is a big provider's name, rDNS not": (m) => {
    const o = originAt(m)
    if (o < 0) return false
    const h = hops(m)[o]
    const big = /(?:^|\.)(?:yahoo|hotmail|msn|aol|mail\.com|excite|juno|earthlink|compuserve)\b/i
    return big.test(h.helo ?? "") && !!h.rdns && !big.test(h.rdns)
  },
  // Message-ID against the hops and From.
  "Message-ID: domain is the origin hop's HELO, a name in neither From's nor the rDNS's domain": (m) => {
    const o = originAt(m)
    const id = idDomain(m)
    if (o < 0 || !id) return false
    const h = hops(m)[o]
    const helo = (h.helo ?? "").toLowerCase()
    return (
      helo === id &&
      helo.includes(".") &&
      regDomain(helo) !== regDomain(fromDomain(m)) &&
      regDomain(helo) !== regDomain(h.rdns)
    )
  },
  "Message-ID: domain a big provider's, From elsewhere": (m) => {
    const id = idDomain(m) ?? ""
    const f = regDomain(fromDomain(m))
    return /(?:^|\.)(?:yahoo\.com|hotmail\.com|msn\.com|aol\.com)$/.test(id) && f !== undefined && f !== regDomain(id)
  },
  "Message-ID: domain is the recipient's (To's) domain": (m) => {
    const id = regDomain(idDomain(m))
    const to = addresses(get(m, "to")).map((a) => regDomain(a.domain))
    const f = regDomain(fromDomain(m))
    return id !== undefined && to.includes(id) && id !== f
  },
  "Message-ID: local part holds the Date's digits (YYYYMMDD) off by a day or more": (m) => {
    const local = /<(\d{14})/.exec(get(m, "message-id") ?? "")?.[1]
    const t = parseHeaderTime(dateOf(m))
    if (!local || t === undefined) return false
    const y = Number(local.slice(0, 4))
    const mo = Number(local.slice(4, 6)) - 1
    const d = Number(local.slice(6, 8))
    const idt = Date.UTC(y, mo, d)
    return y >= 1995 && y <= 2030 && Math.abs(idt - t) > 2 * 86_400_000
  },
  // The program's fingerprint.
  "OE named: no X-Priority or no X-MSMail-Priority": (m) =>
    claimsOe(m) && (get(m, "x-priority") === undefined || get(m, "x-msmail-priority") === undefined),
  "OE named: Importance present (OE never writes it)": (m) => claimsOe(m) && get(m, "importance") !== undefined,
  "OE named: X-MimeOLE's version not X-Mailer's": (m) => {
    const a = /(\d+\.\d+\.\d{4}\.\d{4})/.exec(get(m, "x-mailer") ?? "")?.[1]
    const b = /(\d+\.\d+\.\d{4}\.\d{4})/.exec(get(m, "x-mimeole") ?? "")?.[1]
    return claimsOe(m) && !!a && !!b && a !== b
  },
  "OE named: X-Priority in Outlook's `3 (Normal)` form": (m) =>
    claimsOe(m) && /\(\s*[a-z]+\s*\)/i.test(get(m, "x-priority") ?? ""),
  "Outlook named: X-Priority and X-MSMail-Priority disagree": (m) => {
    const p = /^\s*(\d)/.exec(get(m, "x-priority") ?? "")?.[1]
    const s = (get(m, "x-msmail-priority") ?? "").trim().toLowerCase()
    if (!p || !s) return false
    const want = { 1: "high", 2: "high", 3: "normal", 4: "low", 5: "low" }[p]
    return want !== undefined && !s.startsWith(want)
  },
  "OE or Outlook named: Content-Type not right after MIME-Version (CTE aside)": (m) => {
    if (!claimsOe(m) && !claimsOutlook(m)) return false
    const n = lowerNames(m).filter((x) => x !== "content-transfer-encoding")
    const v = n.indexOf("mime-version")
    return v >= 0 && n.indexOf("content-type") !== v + 1
  },
  "OE named: X-Mailer not followed by X-MimeOLE": (m) => {
    if (!claimsOe(m)) return false
    const n = lowerNames(m)
    const x = n.indexOf("x-mailer")
    return n.includes("x-mimeole") && n[x + 1] !== "x-mimeole"
  },
  "OE named: X-Priority after X-Mailer": (m) => {
    if (!claimsOe(m)) return false
    const n = lowerNames(m)
    return n.includes("x-priority") && n.indexOf("x-priority") > n.indexOf("x-mailer")
  },
  "OE named: MIME-Version after X-Mailer": (m) => {
    if (!claimsOe(m)) return false
    const n = lowerNames(m)
    return n.includes("mime-version") && n.indexOf("mime-version") > n.indexOf("x-mailer")
  },
  "OE named: Content-Type after X-Mailer": (m) => {
    if (!claimsOe(m)) return false
    const n = lowerNames(m)
    return n.includes("content-type") && n.indexOf("content-type") > n.indexOf("x-mailer")
  },
  "OE named: Reply-To before From": (m) => {
    if (!claimsOe(m)) return false
    const n = lowerNames(m)
    return n.includes("reply-to") && n.indexOf("reply-to") < n.indexOf("from")
  },
  "any program: X-Priority with no X-MSMail-Priority, value in Outlook's `(Normal)` form, not Outlook": (m) =>
    /\(\s*normal\s*\)/i.test(get(m, "x-priority") ?? "") && !claimsOutlook(m) && !claimsOe(m),
  "any: X-MSMail-Priority under a program not Microsoft's (named)": (m) =>
    get(m, "x-msmail-priority") !== undefined &&
    mailerOf(m) !== "" &&
    !/microsoft|outlook|exchange|mimeole|windows mail/i.test(mailerOf(m)),
  "any: Importance with X-Priority, no program named": (m) =>
    get(m, "importance") !== undefined && get(m, "x-priority") !== undefined && mailerOf(m) === "",
  "OE named: no X-Priority or no X-MSMail-Priority, any version form": (m) =>
    /^\s*microsoft outlook express/i.test(get(m, "x-mailer") ?? "") &&
    !/macintosh/i.test(get(m, "x-mailer") ?? "") &&
    (get(m, "x-priority") === undefined || get(m, "x-msmail-priority") === undefined),
  "Outlook 97-2002 named (IMO, CWS, Build, 8.x): no X-Priority, X-MSMail-Priority or Importance": (m) =>
    /^\s*microsoft outlook(?: imo| cws| 8\.\d+)?, build \d/i.test(get(m, "x-mailer") ?? "") &&
    ["x-priority", "x-msmail-priority", "importance"].some((n) => get(m, n) === undefined),
  "OE or Outlook 97-2002 named, a field it always writes missing (mailer_fields_missing)": (m) =>
    (/^\s*microsoft outlook express \d/i.test(get(m, "x-mailer") ?? "") &&
      (get(m, "x-priority") === undefined || get(m, "x-msmail-priority") === undefined)) ||
    (/^\s*microsoft outlook(?: imo| cws| 8\.\d+)?, build \d/i.test(get(m, "x-mailer") ?? "") &&
      ["x-priority", "x-msmail-priority", "importance"].some((n) => get(m, n) === undefined)),
  "OE named: Message-ID not in its `$` form": (m) =>
    claimsOe(m) &&
    !/^\s*<(?:[0-9a-f]{4})?[0-9a-f]{8}\$[0-9a-f]{8}\$[0-9a-f]{8}@[^<>\s@]+>\s*$/i.test(get(m, "message-id") ?? ""),
  "OE named: Message-ID not in its form, nor Hotmail's for its web-mail users (message_id_not_mailers)": (m) =>
    claimsOe(m) &&
    get(m, "message-id") !== undefined &&
    !/^\s*<(?:[0-9a-f]{4})?[0-9a-f]{8}\$[0-9a-f]{8}\$[0-9a-f]{8}@[^<>\s@]+>\s*$/i.test(get(m, "message-id")) &&
    !/@(?:[a-z0-9-]+\.)*(?:hotmail\.com|msn\.com|phx\.gbl)>\s*$/i.test(get(m, "message-id")),
  "Outlook 97-2002 named: Message-ID in neither the `$` form nor Outlook 2000's capitals": (m) =>
    claimsOutlook(m) &&
    !/^\s*<(?:[0-9a-f]{4})?[0-9a-f]{8}\$[0-9a-f]{8}\$[0-9a-f]{8}@[^<>\s@]+>\s*$/i.test(get(m, "message-id") ?? "") &&
    !/^\s*<[A-P]{28}\./.test(get(m, "message-id") ?? ""),
  // As built (ReceivedProviderHost.ts, its provider families those of ProviderRelay.ts with Gmail's
  // reverse names): read from the tokenizer of the build under test.
  "Received: origin HELO a host under a web-mail provider (not its bare domain), rDNS an FQDN and receiver outside it (received_provider_host_forged)":
    (m) => Classifier.tokenize(m).features.includes("received_provider_host_forged"),
  // X- fields a tool invents.
  "X- field with a random name (letters and digits mixed)": (m) => lowerNames(m).some(randomXName),
  "X- field named X-Info, X-Info2, X-Library, X-Encoding, X-Em-*": (m) =>
    lowerNames(m).some((n) => /^x-(?:info2?|library|encoding|em-version|em-registration)$/.test(n)),
  "X- field whose value is empty": (m) => m.headers.list.some((h) => /^x-/i.test(h.name) && h.value.trim() === ""),
  "a field whose value is empty (not Cc, X-*)": (m) =>
    m.headers.list.some((h) => !/^(?:x-|cc$|bcc$)/i.test(h.name) && h.value.trim() === ""),
  // Content-Type forms.
  "Content-Type: no blank after `;` (text/plain;charset=)": (m) => /^[a-z]+\/[a-z.+-]+;\S/i.test(ctOf(m)),
  "Content-Type: the type in capitals (TEXT/HTML)": (m) => /^[A-Z]+\/[A-Z]+\b/.test(ctOf(m)),
  "Content-Type: charset on a multipart": (m) => /^multipart\/[^;]*;.*\bcharset\s*=/i.test(ctOf(m)),
  "Content-Type: `format=flowed` with no program named": (m) =>
    /format\s*=\s*"?flowed/i.test(ctOf(m)) && mailerOf(m) === "",
  "Content-Type: a blank before `=` or `;` (charset = x)": (m) => /\s=|\s;/.test(ctOf(m)),
  "Content-Type: charset quoted with single quotes or unbalanced": (m) =>
    /charset\s*=\s*'/i.test(ctOf(m)) || /charset\s*=\s*"[^"]*$/i.test(ctOf(m)),
  "Content-Type: a parameter named twice": (m) => {
    const ps = [...ctOf(m).matchAll(/;\s*([a-z-]+)\s*=/gi)].map((x) => x[1].toLowerCase())
    return new Set(ps).size < ps.length
  },
  "MIME: a part's Content-Transfer-Encoding in capitals or odd case (BASE64, Quoted-Printable)": (m) =>
    m.headers.getAll("content-transfer-encoding").some((v) => /^\s*(?:BASE64|QUOTED-PRINTABLE|7BIT|8BIT)\s*$/.test(v))
}

printMissTable({ Classifier, corpus, model, candidates, show, near: NEAR })
