#!/usr/bin/env node
// Word-free shapes of a message's header block and MIME structure, counted per corpus subset
// before any is built: the counts behind round 32 in docs/classifier.md. Like
// bench/classifier-body-candidates.mjs (body, HTML, links), a candidate is worth building as a late
// trait only when ham next to never shows it (0-1 of 4,150) and spam the model misses with none of
// the words known do; the last columns say how many spam carrying it the given model misses with
// all words known and with none (its feature tokens alone), and how many of those no feature the
// model weighs already marks.
//
//   node bench/classifier-header-candidates.mjs [--corpus DIR] [--dist PATH/index.js] [--model FILE]
//     [--show NAME]   (prints the files that carry candidate NAME, ham first)
//
// Needs `npx turbo run build --filter=@mailmoat/antispam`; exits 2 without a corpus.
import { candidateSetup, opt, parseHeaderTime, printMissTable } from "./classifier-common.mjs"

const { corpus, Classifier, model } = await candidateSetup()
const show = opt("show", undefined)

const leaves = (p) => (p.children.length === 0 ? [p] : p.children.flatMap(leaves))
const get = (m, name) => m.headers.get(name)
const names = (m) => m.headers.list.map((h) => h.name)
const mailer = (m) => `${get(m, "x-mailer") ?? ""} ${get(m, "user-agent") ?? ""}`.trim()
const claimsMicrosoft = (m) => /outlook|microsoft|exchange|windows mail|mimeole/i.test(mailer(m))
const ipv4 = (ip) => {
  const p = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(ip ?? "")
  return p ? p.slice(1).map(Number) : undefined
}
const isPrivate = (o) =>
  o[0] === 10 ||
  o[0] === 127 ||
  (o[0] === 192 && o[1] === 168) ||
  (o[0] === 172 && o[1] >= 16 && o[1] <= 31) ||
  (o[0] === 169 && o[1] === 254) ||
  o[0] === 0
const isPublic = (ip) => {
  const o = ipv4(ip)
  return !!o && !isPrivate(o) && o[0] < 224
}
const hops = (m) => m.received ?? []
const protocol = (hop) => /\bwith\s+([A-Za-z0-9_-]+)/i.exec(hop.raw)?.[1]
const queueId = (hop) => /\bid\s+<?([A-Za-z0-9._-]{6,})/i.exec(hop.raw)?.[1]
const msgId = (m) => /^\s*<([^<>@\s]+)@([^<>\s]+)>/.exec(get(m, "message-id") ?? "")
const byName = (hop) => (hop.by ?? "").toLowerCase()
const viaWeb = (hop) => /\b(?:via|with)\s+https?\b/i.test(hop.raw)
/** The Message-ID's domain is the `by` host of a hop that took the message from a public IP over SMTP. */
const relayWritten = (m, needId) => {
  const id = msgId(m)
  if (!id) return false
  const domain = id[2].toLowerCase()
  return hops(m).some(
    (h) =>
      byName(h) === domain &&
      isPublic(h.ip) &&
      !viaWeb(h) &&
      (!needId || (queueId(h) !== undefined && id[1].includes(queueId(h))))
  )
}
const KNOWN_PROTOCOLS =
  /^(?:e?smtps?a?|esmtpsa|lmtps?a?|https?|imaps?|pop3?s?|local|microsoft|qmqp|uucp|asmtp|mapi|smtpsvc|smtp-auth|bsmtp|rsmtp|ssmtp|utf8smtps?a?|esmtpx|xmail|internet|mailfrontier|lotus|notes|ims|mercury|x400|ccmail|mmdf|cmd|pipe|qmail|bellsouth|sendmail|postfix|exim|ecelerity|interscan|mfwd|flmgr|sa|ldap|nntp|mms|stub|dsmtp|esmtp_auth|mail)$/i
const CASES = {
  "message-id": ["Message-ID", "Message-Id", "Message-id", "MESSAGE-ID"],
  "mime-version": ["MIME-Version", "Mime-Version", "Mime-version", "MIME-version", "MIME-VERSION"],
  "content-type": ["Content-Type", "Content-type", "CONTENT-TYPE"],
  "content-transfer-encoding": [
    "Content-Transfer-Encoding",
    "Content-transfer-encoding",
    "Content-Transfer-encoding",
    "CONTENT-TRANSFER-ENCODING"
  ],
  subject: ["Subject", "SUBJECT"],
  from: ["From", "FROM"],
  to: ["To", "TO"],
  date: ["Date", "DATE"]
}
const oddCase = (m) =>
  m.headers.list.some((h) => {
    const c = CASES[h.name.toLowerCase()]
    return c !== undefined && !c.includes(h.name)
  })
const boundaryOf = (m) => /boundary\s*=\s*"?([^";]+)"?/i.exec(get(m, "content-type") ?? "")?.[1]
const OE_BOUNDARY = /^-*=_NextPart_\d{3}_[0-9A-F]{4,8}_([0-9A-F]{8})\.([0-9A-F]{8})$/i
const filetimeSteps = (t) => (t * 1e4 + 11_644_473_600 * 1e7) / 2 ** 32
const oeBoundaryOffClock = (m) => {
  const b = OE_BOUNDARY.exec(boundaryOf(m) ?? "")
  if (!b) return false
  const steps = Number.parseInt(b[1], 16)
  const times = [get(m, "date"), ...hops(m).map((h) => h.date)].map(parseHeaderTime).filter((t) => t !== undefined)
  return times.length > 0 && times.every((t) => Math.abs(steps - filetimeSteps(t)) >= 250)
}
const OUTLOOK_ID = /^\s*<[0-9a-f]{4}([0-9a-f]{8})\$[0-9a-f]{8}\$[0-9a-f]{8}@/i
const outOfOrder = (m, wanted) => {
  const pos = wanted.map((n) => names(m).findIndex((x) => x.toLowerCase() === n)).filter((i) => i >= 0)
  return pos.some((p, i) => i > 0 && p < pos[i - 1])
}
const originIndex = (m) => {
  const hs = hops(m)
  for (let i = hs.length - 1; i >= 0; i--) if (isPublic(hs[i].ip)) return i
  return -1
}
const heloIp = (hop) => /^\[?(\d{1,3}(?:\.\d{1,3}){3})\]?$/.exec(hop.helo ?? "")?.[1]
const ENCODED = /=\?[^?\s]+\?[bq]\?[^?\s]*\?=/gi
const brokenEncoded = (v) => {
  const s = v ?? ""
  return s.includes("=?") && s.replace(ENCODED, "").includes("=?")
}
const registrable = (host) => (host ?? "").toLowerCase().split(".").slice(-2).join(".")
const BIG =
  /(?:^|\.)(?:aol\.com|yahoo\.com|hotmail\.com|msn\.com|rr\.com|mail\.com|pibi\.net|aolmd\.com|att\.net|earthlink\.net|juno\.com|excite\.com|compuserve\.com|prodigy\.net)$/i

/**
 * Whether the origin hop (the oldest public one) wrote the Message-ID (its `by` host, its queue id)
 * for a message taken over plain SMTP that names no mail program; optionally only when the HELO is
 * not in From's domain, and not in the reverse DNS name's (two-label domains: a count, not the
 * classifier's public-suffix reading).
 */
const relayByOrigin = (m, notFrom, notRdns) => {
  const o = originIndex(m)
  const id = msgId(m)
  if (o < 0 || !id || mailer(m) !== "") return false
  const h = hops(m)[o]
  const q = queueId(h)
  const from = /@([A-Za-z0-9.-]+)/.exec(get(m, "from") ?? "")?.[1] ?? ""
  const helo = registrable(h.helo ?? "")
  return (
    byName(h) === id[2].toLowerCase() &&
    !!q &&
    id[1].includes(q) &&
    /\bwith\s+SMTP\b/i.test(h.raw) &&
    (!notFrom || helo !== registrable(from)) &&
    (!notRdns || !h.rdns || helo !== registrable(h.rdns))
  )
}
const FOREIGN_PROGRAM =
  /^\s*(?:aol \d|mail for aol\b|(?:qualcomm )?(?:windows |macintosh )?eudora\b|the bat!|mozilla 4\.\d+ \[|juno \d|egroups message poster|at&t message center|dtmail\b|mutt\/|kmail\/|sylpheed\b|(?:ximian )?evolution \d|apple mail \(|(?:mozilla )?thunderbird\b)/i
const foreignProgram = (m) =>
  FOREIGN_PROGRAM.test(get(m, "x-mailer") ?? "") || FOREIGN_PROGRAM.test(get(m, "user-agent") ?? "")

const candidates = {
  // Round 32, second reading.
  "X-MimeOLE, no X-Mailer or User-Agent": (m) => get(m, "x-mimeole") !== undefined && mailer(m) === "",
  "X-Priority, no X-Mailer or User-Agent": (m) => get(m, "x-priority") !== undefined && mailer(m) === "",
  "Sender identical to From": (m) =>
    get(m, "sender") !== undefined && get(m, "sender")?.trim() === get(m, "from")?.trim(),
  "Disposition-Notification-To or Return-Receipt-To, not a reply": (m) =>
    (get(m, "disposition-notification-to") !== undefined || get(m, "return-receipt-to") !== undefined) &&
    get(m, "in-reply-to") === undefined &&
    get(m, "references") === undefined,
  "origin HELO in the receiving host's domain, rDNS another's": (m) => {
    const o = originIndex(m)
    if (o < 0) return false
    const h = hops(m)[o]
    const helo = (h.helo ?? "").toLowerCase()
    return (
      helo.includes(".") &&
      registrable(helo) === registrable(byName(h)) &&
      registrable(h.rdns ?? "") !== registrable(helo)
    )
  },
  "To on From's domain, another mailbox, no Cc": (m) => {
    const f = /([^<>\s@]+)@([A-Za-z0-9.-]+)/.exec(get(m, "from") ?? "")
    const t = /([^<>\s@,]+)@([A-Za-z0-9.-]+)/.exec(get(m, "to") ?? "")
    return (
      !!f &&
      !!t &&
      f[2].toLowerCase() === t[2].toLowerCase() &&
      f[1].toLowerCase() !== t[1].toLowerCase() &&
      get(m, "cc") === undefined &&
      !/,/.test(get(m, "to") ?? "")
    )
  },
  "origin hop's HELO a bare word (no dot), plain SMTP, no mailer": (m) => {
    const o = originIndex(m)
    if (o < 0) return false
    const h = hops(m)[o]
    return !!h.helo && !h.helo.includes(".") && /^smtp$/i.test(protocol(h) ?? "") && mailer(m) === ""
  },
  "Message-ID written by the origin hop, plain SMTP, no mailer named": (m) => relayByOrigin(m, false, false),
  "the same, HELO in neither From's nor the reverse DNS name's domain (message_id_relay_written)": (m) =>
    relayByOrigin(m, true, true),
  "the same, HELO not in From's domain": (m) => relayByOrigin(m, true, false),
  "the same, HELO not in the reverse DNS name's domain": (m) => relayByOrigin(m, false, true),
  "Date not in the form Outlook (Express) writes, it named": (m) =>
    /outlook express|microsoft outlook/i.test(get(m, "x-mailer") ?? "") &&
    !/^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), [1-9]\d? (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d\d:\d\d:\d\d [+-]\d{4}$/.test(
      get(m, "date") ?? ""
    ),
  "Date day zero-padded, Outlook (Express) named": (m) =>
    /outlook express|microsoft outlook/i.test(get(m, "x-mailer") ?? "") &&
    /^\s*(?:[A-Za-z]{3},\s*)?0\d /.test(get(m, "date") ?? ""),
  "Date day unpadded, Mozilla or Eudora named": (m) =>
    /mozilla|netscape|eudora/i.test(mailer(m)) &&
    !/outlook/i.test(mailer(m)) &&
    /^\s*[A-Za-z]{3}, [1-9] /.test(get(m, "date") ?? ""),
  // MsMailPriority.ts's list of other makers' programs.
  "a Microsoft form (NextPart boundary or Outlook-form ID) under another maker's program": (m) =>
    foreignProgram(m) && (/^-*=_NextPart_/i.test(boundaryOf(m) ?? "") || OUTLOOK_ID.test(get(m, "message-id") ?? "")),
  "the same, no X-MSMail-Priority": (m) =>
    foreignProgram(m) &&
    get(m, "x-msmail-priority") === undefined &&
    (/^-*=_NextPart_/i.test(boundaryOf(m) ?? "") || OUTLOOK_ID.test(get(m, "message-id") ?? "")),
  "NextPart boundary under another maker's program": (m) =>
    foreignProgram(m) && /^-*=_NextPart_/i.test(boundaryOf(m) ?? ""),
  // Who wrote the Message-ID.
  "Message-ID written by a relay that took the message from a public IP": (m) => relayWritten(m, false),
  "the same, with that hop's queue id in the ID": (m) => relayWritten(m, true),
  "Message-ID @localhost, a bare IP or one label": (m) => {
    const id = msgId(m)
    return !!id && /^(?:localhost(?:\.localdomain)?|\[?\d{1,3}(?:\.\d{1,3}){3}\]?|[a-z0-9-]+)$/i.test(id[2])
  },
  "Message-ID holds the From address's local part (6+)": (m) => {
    const local = /([A-Za-z0-9._+-]{6,})@/.exec(get(m, "from") ?? "")?.[1]?.toLowerCase()
    const id = msgId(m)
    return !!local && !!id && id[1].toLowerCase().includes(local)
  },
  "Outlook-form Message-ID, mailer named not Microsoft's": (m) =>
    OUTLOOK_ID.test(get(m, "message-id") ?? "") && mailer(m) !== "" && !claimsMicrosoft(m),
  "Outlook-form Message-ID, no mailer named": (m) => OUTLOOK_ID.test(get(m, "message-id") ?? "") && mailer(m) === "",
  // Received chain.
  "a Received protocol no server writes (with NNFMP)": (m) =>
    hops(m).some((h) => protocol(h) !== undefined && !KNOWN_PROTOCOLS.test(protocol(h))),
  "a Received IP that is a network, broadcast or link-local address": (m) =>
    hops(m).some((h) => {
      const o = ipv4(h.ip)
      return !!o && (o[3] === 0 || o[3] === 255 || (o[0] === 169 && o[1] === 254) || o[0] === 0)
    }),
  "a HELO that is a public IP other than the connecting one": (m) =>
    hops(m).some((h) => {
      const hi = heloIp(h)
      return !!hi && isPublic(hi) && isPublic(h.ip) && hi !== h.ip
    }),
  "public -> private -> public IPs down the chain": (m) => {
    const kinds = hops(m)
      .map((h) => (ipv4(h.ip) ? (isPublic(h.ip) ? "P" : "p") : ""))
      .join("")
    return /P[p]+P/.test(kinds)
  },
  "a hop by a big provider, taken from a host not of it (the hop above)": (m) => {
    const hs = hops(m)
    return hs.some((h, i) => {
      const above = hs[i - 1]
      if (!above || !BIG.test(byName(h))) return false
      const name = (above.rdns ?? above.helo ?? "").toLowerCase()
      return isPublic(above.ip) && registrable(name) !== registrable(byName(h)) && !BIG.test(name)
    })
  },
  "a `by` host whose first label is 10+ capitals and digits": (m) =>
    hops(m).some((h) => /^(?=[A-Z0-9]*\d)(?=[A-Z0-9]*[A-Z])[A-Z0-9]{10,}\./.test(h.by ?? "")),
  "origin hop (oldest public) with SMTP, not ESMTP": (m) => {
    const o = originIndex(m)
    return o >= 0 && /^smtp$/i.test(protocol(hops(m)[o]) ?? "")
  },
  "a lower hop stamped 1-12 h after the hop above": (m) => {
    const hs = hops(m)
    return hs.some((h, i) => {
      const below = hs[i + 1]
      const a = parseHeaderTime(h.date)
      const b = parseHeaderTime(below?.date)
      return a !== undefined && b !== undefined && b - a > 3_600_000 && b - a <= 43_200_000
    })
  },
  "no Received hop at all": (m) => hops(m).length === 0,
  // Dates.
  "Date in -0000 with no weekday": (m) => /^\s*\d{1,2} [A-Za-z]{3} \d{4} [\d:]+ -0000\s*$/.test(get(m, "date") ?? ""),
  "Date's zone -0000": (m) => /-0000\b/.test(get(m, "date") ?? ""),
  "Date more than 2 h after the origin hop's stamp": (m) => {
    const o = originIndex(m)
    const d = parseHeaderTime(get(m, "date"))
    const r = o >= 0 ? parseHeaderTime(hops(m)[o].date) : undefined
    return d !== undefined && r !== undefined && d - r > 7_200_000 && d - r <= 86_400_000
  },
  "Date 3+ h before the origin hop's stamp, whole hours within 5 min": (m) => {
    const o = originIndex(m)
    const d = parseHeaderTime(get(m, "date"))
    const r = o >= 0 ? parseHeaderTime(hops(m)[o].date) : undefined
    if (d === undefined || r === undefined) return false
    const diff = r - d
    const h = Math.round(diff / 3_600_000)
    return h >= 3 && Math.abs(diff - h * 3_600_000) < 300_000
  },
  // Header block shape.
  "a standard header's name in an odd case (MiME-Version)": oddCase,
  "a header name in lower case only (subject:, content-type:)": (m) =>
    m.headers.list.some((h) => /^(?:subject|from|to|date|message-id|mime-version|content-type)$/.test(h.name)),
  "two Subject, From, Date or Message-ID headers": (m) =>
    ["subject", "from", "date", "message-id"].some((n) => m.headers.getAll(n).length >= 2),
  "To header absent": (m) => get(m, "to") === undefined,
  "Cc header present and empty": (m) => m.headers.getAll("cc").some((v) => v.trim() === ""),
  "X-Mailer present and empty": (m) => m.headers.getAll("x-mailer").some((v) => v.trim() === ""),
  "X-MSMail-Priority, no X-Mailer or User-Agent": (m) => get(m, "x-msmail-priority") !== undefined && mailer(m) === "",
  "X-Priority, no X-MSMail-Priority, Outlook (Express) named": (m) =>
    /outlook/i.test(mailer(m)) && get(m, "x-priority") !== undefined && get(m, "x-msmail-priority") === undefined,
  "Outlook (Express) named, its headers out of their order": (m) =>
    /outlook express|microsoft outlook/i.test(mailer(m)) &&
    outOfOrder(m, ["mime-version", "content-type", "x-priority", "x-msmail-priority", "x-mailer", "x-mimeole"]),
  "Outlook (Express) named, From/To/MIME/X-Mailer out of order": (m) =>
    /outlook express|microsoft outlook/i.test(mailer(m)) && outOfOrder(m, ["from", "to", "mime-version", "x-mailer"]),
  "any mailer: X-Mailer before MIME-Version": (m) => {
    const lower = names(m).map((n) => n.toLowerCase())
    const x = lower.indexOf("x-mailer")
    const v = lower.indexOf("mime-version")
    return x >= 0 && v >= 0 && x < v
  },
  "an encoded word left open or malformed in Subject/From/To": (m) =>
    ["subject", "from", "to"].some((n) => brokenEncoded(get(m, n))),
  "an encoded word in To or Cc": (m) => ["to", "cc"].some((n) => /=\?[^?\s]+\?[bq]\?/i.test(get(m, n) ?? "")),
  "From's display name in quotes holds an @ of another domain": (m) => {
    const f = /^\s*"([^"]*@[^"]*)"\s*<[^@>]+@([^>]+)>/.exec(get(m, "from") ?? "")
    return !!f && !f[1].toLowerCase().includes(f[2].toLowerCase())
  },
  "To display name is its own address": (m) => /^\s*"?([^"<\s]+@[^"<\s]+)"?\s*<\1>/i.test(get(m, "to") ?? ""),
  // MIME structure.
  "Content-Type ends in a dangling ;": (m) => /;\s*$/.test(get(m, "content-type") ?? ""),
  "MIME-Version not plain 1.0": (m) => {
    const v = get(m, "mime-version")
    return v !== undefined && !/^\s*1\.0\s*(?:\([^)]*\))?\s*$/.test(v)
  },
  "boundary of 3 or fewer distinct letters/digits": (m) => {
    const b = boundaryOf(m)
    return !!b && new Set(b.replace(/[^A-Za-z0-9]/g, "")).size <= 3
  },
  "boundary with no digit": (m) => {
    const b = boundaryOf(m)
    return !!b && !/\d/.test(b)
  },
  "Outlook-form boundary ~30 h or more off the Date and every stamp": oeBoundaryOffClock,
  "Outlook-form boundary under a mailer not Microsoft's": (m) =>
    /^-*=_NextPart_/i.test(boundaryOf(m) ?? "") && mailer(m) !== "" && !claimsMicrosoft(m),
  "multipart with a quoted-printable or base64 Content-Transfer-Encoding": (m) =>
    /^\s*multipart\//i.test(get(m, "content-type") ?? "") &&
    /quoted-printable|base64/i.test(get(m, "content-transfer-encoding") ?? ""),
  "Content-Transfer-Encoding not one of the five": (m) =>
    m.headers
      .getAll("content-transfer-encoding")
      .some((v) => !/^\s*"?(?:7bit|8bit|binary|quoted-printable|base64)"?\s*$/i.test(v)),
  "a part's charset declared twice or empty": (m) =>
    leaves(m.mime).some((p) => /charset\s*=\s*(?:""|;|$)/im.test(p.headers.get("content-type") ?? "")),
  "multipart/alternative whose parts are both text/plain or both text/html": (m) => {
    const alt = (p) =>
      p.contentType === "multipart/alternative"
        ? new Set(p.children.map((c) => c.contentType)).size < p.children.length
        : p.children.some(alt)
    return alt(m.mime)
  },
  "no MIME-Version, a Content-Transfer-Encoding": (m) =>
    get(m, "mime-version") === undefined && get(m, "content-transfer-encoding") !== undefined
}

printMissTable({ Classifier, corpus, model, candidates, show })
