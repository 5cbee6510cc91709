// The resolver mailauth gets: our Dns in node:dns shapes and error codes, the message's deadline,
// and the names that failed temporarily (for ARC's temperror).
import { Dns, type DnsShape } from "@mailmoat/core"
import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import * as MailauthResolver from "../../src/auth/MailauthResolver.ts"

const zone: Dns.StaticZone = {
  "a.test": { TXT: ["v=spf1 -all", "other"], MX: ["10 mx1.a.test", "20 mx2.a.test"], A: ["192.0.2.1"] },
  "fail.test": { fail: "ServerFailure" },
  "hang.test": "hang"
}

const code = (p: Promise<unknown>) =>
  p.then(
    () => "ok",
    (e: { code?: string }) => e.code
  )

describe("MailauthResolver", () => {
  it("answers in node:dns shapes", async () => {
    const r = MailauthResolver.make(Dns.makeStatic(zone), 1000, Date.now() + 10_000, Date.now)
    expect(await r.resolve("a.test", "TXT")).toEqual([["v=spf1 -all"], ["other"]])
    expect(await r.resolve("a.test", "MX")).toEqual([
      { priority: 10, exchange: "mx1.a.test" },
      { priority: 20, exchange: "mx2.a.test" }
    ])
    expect(await r.resolve("a.test")).toEqual(["192.0.2.1"])
    expect(r.lookups()).toBe(3)
  })

  it("maps failures to Node's codes and remembers temporary ones", async () => {
    const r = MailauthResolver.make(Dns.makeStatic(zone), 50, Date.now() + 10_000, Date.now)
    expect(await code(r.resolve("nx.test", "TXT"))).toBe("ENOTFOUND")
    expect(await code(r.resolve("a.test", "AAAA"))).toBe("ENOTFOUND")
    expect(await code(r.resolve("fail.test", "TXT"))).toBe("ESERVFAIL")
    expect(await code(r.resolve("HANG.test", "TXT"))).toBe("ETIMEOUT")
    expect(await code(r.resolve("a.test", "SRV"))).toBe("ENOTFOUND")
    expect([...r.temporaryFailures()].sort()).toEqual(["fail.test", "hang.test"])
  })

  it("after the deadline every lookup is a timeout and nothing is asked", async () => {
    const dns = Dns.makeStatic(zone)
    let now = 1000
    const r = MailauthResolver.make(dns, 5000, 2000, () => now)
    expect(await r.resolve("a.test", "TXT")).toEqual([["v=spf1 -all"], ["other"]])
    now = 2000
    expect(await code(r.resolve("a.test", "TXT"))).toBe("ETIMEOUT")
    expect(dns.queries).toEqual(["TXT a.test"])
    expect(r.temporaryFailures().has("a.test")).toBe(true)
  })

  it("a lookup that dies rejects with the defect, at once or later; an answer that waits is delivered", async () => {
    const defect = new Error("resolver bug")
    const dying: DnsShape = {
      resolve: () => Effect.die(defect),
      lookup: (type, name) =>
        name === "late.test"
          ? Effect.as(Effect.sleep(5), { _tag: "Answer", records: ["192.0.2.9"], ttlSeconds: 60 } as const)
          : name === "later.test"
            ? Effect.andThen(Effect.sleep(5), Effect.die(defect))
            : name === "nx.test"
              ? Effect.andThen(Effect.sleep(5), Effect.fail(Dns.dnsError({ reason: "Refused", name, type })))
              : Effect.die(defect)
    }
    const r = MailauthResolver.make(dying, 1000, Date.now() + 10_000, Date.now)
    await expect(r.resolve("now.test", "TXT")).rejects.toBe(defect)
    await expect(r.resolve("later.test", "TXT")).rejects.toBe(defect)
    expect(await r.resolve("late.test")).toEqual(["192.0.2.9"])
    expect(await code(r.resolve("nx.test", "TXT"))).toBe("EREFUSED")
    expect([...r.temporaryFailures()]).toEqual(["nx.test"])
  })
})
