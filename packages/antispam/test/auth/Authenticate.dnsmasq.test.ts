// SPF, DKIM, DMARC and ARC through mailauth and our Dns (the Node resolver with its cache)
// against a real dnsmasq on 127.0.0.1 serving the records of support/world.ts.
import { NodeDns } from "@mailmoat/platform-node"
import { Effect } from "effect"
import { afterAll, beforeAll, describe, expect, test } from "vitest"
import { startSilentDns } from "../../../core/test/dns/support/rbldnsd.ts"
import type { AuthFacts } from "../../src/auth/AuthFacts.ts"
import * as Authenticate from "../../src/auth/Authenticate.ts"
import { symbolsOf } from "../../src/auth/AuthSymbols.ts"
import { type Dnsmasq, startDnsmasq } from "./support/dnsmasq.ts"
import { alter, IP, message, RECORDS, seal, sign, ZONES } from "./support/world.ts"

let dns: Dnsmasq
beforeAll(async () => {
  dns = await startDnsmasq(ZONES, RECORDS)
})
afterAll(async () => {
  await dns?.stop()
})

interface Check {
  readonly msg: string
  readonly ip?: string
  readonly mailFrom: string
  readonly helo?: string
  readonly servers?: ReadonlyArray<string>
  readonly timeoutMillis?: number
  readonly truncated?: boolean
}

const check = (c: Check): Promise<AuthFacts> =>
  Effect.runPromise(
    Authenticate.check(
      NodeDns.make({ servers: c.servers ?? [dns.server], attemptTimeoutMillis: 300, tries: 1 }),
      {
        message: new TextEncoder().encode(c.msg),
        truncated: c.truncated,
        ip: c.ip ?? IP.good,
        helo: c.helo ?? "client.example",
        mailFrom: c.mailFrom
      },
      { timeoutMillis: c.timeoutMillis ?? 3000, mta: "gw.test" }
    )
  )

const names = (f: AuthFacts) => symbolsOf(f).map((s) => s.name)
const plain = (from: string) => message({ from })

describe("SPF from the envelope IP", () => {
  test.each([
    ["pass.test, authorised IP", "a@pass.test", IP.good, "pass"],
    ["pass.test, other IP (-all)", "a@pass.test", IP.bad, "fail"],
    ["soft.test (~all)", "a@soft.test", IP.bad, "softfail"],
    ["neutral.test (?all)", "a@neutral.test", IP.bad, "neutral"],
    ["no record", "a@nospf.test", IP.good, "none"],
    ["include", "a@inc.test", IP.include, "pass"],
    ["include, not matching", "a@inc.test", IP.good, "fail"],
    ["redirect", "a@red.test", IP.good, "pass"],
    ["exists with %{ir}.%{l} macros, matching local part", "alice@mac.test", IP.good, "pass"],
    ["exists with macros, other local part", "bob@mac.test", IP.good, "fail"],
    ["mx mechanism (MX then A)", "a@mx.test", IP.good, "pass"],
    ["more than 10 DNS lookups", "a@l0.loop.test", IP.good, "permerror"],
    ["an include the server refuses", "a@broken.test", IP.good, "temperror"]
  ])("%s -> %s", async (_label, mailFrom, ip, result) => {
    const f = await check({ msg: plain(mailFrom), ip, mailFrom })
    expect(f.spf.mailFrom).toMatchObject({ scope: "mailfrom", identity: mailFrom, result })
    expect(names(f)).toContain(`SPF_${result.toUpperCase()}`)
  })

  test("the HELO identity is checked too", async () => {
    const f = await check({ msg: plain("a@nospf.test"), mailFrom: "a@nospf.test", helo: "mail.pass.test" })
    expect(f.spf.helo).toMatchObject({ scope: "helo", identity: "mail.pass.test", result: "pass" })
    expect(f.spf.mailFrom.result).toBe("none")
  })

  test("the null sender is checked as postmaster@HELO", async () => {
    const f = await check({ msg: plain("a@sig.test"), mailFrom: "", helo: "mail.pass.test", ip: IP.bad })
    expect(f.spf.mailFrom).toMatchObject({ identity: "postmaster@mail.pass.test", result: "fail" })
  })
})

describe("DKIM with generated keys", () => {
  test("RSA and Ed25519 signatures verify; DKIM_PASS", async () => {
    const msg = await sign(plain("ceo@sig.test"), ["rsa", "ed"])
    const f = await check({ msg, mailFrom: "ceo@sig.test" })
    expect(f.dkim.map((d) => [d.selector, d.algorithm, d.result, d.aligned])).toEqual([
      ["rsa", "rsa-sha256", "pass", true],
      ["ed", "ed25519-sha256", "pass", true]
    ])
    expect(names(f)).toContain("DKIM_PASS")
    expect(names(f)).not.toContain("DKIM_FAIL")
  })

  test("an altered body fails (body hash)", async () => {
    const msg = alter(await sign(plain("ceo@sig.test"), ["rsa", "ed"]), "signed test message", "signed test messagE")
    const f = await check({ msg, mailFrom: "ceo@sig.test" })
    expect(f.dkim.map((d) => [d.selector, d.result, d.comment])).toEqual([
      ["rsa", "fail", "body hash did not verify"],
      ["ed", "fail", "body hash did not verify"]
    ])
    expect(names(f)).toContain("DKIM_FAIL")
  })

  test("only the start of a large message (the scan view): the body is not verified, DMARC is not failed", async () => {
    const signed = await sign(message({ from: "ceo@sig.test", body: `${"large attachment line\r\n".repeat(2000)}` }))
    const start = signed.slice(0, 4096)
    const f = await check({ msg: start, mailFrom: "ceo@sig.test", ip: IP.bad, truncated: true })
    expect(f.dkim[0]).toMatchObject({
      result: "neutral",
      comment: "body not verified: message larger than the scan view"
    })
    expect(f.dmarc).toMatchObject({ result: "temperror" })
    expect(names(f)).not.toContain("DKIM_FAIL")
    expect(names(f)).not.toContain("DMARC_FAIL_REJECT")
    // The same bytes presented as the whole message are a failure.
    const whole = await check({ msg: start, mailFrom: "ceo@sig.test", ip: IP.bad })
    expect(whole.dkim[0]!.result).toBe("fail")
    expect(whole.dmarc?.result).toBe("fail")
  })

  test("an altered signed header (Subject) fails the signature", async () => {
    const msg = alter(await sign(plain("ceo@sig.test")), "Subject: authentication test", "Subject: authentication TEST")
    const f = await check({ msg, mailFrom: "ceo@sig.test" })
    expect(f.dkim[0]).toMatchObject({ result: "fail", comment: "bad signature" })
  })
})

describe("DMARC", () => {
  test("aligned DKIM passes even when SPF fails", async () => {
    const f = await check({ msg: await sign(plain("ceo@sig.test")), mailFrom: "ceo@sig.test", ip: IP.bad })
    expect(f.spf.mailFrom.result).toBe("fail")
    expect(f.dmarc).toMatchObject({
      result: "pass",
      p: "reject",
      alignment: { dkim: { domain: "sig.test", strict: false } }
    })
    expect(names(f)).toContain("DMARC_PASS")
  })

  test("a spoofed p=reject domain fails: DMARC_FAIL_REJECT", async () => {
    const f = await check({ msg: plain("ceo@sig.test"), mailFrom: "x@nospf.test", ip: IP.bad })
    expect(f.dmarc).toMatchObject({ result: "fail", policy: "reject", applied: "reject" })
    expect(names(f)).toContain("DMARC_FAIL_REJECT")
  })

  test("relaxed SPF alignment: bounce.relaxed.test aligns with relaxed.test", async () => {
    const f = await check({ msg: plain("a@relaxed.test"), mailFrom: "b@bounce.relaxed.test" })
    expect(f.dmarc).toMatchObject({
      result: "pass",
      alignment: { spf: { domain: "bounce.relaxed.test", strict: false } }
    })
  })

  test("strict SPF alignment (aspf=s): bounce.strict.test does not align with strict.test", async () => {
    const f = await check({ msg: plain("a@strict.test"), mailFrom: "b@bounce.strict.test" })
    expect(f.spf.mailFrom.result).toBe("pass")
    expect(f.dmarc).toMatchObject({ result: "fail", policy: "reject", alignment: { spf: { strict: true } } })
  })

  test("subdomain policy: sp=reject applies to sub.org.test, p=none to org.test", async () => {
    const sub = await check({ msg: plain("a@sub.org.test"), mailFrom: "a@nospf.test" })
    expect(sub.dmarc).toMatchObject({ result: "fail", p: "none", sp: "reject", policy: "reject" })
    expect(names(sub)).toContain("DMARC_FAIL_REJECT")
    const org = await check({ msg: plain("a@org.test"), mailFrom: "a@nospf.test" })
    expect(org.dmarc).toMatchObject({ result: "fail", policy: "none", applied: "none" })
    expect(names(org)).toContain("DMARC_FAIL_NONE")
  })

  test("pct=0: a p=reject failure outside the sample is treated as quarantine", async () => {
    const f = await check({ msg: plain("a@pct.test"), mailFrom: "a@nospf.test" })
    expect(f.dmarc).toMatchObject({ result: "fail", policy: "reject", pct: 0, sampled: false, applied: "quarantine" })
    expect(names(f)).toContain("DMARC_FAIL_QUARANTINE")
  })

  test("p=quarantine", async () => {
    const f = await check({ msg: plain("a@quar.test"), mailFrom: "a@nospf.test" })
    expect(names(f)).toContain("DMARC_FAIL_QUARANTINE")
  })
})

describe("ARC", () => {
  // The list changed the subject (breaking sig.test's signature), then sealed what it sent.
  const listCopy = async (sealer: "trusted" | "other") =>
    seal(
      alter(await sign(plain("ceo@sig.test")), "Subject: authentication test", "Subject: [list] authentication test"),
      sealer
    )

  test("a valid chain: ARC_PASS with the sealer; DMARC still fails for the From domain", async () => {
    const f = await check({ msg: await listCopy("trusted"), mailFrom: "bounce@lists.trusted.test", ip: IP.trustedList })
    expect(f.arc).toMatchObject({ result: "pass", instance: 1, sealer: "lists.trusted.test" })
    expect(f.dkim[0]!.result).toBe("fail")
    expect(f.dmarc).toMatchObject({ result: "fail", applied: "reject" })
    expect(names(f)).toEqual(expect.arrayContaining(["ARC_PASS", "DMARC_FAIL_REJECT", "SPF_PASS"]))
  })

  test("a chain altered after sealing: ARC_FAIL", async () => {
    const msg = alter(await listCopy("other"), "signed test message", "signed test messagE")
    const f = await check({ msg, mailFrom: "bounce@lists.other.test", ip: IP.otherList })
    expect(f.arc).toMatchObject({ result: "fail", sealer: "lists.other.test" })
    expect(names(f)).toContain("ARC_FAIL")
  })
})

describe("a failing resolver never makes mail spam", () => {
  const total = (f: AuthFacts) => symbolsOf(f).reduce((s, h) => s + h.score, 0)

  test("a resolver that never answers: temperror everywhere, score 0", async () => {
    const silent = await startSilentDns()
    try {
      const msg = await seal(await sign(plain("ceo@sig.test")), "trusted")
      const f = await check({ msg, mailFrom: "ceo@sig.test", servers: [silent.server], timeoutMillis: 1500 })
      expect(f.spf.mailFrom.result).toBe("temperror")
      expect(f.dkim[0]!.result).toBe("temperror")
      expect(f.dmarc?.result).toBe("temperror")
      expect(f.arc.result).toBe("temperror")
      expect(names(f)).toEqual(
        expect.arrayContaining(["SPF_TEMPERROR", "DKIM_TEMPERROR", "DMARC_TEMPERROR", "ARC_TEMPERROR"])
      )
      expect(total(f)).toBe(0)
      expect(silent.received()).toBeGreaterThan(0)
    } finally {
      await silent.stop()
    }
  })

  test("a server that refuses (a domain it does not serve): temperror, score 0", async () => {
    const f = await check({ msg: plain("ceo@sig.example"), mailFrom: "ceo@sig.example" })
    expect(f.spf.mailFrom.result).toBe("temperror")
    expect(f.dmarc?.result).toBe("temperror")
    expect(total(f)).toBe(0)
  })
})
