#!/usr/bin/env node
// Evidence for the split's remaining errors counted per corpus subset before any is built: the
// counts behind round 36 in docs/classifier.md. Ham side: a bulk sender's own infrastructure (the
// hop that hands the mail out of From's domain, a relay inside it, Message-ID and Return-Path in
// it, the entry hop's receiver naming it), List-Unsubscribe, DKIM or DomainKeys, pictures and
// links on From's domain. Spam side: the writing of the nearest missed spam (an advance-fee letter).
// Same columns as classifier-split-candidates.mjs: how many ham carrying a candidate the model
// calls spam and unsure, and how many spam carrying it it calls spam.
//
//   node bench/classifier-split29-candidates.mjs [--corpus DIR] [--dist PATH/index.js] [--model FILE] [--show NAME]
import { candidateSetup, opt } from "./classifier-common.mjs"
import { addresses, fromAddress, printHamSideTable, regDomain } from "./classifier-ham-side.mjs"

const { corpus, Classifier, model } = await candidateSetup()
const show = opt("show", undefined)
const get = (m, name) => m.headers.get(name)
const hops = (m) => m.received ?? []
const fromReg = (m) => regDomain(fromAddress(m)?.domain)
const idReg = (m) => regDomain(/@([^<>\s]+)>/.exec(get(m, "message-id") ?? "")?.[1])
const rpReg = (m) => regDomain(addresses(get(m, "return-path"))[0]?.domain)
/** A hop from a host named (by the receiver's rDNS, or the HELO where none) in From's domain to one outside it. */
const handoff = (m, rdnsOnly) => {
  const f = fromReg(m)
  if (!f) return false
  return hops(m).some((h) => {
    const name = rdnsOnly ? h.rdns : (h.rdns ?? h.helo)
    const by = regDomain(h.by)
    return h.ip !== undefined && regDomain(name) === f && by !== undefined && by !== f
  })
}
const PRIVATE = /^(?:10\.|127\.|192\.168\.|172\.(?:1[6-9]|2\d|3[01])\.)/
/** Index of the hand-off hop (From's domain to outside), the top-most such; -1 without. */
const handoffAt = (m) => {
  const f = fromReg(m)
  if (!f) return -1
  return hops(m).findIndex((h) => {
    const by = regDomain(h.by)
    return (
      h.ip !== undefined && !PRIVATE.test(h.ip) && regDomain(h.rdns ?? h.helo) === f && by !== undefined && by !== f
    )
  })
}
/** Below the hand-off, a hop received inside From's domain whose sender is in it too or at a private address, linked to the hop above. */
const internalRelay = (m, linked) => {
  const i = handoffAt(m)
  if (i < 0) return false
  const f = fromReg(m)
  const h = hops(m)
  const below = h[i + 1]
  if (!below || regDomain(below.by) !== f) return false
  if (linked) {
    const up = h[i]
    const names = [up.rdns, up.helo].map((x) => String(x ?? "").toLowerCase())
    if (!names.includes(String(below.by).toLowerCase())) return false
  }
  return below.ip === undefined || PRIVATE.test(below.ip) || regDomain(below.rdns ?? below.helo) === f
}
/** The entry hop: the top-most hop from a public address whose sender's domain is not its receiver's. */
const entryHop = (m) =>
  hops(m).find((h) => {
    if (h.ip === undefined || PRIVATE.test(h.ip)) return false
    const by = regDomain(h.by)
    return by !== undefined && regDomain(h.rdns ?? h.helo) !== by
  })
const LINK = /\bhttps?:\/\/([a-z0-9.-]+)/gi
const linkHosts = (m) => [...m.body.texts.join("\n").slice(0, 200_000).matchAll(LINK)].map((x) => regDomain(x[1]))
const IMG = /<img\b[^>]*\bsrc\s*=\s*["']?https?:\/\/([a-z0-9.-]+)/gi
const plain = (m) => m.body.texts.join("\n").slice(0, 200_000)
const count = (re, t) => (t.match(re) ?? []).length
const candidates = {
  "a space before , or . and none after, twice (`me ,and`)": (m) => count(/[a-z] [,.][a-z]/gi, plain(m)) >= 2,
  "the pronoun i in lower case, three times": (m) =>
    count(/(?:^|[\s.,])i (?:am|have|will|was|would|want|need|can|never)\b/g, plain(m)) >= 3,
  "both of these": (m) =>
    count(/[a-z] [,.][a-z]/gi, plain(m)) >= 2 &&
    count(/(?:^|[\s.,])i (?:am|have|will|was|would|want|need|can|never)\b/g, plain(m)) >= 3,
  "a text line of 600+ characters, no link but a footer's": (m) =>
    plain(m)
      .split("\n")
      .some((l) => l.length >= 600 && !/https?:/.test(l)),
  "hand-off from a host in From's domain (rDNS or HELO)": (m) => handoff(m, false),
  "hand-off from a host in From's domain (rDNS)": (m) => handoff(m, true),
  "hand-off (rDNS or HELO) + Message-ID in From's domain": (m) => handoff(m, false) && idReg(m) === fromReg(m),
  "hand-off (rDNS or HELO) + Return-Path in From's domain": (m) => handoff(m, false) && rpReg(m) === fromReg(m),
  "hand-off (rDNS or HELO) + Message-ID + Return-Path in From's domain": (m) =>
    handoff(m, false) && rpReg(m) === fromReg(m) && idReg(m) === fromReg(m),
  "an internal relay in From's domain below the hand-off": (m) => internalRelay(m, false),
  "the same, the relay's name the hand-off hop's sender": (m) => internalRelay(m, true),
  "the same + Message-ID in From's domain": (m) => internalRelay(m, true) && idReg(m) === fromReg(m),
  "the entry hop's sender named in From's domain by its receiver's rDNS": (m) =>
    fromReg(m) !== undefined && regDomain(entryHop(m)?.rdns) === fromReg(m),
  "the same, by rDNS or HELO": (m) =>
    fromReg(m) !== undefined && regDomain(entryHop(m)?.rdns ?? entryHop(m)?.helo) === fromReg(m),
  "List-Unsubscribe host in From's domain": (m) => {
    const f = fromReg(m)
    const v = get(m, "list-unsubscribe")
    if (!f || !v) return false
    return [...v.matchAll(/(?:@|:\/\/)([a-z0-9.-]+)/gi)].some((x) => regDomain(x[1]) === f)
  },
  "DKIM-Signature or DomainKey-Signature d= From's domain": (m) => {
    const f = fromReg(m)
    const v = `${get(m, "dkim-signature") ?? ""};${get(m, "domainkey-signature") ?? ""}`
    return !!f && regDomain(/\bd=\s*([a-z0-9.-]+)/i.exec(v)?.[1]) === f
  },
  "an image served from From's domain": (m) => {
    const f = fromReg(m)
    return (
      !!f && [...(m.body.htmls ?? []).join("\n").slice(0, 200_000).matchAll(IMG)].some((x) => regDomain(x[1]) === f)
    )
  },
  "every link in From's domain (1+ links)": (m) => {
    const f = fromReg(m)
    const h = linkHosts(m)
    return !!f && h.length > 0 && h.every((x) => x === f)
  }
}

printHamSideTable(Classifier, corpus, model, candidates, show)
