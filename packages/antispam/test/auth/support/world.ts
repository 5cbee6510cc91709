// The sender-authentication test world: keys generated per run, the DNS records that publish
// them (served by dnsmasq), and helpers that build, DKIM-sign and ARC-seal messages with
// mailauth. Every domain is under .test; every address is on 127.0.0.0/8, so a client bound to
// one of them (swaks --local-interface) is a real "envelope IP".
import { generateKeyPairSync, type KeyObject } from "node:crypto"
import { createRequire } from "node:module"
import type { Dns } from "@mailmoat/core"
import type { DnsRecord } from "./dnsmasq.ts"

const require = createRequire(import.meta.url)
type Options = Readonly<Record<string, unknown>>
const { dkimSign } = require("mailauth/lib/dkim/sign") as {
  dkimSign: (m: Buffer, o: Options) => Promise<{ signatures: string; errors: ReadonlyArray<unknown> }>
}
const { sealMessage } = require("mailauth") as { sealMessage: (m: Buffer, o: Options) => Promise<Buffer> }

/** SPF-authorised sender, an unauthorised one, and two mailing-list hosts. */
export const IP = {
  good: "127.0.0.23",
  include: "127.0.0.24",
  bad: "127.0.0.99",
  trustedList: "127.0.0.40",
  otherList: "127.0.0.41"
} as const

export const ZONES = ["test"] as const

const pem = (k: KeyObject) => k.export({ type: "pkcs8", format: "pem" }).toString()

const rsa = () => generateKeyPairSync("rsa", { modulusLength: 2048 })
const keys = { rsa: rsa(), ed: generateKeyPairSync("ed25519"), trusted: rsa(), other: rsa() }

const rsaRecord = (k: KeyObject) => `v=DKIM1; k=rsa; p=${k.export({ type: "spki", format: "der" }).toString("base64")}`
// RFC 8463: an Ed25519 DKIM key is the raw 32-byte public key (the SPKI DER ends with it).
const edRecord = (k: KeyObject) =>
  `v=DKIM1; k=ed25519; p=${k.export({ type: "spki", format: "der" }).subarray(-32).toString("base64")}`

const txt = (name: string, value: string): DnsRecord => ({ type: "TXT", name, value })
const a = (name: string, value: string): DnsRecord => ({ type: "A", name, value })

/** The 10-lookup limit: a chain of 11 includes before the one that authorises IP.good. */
const includeChain = (): Array<DnsRecord> => {
  const out: Array<DnsRecord> = []
  for (let i = 0; i < 11; i++) out.push(txt(`l${i}.loop.test`, `v=spf1 include:l${i + 1}.loop.test -all`))
  out.push(txt("l11.loop.test", `v=spf1 ip4:${IP.good} -all`))
  return out
}

export const RECORDS: ReadonlyArray<DnsRecord> = [
  // SPF
  txt("pass.test", `v=spf1 ip4:${IP.good} -all`),
  txt("mail.pass.test", `v=spf1 ip4:${IP.good} -all`),
  txt("soft.test", `v=spf1 ip4:${IP.good} ~all`),
  txt("neutral.test", `v=spf1 ip4:${IP.good} ?all`),
  txt("inc.test", "v=spf1 include:_spf.pass.test -all"),
  txt("_spf.pass.test", `v=spf1 ip4:${IP.include} -all`),
  txt("red.test", "v=spf1 redirect=pass.test"),
  txt("mac.test", "v=spf1 exists:%{ir}.%{l}._spf.mac.test -all"),
  a(`${IP.good.split(".").reverse().join(".")}.alice._spf.mac.test`, "127.0.0.2"),
  txt("mx.test", "v=spf1 mx -all"),
  { type: "MX", name: "mx.test", exchange: "in.mx.test", preference: 10 },
  a("in.mx.test", IP.good),
  txt("broken.test", "v=spf1 include:spf.refused.example -all"),
  ...includeChain(),
  // DKIM keys and DMARC: sig.test signs and rejects; the others test alignment and policies.
  txt("sig.test", `v=spf1 ip4:${IP.good} -all`),
  txt("rsa._domainkey.sig.test", rsaRecord(keys.rsa.publicKey)),
  txt("ed._domainkey.sig.test", edRecord(keys.ed.publicKey)),
  txt("_dmarc.sig.test", "v=DMARC1; p=reject"),
  txt("_dmarc.relaxed.test", "v=DMARC1; p=reject"),
  txt("bounce.relaxed.test", `v=spf1 ip4:${IP.good} -all`),
  txt("_dmarc.strict.test", "v=DMARC1; p=reject; aspf=s"),
  txt("bounce.strict.test", `v=spf1 ip4:${IP.good} -all`),
  txt("_dmarc.org.test", "v=DMARC1; p=none; sp=reject"),
  txt("_dmarc.quar.test", "v=DMARC1; p=quarantine"),
  txt("_dmarc.pct.test", "v=DMARC1; p=reject; pct=0"),
  // Mailing lists that re-send sig.test mail: SPF for their own bounce domain, ARC keys.
  txt("lists.trusted.test", `v=spf1 ip4:${IP.trustedList} -all`),
  txt("arc._domainkey.lists.trusted.test", rsaRecord(keys.trusted.publicKey)),
  txt("lists.other.test", `v=spf1 ip4:${IP.otherList} -all`),
  txt("arc._domainkey.lists.other.test", rsaRecord(keys.other.publicKey))
]

export interface MessageFields {
  readonly from: string
  readonly subject?: string
  readonly body?: string
  readonly headers?: ReadonlyArray<string>
}

export const message = (m: MessageFields): string =>
  [
    ...(m.headers ?? []),
    `From: <${m.from}>`,
    "To: <user@rcpt.test>",
    `Subject: ${m.subject ?? "authentication test"}`,
    "Date: Thu, 03 Dec 2026 08:00:00 +0000",
    `Message-ID: <${Math.random().toString(36).slice(2)}@sender.test>`,
    "MIME-Version: 1.0",
    "Content-Type: text/plain; charset=utf-8",
    "",
    m.body ?? "Hello,\r\nthis is a signed test message.\r\n"
  ].join("\r\n")

// Every signature gets one signing time up front: without it mailauth reads the clock once for
// the signed copy of a header and again for the header it writes, and a slow machine that
// crosses a second between the two writes a `t=` that its own signature does not cover.

/** The message with DKIM-Signature headers of sig.test prepended (RSA, Ed25519 or both). */
export const sign = async (msg: string, which: ReadonlyArray<"rsa" | "ed"> = ["rsa"]): Promise<string> => {
  const signatureData = which.map((w) =>
    w === "rsa"
      ? { signingDomain: "sig.test", selector: "rsa", privateKey: pem(keys.rsa.privateKey), algorithm: "rsa-sha256" }
      : { signingDomain: "sig.test", selector: "ed", privateKey: pem(keys.ed.privateKey), algorithm: "ed25519-sha256" }
  )
  const r = await dkimSign(Buffer.from(msg), {
    signatureData,
    canonicalization: "relaxed/relaxed",
    signTime: new Date()
  })
  if (r.errors.length > 0) throw new Error(`signing failed: ${String(r.errors[0])}`)
  return r.signatures + msg
}

/** A list's ARC set (i=1, cv=none) on top of `msg`, sealed by lists.trusted.test or lists.other.test. */
export const seal = async (msg: string, sealer: "trusted" | "other"): Promise<string> => {
  const domain = `lists.${sealer}.test`
  const headers = await sealMessage(Buffer.from(msg), {
    signingDomain: domain,
    selector: "arc",
    signTime: new Date(),
    privateKey: pem(keys[sealer].privateKey),
    authResults: `${domain}; dkim=pass header.d=sig.test; spf=pass smtp.mailfrom=sig.test; dmarc=pass header.from=sig.test`,
    cv: "none"
  })
  return headers.toString() + msg
}

/** `msg` with the first occurrence of `from` replaced by `to` (to break a signature). */
export const alter = (msg: string, from: string, to: string): string => {
  if (!msg.includes(from)) throw new Error(`alter: ${JSON.stringify(from)} not in the message`)
  return msg.replace(from, to)
}

/** The world's records as a static zone (MX as "preference exchange"). */
export const zoneOf = (records: ReadonlyArray<DnsRecord>): Dns.StaticZone => {
  const z: Record<string, { TXT?: Array<string>; A?: Array<string>; MX?: Array<string> }> = {}
  for (const r of records) {
    const e = (z[r.name] ??= {})
    if (r.type === "MX") (e.MX ??= []).push(`${r.preference} ${r.exchange}`)
    else (e[r.type] ??= []).push(r.value)
  }
  return z
}
