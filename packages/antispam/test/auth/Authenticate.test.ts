// What one authentication check asks of mailauth and of DNS: an unsigned message is not handed
// to the DKIM verifier (its DMARC rests on SPF alignment), a signed or sealed one is and still
// verifies, From is read with mailauth's own parsers, and every question goes through our DNS
// cache, so two messages from the same domain ask the resolver once.
import { Dns } from "@mailmoat/core"
import { fc, test as prop } from "@fast-check/vitest"
import { Effect } from "effect"
import { afterEach, describe, expect, it, vi } from "vitest"
import * as Authenticate from "../../src/auth/Authenticate.ts"
import * as Mailauth from "../../src/auth/Mailauth.ts"
import { IP, message, RECORDS, seal, sign, zoneOf } from "./support/world.ts"

const bytes = (text: string) => new TextEncoder().encode(text)
const check = (dns: Dns.DnsShape, text: string, ip: string, mailFrom: string) =>
  Effect.runPromise(
    Authenticate.check(
      dns,
      { message: bytes(text), ip, helo: "client.example", mailFrom },
      { timeoutMillis: 2000, mta: "gw.test" }
    )
  )

afterEach(() => vi.restoreAllMocks())

describe("Authenticate.check", () => {
  it("an unsigned message is not DKIM-parsed; DMARC passes on aligned SPF", async () => {
    const dkimVerify = vi.spyOn(Mailauth.load(), "dkimVerify")
    const arc = vi.spyOn(Mailauth.load(), "arc")
    const dns = Dns.makeStatic(zoneOf(RECORDS))
    const f = await check(dns, message({ from: "ceo@sig.test" }), IP.good, "ceo@sig.test")
    expect(dkimVerify).not.toHaveBeenCalled()
    expect(arc).not.toHaveBeenCalled()
    expect(f.fromDomain).toBe("sig.test")
    expect(f.dkim).toEqual([])
    expect(f.spf.mailFrom.result).toBe("pass")
    expect(f.dmarc).toMatchObject({ result: "pass", p: "reject", alignment: { spf: { domain: "sig.test" } } })
    expect(f.arc).toEqual({ result: "none", instance: 0 })
    expect(dns.queries.some((q) => q.includes("_domainkey"))).toBe(false)
  })

  it("an unsigned message whose SPF fails fails DMARC under the published policy", async () => {
    const dkimVerify = vi.spyOn(Mailauth.load(), "dkimVerify")
    const f = await check(Dns.makeStatic(zoneOf(RECORDS)), message({ from: "ceo@sig.test" }), IP.bad, "ceo@sig.test")
    expect(dkimVerify).not.toHaveBeenCalled()
    expect(f.spf.mailFrom.result).toBe("fail")
    expect(f.dmarc).toMatchObject({ result: "fail", policy: "reject", applied: "reject" })
  })

  it("a signed message is DKIM-verified and passes DMARC on the signature alone", async () => {
    const dkimVerify = vi.spyOn(Mailauth.load(), "dkimVerify")
    const signed = await sign(message({ from: "ceo@sig.test" }), ["rsa", "ed"])
    const f = await check(Dns.makeStatic(zoneOf(RECORDS)), signed, IP.bad, "x@nospf.test")
    expect(dkimVerify).toHaveBeenCalledTimes(1)
    expect(f.dkim.map((d) => [d.selector, d.result, d.aligned])).toEqual([
      ["rsa", "pass", true],
      ["ed", "pass", true]
    ])
    expect(f.dmarc).toMatchObject({ result: "pass", alignment: { dkim: { domain: "sig.test" } } })
  })

  it("a sealed message (ARC headers, no DKIM-Signature of its own) still gets its ARC chain checked", async () => {
    const sealed = await seal(message({ from: "ceo@sig.test" }), "trusted")
    const f = await check(Dns.makeStatic(zoneOf(RECORDS)), sealed, IP.trustedList, "bounce@lists.trusted.test")
    expect(f.arc).toMatchObject({ result: "pass", instance: 1, sealer: "lists.trusted.test" })
  })

  it("signatures made while the clock crosses seconds still verify (the fixtures fix their signing time)", async () => {
    let now = Date.now()
    vi.spyOn(Date, "now").mockImplementation(() => (now += 1000))
    const sealed = await seal(await sign(message({ from: "ceo@sig.test" }), ["rsa", "ed"]), "trusted")
    vi.restoreAllMocks()
    const f = await check(Dns.makeStatic(zoneOf(RECORDS)), sealed, IP.trustedList, "bounce@lists.trusted.test")
    expect(f.dkim.map((d) => d.result)).toEqual(["pass", "pass"])
    expect(f.arc).toMatchObject({ result: "pass", instance: 1 })
  })

  it("two messages from the same domain ask the resolver once per name (answers, NXDOMAIN, refusals)", async () => {
    const inner = Dns.makeStatic({ ...zoneOf(RECORDS), "_dmarc.refused.test": { fail: "Refused" } })
    const dns = Dns.withCache(inner)
    for (const from of ["ceo@sig.test", "ceo@sig.test", "a@refused.test", "b@refused.test"])
      await check(dns, message({ from }), IP.good, from)
    const counts = new Map<string, number>()
    for (const q of inner.queries) counts.set(q, (counts.get(q) ?? 0) + 1)
    expect([...counts.values()].every((n) => n === 1)).toBe(true)
    expect(counts.has("TXT sig.test")).toBe(true)
    expect(counts.has("TXT _dmarc.sig.test")).toBe(true)
    expect(counts.has("TXT _dmarc.refused.test")).toBe(true)
    expect(counts.has("TXT refused.test")).toBe(true)
  })
})

describe("Authenticate.checkNow (no runtime: the once-per-message check)", () => {
  const input = (text: string, ip: string, mailFrom: string) => ({
    message: bytes(text),
    ip,
    helo: "client.example",
    mailFrom
  })
  const options = { timeoutMillis: 2000, mta: "gw.test" }

  it("gives what check gives (unsigned, signed and sealed mail; passes and failures)", async () => {
    const signed = await sign(message({ from: "ceo@sig.test" }), ["rsa", "ed"])
    const sealed = await seal(message({ from: "ceo@sig.test" }), "trusted")
    const cases: Array<[string, string, string]> = [
      [message({ from: "ceo@sig.test" }), IP.good, "ceo@sig.test"],
      [message({ from: "ceo@sig.test" }), IP.bad, "ceo@sig.test"],
      [signed, IP.bad, "x@nospf.test"],
      [sealed, IP.trustedList, "bounce@lists.trusted.test"]
    ]
    for (const [text, ip, mailFrom] of cases) {
      const dns = Dns.makeStatic(zoneOf(RECORDS))
      const now = await Authenticate.checkNow(dns, input(text, ip, mailFrom), options)
      const inRuntime = await Effect.runPromise(Authenticate.check(dns, input(text, ip, mailFrom), options))
      expect(now).toEqual(inRuntime)
    }
  })

  it("a check that does not finish within its deadline and grace gives a timed-out temperror", async () => {
    vi.spyOn(Mailauth.load(), "spf").mockImplementation(() => new Promise(() => {}))
    const f = await Authenticate.checkNow(
      Dns.makeStatic(zoneOf(RECORDS)),
      input(message({ from: "ceo@sig.test" }), IP.good, "ceo@sig.test"),
      { timeoutMillis: 20, mta: "gw.test" }
    )
    expect(f.timedOut).toBe(true)
    expect(f.spf.mailFrom).toMatchObject({ result: "temperror", comment: "no result within 20 ms" })
  })

  it("a check that fails gives a temperror naming the error itself, as check does", async () => {
    vi.spyOn(Mailauth.load(), "spf").mockImplementation(() => Promise.reject(new Error("resolver exploded")))
    const args = [
      Dns.makeStatic(zoneOf(RECORDS)),
      input(message({ from: "ceo@sig.test" }), IP.good, "ceo@sig.test"),
      options
    ] as const
    const now = await Authenticate.checkNow(...args)
    expect(now.timedOut).toBe(false)
    expect(now.spf.mailFrom).toMatchObject({
      result: "temperror",
      comment: "authentication check failed: Error: resolver exploded"
    })
    expect(await Effect.runPromise(Authenticate.check(...args))).toEqual(now)
  })
})

describe("Authenticate.headerFacts", () => {
  const facts = (text: string) => Authenticate.headerFacts(Buffer.from(text, "binary"))

  it("reads every From address and which signatures there are", () => {
    expect(facts("From: A <a@x.test>, b@y.test\r\nDKIM-Signature: v=1\r\n\r\nbody")).toEqual({
      headerFrom: ["a@x.test", "b@y.test"],
      dkim: true,
      arc: false
    })
    expect(facts("from :\r\n <a@x.test>\r\nARC-Seal: i=1\r\n\r\n")).toEqual({
      headerFrom: ["a@x.test"],
      dkim: false,
      arc: true
    })
    expect(facts("Subject: x\n\nDKIM-Signature: in the body\n")).toEqual({ headerFrom: [], dkim: false, arc: false })
  })

  it("a message without a header end is left to the DKIM verifier", () => {
    expect(facts("From: a@x.test\r\nDKIM-Signature: v=1\r\n")).toBeUndefined()
  })

  prop.prop([fc.uint8Array({ maxLength: 2000 })])("never throws on arbitrary bytes", (b) => {
    const f = Authenticate.headerFacts(Buffer.from(b))
    expect(f === undefined || Array.isArray(f.headerFrom)).toBe(true)
  })
})
