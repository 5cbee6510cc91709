// Remembered SPF and DMARC-record checks: a message whose inputs and DNS answers are those of an
// earlier one gets exactly the facts a fresh check gives (the remembered run's questions are
// counted as asked), without running mailauth again; a changed answer, an answer the cache no
// longer keeps, a timeout or SPF's %{t} macro make the check run again.
import { Dns } from "@mailmoat/core"
import { Effect } from "effect"
import { afterEach, describe, expect, it, vi } from "vitest"
import * as Authenticate from "../../src/auth/Authenticate.ts"
import * as CheckMemo from "../../src/auth/CheckMemo.ts"
import * as Mailauth from "../../src/auth/Mailauth.ts"
import { IP, message, RECORDS, zoneOf } from "./support/world.ts"

const bytes = (text: string) => new TextEncoder().encode(text)
const check = (
  dns: Dns.DnsShape,
  from: string,
  ip: string,
  mailFrom: string,
  memo?: CheckMemo.CheckMemo,
  helo = "client.example"
) =>
  Effect.runPromise(
    Authenticate.check(
      dns,
      { message: bytes(message({ from })), ip, helo, mailFrom },
      { timeoutMillis: 300, mta: "gw.test", memo }
    )
  )

afterEach(() => vi.restoreAllMocks())

/** Sender, From, IP and HELO of every SPF and DMARC outcome the test world has. */
const CASES: ReadonlyArray<readonly [string, string, string, string]> = [
  ["ceo@sig.test", "ceo@sig.test", IP.good, "mail.pass.test"], // SPF pass, DMARC pass, HELO pass
  ["ceo@sig.test", "ceo@sig.test", IP.bad, "client.example"], // SPF fail, DMARC fail (reject)
  ["x@soft.test", "a@quar.test", IP.bad, "soft.test"], // softfail, quarantine policy
  ["x@neutral.test", "a@org.test", IP.bad, "client.example"], // neutral, p=none sp=reject
  ["x@inc.test", "a@pct.test", IP.include, "client.example"], // include pass, pct=0
  ["alice@mac.test", "a@relaxed.test", IP.good, "client.example"], // macros (%{ir}, %{l})
  ["x@mx.test", "a@strict.test", IP.good, "client.example"], // mx mechanism
  ["x@broken.test", "a@nodmarc.test", IP.good, "client.example"], // include of a refused name: temperror
  ["x@l0.loop.test", "a@sig.test", IP.good, "client.example"], // too many lookups: permerror
  ["x@nospf.test", "a@nospf.test", IP.good, "client.example"] // no record: none
]

describe("CheckMemo", () => {
  it("gives every case the facts a fresh check gives, twice, without running mailauth the second time", async () => {
    for (const [mailFrom, from, ip, helo] of CASES) {
      const fresh = await check(Dns.makeStatic(zoneOf(RECORDS)), from, ip, mailFrom, undefined, helo)
      const memo = CheckMemo.make()
      const inner = Dns.makeStatic(zoneOf(RECORDS))
      const dns = Dns.withCache(inner)
      const first = await check(dns, from, ip, mailFrom, memo, helo)
      const asked = inner.queries.length
      const spf = vi.spyOn(Mailauth.load(), "spf")
      const dmarc = vi.spyOn(Mailauth.load(), "dmarc")
      const second = await check(dns, from, ip, mailFrom, memo, helo)
      expect(first, `${mailFrom} ${ip}`).toEqual(fresh)
      expect(second, `${mailFrom} ${ip} (remembered)`).toEqual(fresh)
      expect(spf, mailFrom).not.toHaveBeenCalled()
      expect(dmarc, mailFrom).not.toHaveBeenCalled()
      expect(inner.queries.length).toBe(asked)
      vi.restoreAllMocks()
    }
  })

  it("a changed answer, or one the cache no longer has, runs the check again", async () => {
    const memo = CheckMemo.make()
    const passing = Dns.withCache(Dns.makeStatic(zoneOf(RECORDS)))
    const first = await check(passing, "ceo@sig.test", IP.good, "ceo@sig.test", memo)
    expect(first.spf.mailFrom.result).toBe("pass")
    // The same inputs, another resolver whose cache holds a different SPF record for sig.test.
    const changedZone = zoneOf(
      RECORDS.map((r) => (r.name === "sig.test" && r.type === "TXT" ? { ...r, value: "v=spf1 -all" } : r))
    )
    const changed = Dns.withCache(Dns.makeStatic(changedZone))
    await check(changed, "a@other.test", IP.bad, "x@sig.test") // fills its cache with the new record
    const spf = vi.spyOn(Mailauth.load(), "spf")
    const again = await check(changed, "ceo@sig.test", IP.good, "ceo@sig.test", memo)
    expect(spf).toHaveBeenCalled()
    expect(again.spf.mailFrom.result).toBe("fail")
    expect(again.dmarc).toMatchObject({ result: "fail" })
    // No cache in front of the resolver: nothing can be shown unchanged, every check runs.
    spf.mockClear()
    const uncached = await check(Dns.makeStatic(zoneOf(RECORDS)), "ceo@sig.test", IP.good, "ceo@sig.test", memo)
    expect(spf).toHaveBeenCalled()
    expect(uncached.spf.mailFrom.result).toBe("pass")
  })

  it("nothing is remembered from a run that timed out or read the time (%{t})", async () => {
    const memo = CheckMemo.make()
    const zone: Dns.StaticZone = {
      ...zoneOf(RECORDS),
      "hang.test": "hang",
      "time.test": { TXT: ["v=spf1 exists:%{t}.time.test -all"] }
    }
    const inner = Dns.makeStatic(zone)
    const dns = Dns.withCache(inner)
    const slow = await check(dns, "a@nodmarc.test", IP.good, "x@hang.test", memo)
    expect(slow.spf.mailFrom.result).toBe("temperror")
    const timed = await check(dns, "a@nodmarc.test", IP.good, "x@time.test", memo)
    const spf = vi.spyOn(Mailauth.load(), "spf")
    const dmarc = vi.spyOn(Mailauth.load(), "dmarc")
    const before = inner.queries.length
    expect((await check(dns, "a@nodmarc.test", IP.good, "x@hang.test", memo)).spf.mailFrom).toEqual(slow.spf.mailFrom)
    expect((await check(dns, "a@nodmarc.test", IP.good, "x@time.test", memo)).spf.mailFrom).toEqual(timed.spf.mailFrom)
    // Both SPF checks ran again (the HELO's was remembered); the DMARC record was remembered. The
    // timed-out one is decided by its first answer without mailauth (FirstAnswer.ts): its question
    // was asked again.
    expect(spf.mock.calls.map((c) => (c[0] as { sender: string }).sender)).toEqual(["x@time.test"])
    expect(inner.queries.slice(before)).toContain("TXT hang.test")
    expect(dmarc).not.toHaveBeenCalled()
  })

  it("keeps at most maxEntries checks, the oldest dropped first", async () => {
    const memo = CheckMemo.make(2)
    const dns = Dns.withCache(Dns.makeStatic(zoneOf(RECORDS)))
    // Each check is two memo entries (SPF for MAIL FROM, the DMARC record; the HELO is not a domain).
    await check(dns, "a@sig.test", IP.good, "x@pass.test", memo, "[192.0.2.1]")
    await check(dns, "a@quar.test", IP.good, "x@soft.test", memo, "[192.0.2.1]")
    const spf = vi.spyOn(Mailauth.load(), "spf")
    await check(dns, "a@quar.test", IP.good, "x@soft.test", memo, "[192.0.2.1]")
    expect(spf).not.toHaveBeenCalled()
    await check(dns, "a@sig.test", IP.good, "x@pass.test", memo, "[192.0.2.1]")
    expect(spf).toHaveBeenCalledTimes(1)
  })
})

describe("SPF checks their first answer decides", () => {
  it("are remembered for every IP: a new IP's check runs nothing and gets a fresh check's facts", async () => {
    const zone: Dns.StaticZone = { ...zoneOf(RECORDS), "refused.test": { fail: "Refused" } }
    for (const mailFrom of ["x@refused.test", "x@absent.test"]) {
      const memo = CheckMemo.make()
      const dns = Dns.withCache(Dns.makeStatic(zone))
      // No HELO check (an address literal); the DMARC record of nodmarc.test remembered too.
      await check(dns, "a@nodmarc.test", "127.0.2.1", mailFrom, memo, "[192.0.2.1]")
      for (const ip of ["127.0.2.2", "127.0.2.3", "::ffff:127.0.2.4"]) {
        const hits = memo.hits()
        const facts = await check(dns, "a@nodmarc.test", ip, mailFrom, memo, "[192.0.2.1]")
        expect(memo.hits() - hits, `${mailFrom} ${ip}`).toBe(2)
        const fresh = await check(Dns.makeStatic(zone), "a@nodmarc.test", ip, mailFrom, undefined, "[192.0.2.1]")
        expect(facts, `${mailFrom} ${ip}`).toEqual(fresh)
      }
    }
  })

  it("a sender whose checks were remembered that way answers at once from its next message on", async () => {
    const zone: Dns.StaticZone = { ...zoneOf(RECORDS), "refused.test": { fail: "Refused" } }
    const memo = CheckMemo.make()
    const dns = Dns.withCache(Dns.makeStatic(zone))
    const input = (ip: string) => ({
      message: bytes(message({ from: "a@nodmarc.test" })),
      ip,
      helo: "refused.test",
      mailFrom: "x@refused.test"
    })
    const options = { timeoutMillis: 300, mta: "gw.test", memo }
    await Authenticate.checkNow(dns, input("127.0.2.1"), options)
    // Another IP: its SPF checks (MAIL FROM and HELO) replayed, not run; then at once.
    const fresh = await check(
      Dns.makeStatic(zone),
      "a@nodmarc.test",
      "127.0.2.2",
      "x@refused.test",
      undefined,
      "refused.test"
    )
    expect(await Authenticate.checkNow(dns, input("127.0.2.2"), options)).toEqual(fresh)
    const again = Authenticate.checkNow(dns, input("127.0.2.2"), options)
    expect(again).not.toBeInstanceOf(Promise)
    expect(again).toEqual(fresh)
    expect(Authenticate.checkNow(dns, input("127.0.2.2"), options)).toBe(again)
  })

  it("a check mailauth decided is remembered for its IP only", async () => {
    const memo = CheckMemo.make()
    const dns = Dns.withCache(Dns.makeStatic(zoneOf(RECORDS)))
    expect((await check(dns, "ceo@sig.test", IP.good, "ceo@sig.test", memo)).spf.mailFrom.result).toBe("pass")
    const spf = vi.spyOn(Mailauth.load(), "spf")
    expect((await check(dns, "ceo@sig.test", IP.bad, "ceo@sig.test", memo)).spf.mailFrom.result).toBe("fail")
    expect(spf).toHaveBeenCalled()
  })
})

describe("remembered checks answered at once", () => {
  const options = (memo: CheckMemo.CheckMemo) => ({ timeoutMillis: 300, mta: "gw.test", memo })
  const input = (from: string, ip: string, mailFrom: string, helo = "client.example", headers?: Array<string>) => ({
    message: bytes(message({ from, headers })),
    ip,
    helo,
    mailFrom
  })

  it("a message whose every check is remembered gets a fresh check's facts at once, in and out of the runtime", async () => {
    for (const [mailFrom, from, ip, helo] of CASES) {
      const fresh = await check(Dns.makeStatic(zoneOf(RECORDS)), from, ip, mailFrom, undefined, helo)
      const memo = CheckMemo.make()
      const dns = Dns.withCache(Dns.makeStatic(zoneOf(RECORDS)))
      const first = Authenticate.checkNow(dns, input(from, ip, mailFrom, helo), options(memo))
      expect(first, mailFrom).toBeInstanceOf(Promise)
      expect(await first).toEqual(fresh)
      const spf = vi.spyOn(Mailauth.load(), "spf")
      const second = Authenticate.checkNow(dns, input(from, ip, mailFrom, helo), options(memo))
      expect(second, mailFrom).not.toBeInstanceOf(Promise)
      expect(second, mailFrom).toEqual(fresh)
      // In the runtime: finished as it started (`runSync` throws on a wait).
      expect(Effect.runSync(Authenticate.check(dns, input(from, ip, mailFrom, helo), options(memo)))).toEqual(fresh)
      expect(spf).not.toHaveBeenCalled()
      vi.restoreAllMocks()
    }
  })

  it("one check not remembered, or a DKIM-Signature to verify: the checks run as before, nothing counted twice", async () => {
    const memo = CheckMemo.make()
    const dns = Dns.withCache(Dns.makeStatic(zoneOf(RECORDS)))
    await Authenticate.checkNow(dns, input("a@quar.test", IP.good, "ceo@sig.test", "mail.pass.test"), options(memo))
    // The same SPF checks (remembered), another From domain: its DMARC record is not.
    const other = input("a@strict.test", IP.good, "ceo@sig.test", "mail.pass.test")
    const later = Authenticate.checkNow(dns, other, options(memo))
    expect(later).toBeInstanceOf(Promise)
    const fresh = await check(
      Dns.makeStatic(zoneOf(RECORDS)),
      "a@strict.test",
      IP.good,
      "ceo@sig.test",
      undefined,
      "mail.pass.test"
    )
    expect(await later).toEqual(fresh)
    expect(fresh.lookups).toBeGreaterThan(0)
    // Every check of this one is remembered now, but it carries a signature for mailauth to verify.
    const signed = input("a@strict.test", IP.good, "ceo@sig.test", "mail.pass.test", [
      "DKIM-Signature: v=1; a=rsa-sha256; d=strict.test; s=s1; h=from; bh=AAAA; b=AAAA"
    ])
    const dkim = vi.spyOn(Mailauth.load(), "dkimVerify")
    const verified = Authenticate.checkNow(dns, signed, options(memo))
    expect(verified).toBeInstanceOf(Promise)
    await verified
    expect(dkim).toHaveBeenCalledTimes(1)
    expect(Authenticate.checkNow(dns, other, options(memo))).toEqual(fresh)
  })
})
