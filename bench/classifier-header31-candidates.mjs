#!/usr/bin/env node
// The clocks a header block shows, counted per corpus subset before any trait is built: the counts
// behind round 44 in docs/classifier.md. The Date against the Received chain's stamps (how far
// after the origin relay's stamp, by how much more than a zone explains, with or without a hop
// below the origin stamped by the same clock), a Message-ID's or Exchange's arrival time against
// the Date, hops stamped after the hop above them, and where the Received fields stand among the
// author's. Same columns as bench/classifier-header30-candidates.mjs (round 40), whose candidates
// and round 32's (bench/classifier-header-candidates.mjs) are not repeated here.
//
// A clock set to another zone than the one it shows is wrong by a difference of two zone offsets,
// a multiple of half an hour, give or take its drift; "odd" below is a difference 10 to 20 minutes
// away from every multiple of half an hour (`--skew M` for another margin than 10 minutes).
//
//   node bench/classifier-header31-candidates.mjs [--corpus DIR] [--dist PATH/index.js] [--model FILE]
//     [--skew 10] [--show NAME]   (--show prints the files that carry candidate NAME, ham first)
//
// Needs `npx turbo run build --filter=@mailmoat/antispam`; exits 2 without a corpus.
import { candidateSetup, opt, originIndex, parseHeaderTime, printMissTable } from "./classifier-common.mjs"

const { corpus, Classifier, model } = await candidateSetup()
const show = opt("show", undefined)
const skew = Number(opt("skew", "10"))
/** Spam missed with none known at this probability or more: what a late weight of about 1 can lift. */
const NEAR = 0.7
const MINUTE = 60_000
const HOUR = 60 * MINUTE
const DAY = 24 * HOUR

const get = (m, name) => m.headers.get(name)
const hops = (m) => m.received ?? []
const names = (m) => m.headers.list.map((h) => h.name.toLowerCase())
const originAt = originIndex
const dateOf = (m) => parseHeaderTime(get(m, "date") ?? "")
const stampOf = (hop) => parseHeaderTime(hop?.date)
/** The Date minus the origin hop's stamp, in ms; undefined without both. */
const afterOrigin = (m) => {
  const o = originAt(m)
  const d = dateOf(m)
  const t = o < 0 ? undefined : stampOf(hops(m)[o])
  return d === undefined || t === undefined ? undefined : d - t
}
/** A difference in ms that no zone explains: `margin` minutes or more from every multiple of half an hour. */
const odd = (d, margin = skew) => {
  const r = (Math.abs(d) % (HOUR / 2)) / MINUTE
  return r >= margin && r <= 30 - margin
}
/** The same for whole hours only (half-hour zones not excused). */
const oddHour = (d, margin = skew) => {
  const r = (Math.abs(d) % HOUR) / MINUTE
  return r >= margin && r <= 60 - margin
}
/** A stamp at or below the origin (or anywhere, `all`) within `minutes` of the Date. */
const sameClock = (m, minutes, all = false) => {
  const d = dateOf(m)
  const o = originAt(m)
  return hops(m)
    .slice(all ? 0 : Math.max(o, 0))
    .some((h) => {
      const t = stampOf(h)
      return t !== undefined && Math.abs(d - t) <= minutes * MINUTE
    })
}
const after =
  (lo, hi, test, clock = (m) => sameClock(m, 5)) =>
  (m) => {
    const d = afterOrigin(m)
    return d !== undefined && d >= lo && d <= hi && test(d) && !clock(m)
  }
/** The Received fields below an author field (`set`): relays prepend theirs above the author's. */
const receivedBelow = (set) => (m) => {
  let author = false
  for (const n of names(m)) {
    if (set.has(n)) author = true
    else if (n === "received" && author) return true
  }
  return false
}
/** A Message-ID's leading `YYYYMMDDhhmm[ss]` (sendmail's, qmail's), read as UTC. */
const idTime = (m) => {
  const x = /^\s*<(20\d\d)(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)?[.\w]/.exec(get(m, "message-id") ?? "")
  return x ? Date.UTC(+x[1], +x[2] - 1, +x[3], +x[4], +x[5], +(x[6] ?? 0)) : undefined
}
/** Exchange's `X-OriginalArrivalTime`: its text time and its FILETIME, in ms. */
const arrival = (m) => {
  const x =
    /^\s*(\d{1,2} \w{3} \d{4} \d\d:\d\d:\d\d)(?:\.\d+)?\s*\(UTC\)\s*FILETIME=\[([0-9A-F]{8}):([0-9A-F]{8})\]/i.exec(
      get(m, "x-originalarrivaltime") ?? ""
    )
  if (!x) return undefined
  const ft = (parseInt(x[3], 16) * 2 ** 32 + parseInt(x[2], 16)) / 10_000 - 11_644_473_600_000
  return { text: Date.parse(`${x[1]} +0000`), ft }
}
const apart = (a, b) => (a === undefined || b === undefined ? undefined : Math.abs(a - b))

const AUTHOR = [
  "from",
  "subject",
  "date",
  "message-id",
  "to",
  "mime-version",
  "content-type",
  "x-mailer",
  "reply-to",
  "cc"
]
const candidates = {
  // The Date after the origin's stamp.
  "Date 20 min to 1 day after the origin's stamp": after(
    MINUTE * 20,
    DAY,
    () => true,
    () => false
  ),
  "Date 1 h to 1 day after it, any amount, no hop at/below the origin on the Date's clock (5 min)": after(
    HOUR,
    DAY,
    () => true
  ),
  "Date 1 h to 1 day after it, 10-50 min off whole hours": after(
    HOUR,
    DAY,
    (d) => oddHour(d),
    () => false
  ),
  "the same, no stamp anywhere on the Date's clock (5 min)": after(
    HOUR,
    DAY,
    (d) => oddHour(d),
    (m) => sameClock(m, 5, true)
  ),
  "the same, no hop at/below the origin on the Date's clock (5 min)": after(HOUR, DAY, (d) => oddHour(d)),
  "the same, 5-55 min off whole hours": after(HOUR, DAY, (d) => oddHour(d, 5)),
  "the same, 1 h to 7 days": after(HOUR, 7 * DAY, (d) => oddHour(d)),
  "1 h to 7 days, `odd` (half-hour zones excused), no hop at/below the origin on the Date's clock (date_after_origin)":
    after(HOUR, 7 * DAY, (d) => odd(d)),
  "the same, 1 h to 1 day": after(HOUR, DAY, (d) => odd(d)),
  "the same, 8 min margin": after(HOUR, 7 * DAY, (d) => odd(d, 8)),
  "as built (the tokenizer of the build under test)": (m) =>
    Classifier.tokenize(m).features.includes("date_after_origin"),
  // Other clocks.
  "Date 1 h to 1 day before the origin's stamp, `odd`, no hop at/below the origin on its clock": (m) => {
    const d = afterOrigin(m)
    return d !== undefined && d <= -HOUR && d >= -DAY && odd(d) && !sameClock(m, 5)
  },
  "Date 1 h to 7 days after the newest stamp, `odd`": (m) => {
    const d = dateOf(m)
    const t = stampOf(hops(m)[0])
    return d !== undefined && t !== undefined && d - t >= HOUR && d - t <= 7 * DAY && odd(d - t)
  },
  "the origin's stamp 1 h to 7 days after a newer hop's, `odd`": (m) => {
    const o = originAt(m)
    const t = o < 1 ? undefined : stampOf(hops(m)[o])
    return (
      t !== undefined &&
      hops(m)
        .slice(0, o)
        .some((h) => {
          const b = stampOf(h)
          return b !== undefined && t - b >= HOUR && t - b <= 7 * DAY && odd(t - b)
        })
    )
  },
  "a hop at/below the origin stamped 1 h or more after the origin's stamp, `odd`": (m) => {
    const o = originAt(m)
    const t = o < 0 ? undefined : stampOf(hops(m)[o])
    return (
      t !== undefined &&
      hops(m)
        .slice(o + 1)
        .some((h) => {
          const b = stampOf(h)
          return b !== undefined && b - t > HOUR && odd(b - t)
        })
    )
  },
  "Message-ID's time (YYYYMMDDhhmm) 1 h to 1 day off the Date, `odd`": (m) => {
    const d = apart(idTime(m), dateOf(m))
    return d !== undefined && d > HOUR && d < DAY && odd(d)
  },
  "Message-ID's time 1 day or more off the Date": (m) => {
    const d = apart(idTime(m), dateOf(m))
    return d !== undefined && d > 26 * HOUR
  },
  "Message-ID's time 1 h to 1 day off the origin's stamp, `odd`": (m) => {
    const o = originAt(m)
    const d = o < 0 ? undefined : apart(idTime(m), stampOf(hops(m)[o]))
    return d !== undefined && d > HOUR && d < DAY && odd(d)
  },
  "X-OriginalArrivalTime's FILETIME not its text time (2 s)": (m) => {
    const a = arrival(m)
    return a !== undefined && Math.abs(a.text - a.ft) > 2000
  },
  "X-OriginalArrivalTime 1 h or more off the Date": (m) => {
    const d = apart(arrival(m)?.text, dateOf(m))
    return d !== undefined && d > HOUR
  },
  "X-OriginalArrivalTime present, its form not Exchange's": (m) =>
    get(m, "x-originalarrivaltime") !== undefined && arrival(m) === undefined,
  // Where the trace fields stand.
  "a Received field below an author field (From, Subject, Date, Message-ID, To, MIME, Content-Type, X-Mailer, Reply-To, Cc)":
    receivedBelow(new Set(AUTHOR)),
  "a Received field below Subject": receivedBelow(new Set(["subject"])),
  "a Received field below MIME-Version or Content-Type": receivedBelow(new Set(["mime-version", "content-type"]))
}

printMissTable({ Classifier, corpus, model, candidates, show, near: NEAR })
