// A bulk sender's messages answered whole by remembered checks share one facts object (and the
// auth stage's symbols and header built from it), equal to what a fresh check gives; facts
// whose DMARC result read the message's own sample bucket, or other inputs, are never shared.
import { Dns, Envelope, Facts, MessageModel, type StageResult } from "@mailmoat/core"
import { Effect } from "effect"
import { afterEach, describe, expect, it, vi } from "vitest"
import * as AuthStage from "../../src/auth/AuthStage.ts"
import * as Authenticate from "../../src/auth/Authenticate.ts"
import * as CheckMemo from "../../src/auth/CheckMemo.ts"
import * as Mailauth from "../../src/auth/Mailauth.ts"
import { IP, message, RECORDS, zoneOf } from "./support/world.ts"

const bytes = (text: string) => new TextEncoder().encode(text)
// The test world, with pct.test's DMARC record sampling half of its mail (its own says pct=0).
const WORLD = RECORDS.map((r) =>
  r.name === "_dmarc.pct.test" && r.type === "TXT" ? { ...r, value: "v=DMARC1; p=reject; pct=50" } : r
)
// The message's bytes are given (its Message-ID is random, and a pct=50 sample hashes them).
const checkWith =
  (dns: Dns.DnsShape, memo?: CheckMemo.CheckMemo) =>
  (from: string | Uint8Array, ip: string, mailFrom: string, helo: string) =>
    Effect.runPromise(
      Authenticate.check(
        dns,
        { message: typeof from === "string" ? bytes(message({ from })) : from, ip, helo, mailFrom },
        { timeoutMillis: 300, mta: "gw.test", memo }
      )
    )

/** Sender, From, IP and HELO; whether the DMARC result reads the message's sample (pct=50). */
const CASES: ReadonlyArray<readonly [string, string, string, string, boolean]> = [
  ["ceo@sig.test", "ceo@sig.test", IP.good, "mail.pass.test", false], // SPF pass, DMARC pass
  ["ceo@sig.test", "ceo@sig.test", IP.bad, "client.example", false], // SPF fail, DMARC fail (pct=100)
  ["x@soft.test", "a@quar.test", IP.bad, "soft.test", false], // softfail, quarantine policy
  ["x@inc.test", "a@pct.test", IP.include, "client.example", true], // DMARC fail with pct=50
  ["x@broken.test", "a@nodmarc.test", IP.good, "client.example", false], // temperror
  ["x@nospf.test", "a@nospf.test", IP.good, "client.example", false] // no record
]

afterEach(() => vi.restoreAllMocks())

describe("RecalledFacts", () => {
  it("a remembered sender's later messages get one facts object, equal to a fresh check's", async () => {
    for (const [mailFrom, from, ip, helo, sampled] of CASES) {
      // A fresh check of the same bytes (they decide a pct=50 sample).
      const fresh = (m: Uint8Array) => checkWith(Dns.makeStatic(zoneOf(WORLD)))(m, ip, mailFrom, helo)
      const check = checkWith(Dns.withCache(Dns.makeStatic(zoneOf(WORLD))), CheckMemo.make())
      const [one, two, three] = ["One.", "Two.", "Three."].map((body) => bytes(message({ from, body })))
      await check(one!, ip, mailFrom, helo)
      const second = await check(two!, ip, mailFrom, helo)
      const third = await check(three!, ip, mailFrom, helo)
      expect(second, mailFrom).toEqual(await fresh(two!))
      expect(third, mailFrom).toEqual(await fresh(three!))
      // Facts that read the message's sample are built for each message.
      if (sampled) expect(third, mailFrom).not.toBe(second)
      else expect(third, mailFrom).toBe(second)
    }
  })

  it("another From domain, HELO name or client IP over the same remembered SPF check is not given them", async () => {
    const check = checkWith(Dns.withCache(Dns.makeStatic(zoneOf(WORLD))), CheckMemo.make())
    const fresh = checkWith(Dns.makeStatic(zoneOf(WORLD)))
    for (const [from, helo] of [
      ["ceo@sig.test", "mail.pass.test"],
      ["a@quar.test", "mail.pass.test"],
      ["ceo@sig.test", "mail.pass.test"],
      ["ceo@sig.test", "client.example"]
    ] as const) {
      await check(from, IP.good, "ceo@sig.test", helo)
      const shared = await check(from, IP.good, "ceo@sig.test", helo)
      expect(shared, `${from} ${helo}`).toEqual(await fresh(from, IP.good, "ceo@sig.test", helo))
    }
  })

  it("the auth stage gives such messages the same symbols and header, as built for the first", async () => {
    const authenticator = AuthStage.makeAuthenticator({
      dns: Dns.withCache(Dns.makeStatic(zoneOf(WORLD))),
      timeoutMillis: 300,
      mta: "gw.test",
      senderOf: () => ({ ip: IP.bad, helo: "client.example" })
    })
    const stage = AuthStage.make({ authenticator, budgetMillis: 2000 })
    const run = (body: string): Promise<StageResult> => {
      const m = MessageModel.fromBytes(bytes(message({ from: "ceo@sig.test", body })), {
        envelope: Envelope.make({ clientAddress: IP.bad, helo: "client.example", mailFrom: "ceo@sig.test" })
      })
      return Effect.runPromise(stage.run({ phase: "data", message: m, recipients: [], facts: Facts.make() }))
    }
    const first = await run("One.")
    const second = await run("Two.")
    const third = await run("Three.")
    expect(second).toEqual(first)
    expect(third).toEqual(first)
    expect(third.symbols).toBe(second.symbols)
    expect(third.headers).toBe(second.headers)
    expect(third.symbols.map((s) => s.name)).toContain("DMARC_FAIL_REJECT")
  })
  it("many senders of one MAIL FROM keep their facts: their later messages recall no check by its key", async () => {
    // A load generator's or a mailing service's shape: one MAIL FROM and HELO name, many IPs.
    const dns = Dns.withCache(Dns.makeStatic(zoneOf(WORLD)))
    const memo = CheckMemo.make()
    const check = checkWith(dns, memo)
    const ips = Array.from({ length: 20 }, (_, i) => `127.0.1.${i + 1}`)
    const from = (i: number) => (i % 2 === 0 ? "ceo@sig.test" : "a@quar.test")
    const round = () => Promise.all(ips.map((ip, i) => check(from(i), ip, "x@soft.test", "client.example")))
    await round()
    const second = await round()
    const recall = vi.spyOn(memo, "recall")
    const spf = vi.spyOn(Mailauth.load(), "spf")
    const third = await round()
    expect(recall).not.toHaveBeenCalled()
    expect(spf).not.toHaveBeenCalled()
    const fresh = checkWith(Dns.makeStatic(zoneOf(WORLD)))
    for (const [i, ip] of ips.entries()) {
      expect(third[i], ip).toBe(second[i])
      expect(third[i], ip).toEqual(await fresh(from(i), ip, "x@soft.test", "client.example"))
    }
  })

  it("kept facts are not given once an answer changed or the memo dropped a check: the checks run again", async () => {
    const memo = CheckMemo.make(4)
    const check = checkWith(Dns.withCache(Dns.makeStatic(zoneOf(WORLD))), memo)
    await check("ceo@sig.test", IP.good, "ceo@sig.test", "client.example")
    const kept = await check("ceo@sig.test", IP.good, "ceo@sig.test", "client.example")
    expect(kept.spf.mailFrom.result).toBe("pass")
    // The same sender over a cache that holds another SPF record for sig.test.
    const changed = Dns.withCache(
      Dns.makeStatic(
        zoneOf(WORLD.map((r) => (r.name === "sig.test" && r.type === "TXT" ? { ...r, value: "v=spf1 -all" } : r)))
      )
    )
    await checkWith(changed)("a@other.test", IP.bad, "x@sig.test", "client.example") // fills its cache
    const spf = vi.spyOn(Mailauth.load(), "spf")
    const again = await checkWith(changed, memo)("ceo@sig.test", IP.good, "ceo@sig.test", "client.example")
    expect(spf).toHaveBeenCalled()
    expect(again.spf.mailFrom.result).toBe("fail")
    // Back on the first cache: its check was replaced in the memo by the changed one's, so the
    // facts kept for the first are not given; then other senders' checks push it out (4 entries).
    spf.mockClear()
    const back = await check("ceo@sig.test", IP.good, "ceo@sig.test", "client.example")
    expect(spf).toHaveBeenCalledTimes(1)
    expect(back).toEqual(kept)
    // Its next message recalls the checks and keeps their facts; the one after is given them.
    const recalled = await check("ceo@sig.test", IP.good, "ceo@sig.test", "client.example")
    expect(await check("ceo@sig.test", IP.good, "ceo@sig.test", "client.example")).toBe(recalled)
    for (const [mailFrom, from] of [
      ["x@soft.test", "a@quar.test"],
      ["x@inc.test", "a@strict.test"]
    ] as const)
      await check(from, IP.good, mailFrom, "client.example")
    spf.mockClear()
    expect(await check("ceo@sig.test", IP.good, "ceo@sig.test", "client.example")).toEqual(kept)
    expect(spf).toHaveBeenCalledTimes(1)
  })
})
