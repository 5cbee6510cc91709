// The reputation stage and its update inside the server profile: what counts, what is scored,
// what never counts, and a store that fails. Static DNS; the update runs detached, so the tests
// wait until the store holds what they expect.
import { Dns, type Message } from "@mailmoat/core"
import { Effect } from "effect"
import { describe, expect, it, vi } from "vitest"
import { AntispamConfigError, type AntispamInput, makeServerAntispam, Reputation } from "../../src/index.ts"
import { makeMessage } from "../support/messages.ts"

const zone: Dns.StaticZone = {
  "7.2.0.192.bl.test": { A: ["127.0.0.2"] }, // 192.0.2.7 listed
  "example.net": { TXT: ["v=spf1 ip4:192.0.2.8 ip4:192.0.2.7 -all"] },
  "7.2.0.192.slow.bl.test": "hang"
}
const from = (clientAddress: string, mailFrom = "sender@example.net"): Message =>
  makeMessage({ envelope: { clientAddress, mailFrom } })

/** A memory store that remembers every key it was asked to count. */
const observed = (inner = Reputation.MemoryReputationStore.make(1000)) => {
  const recorded: Array<{ keys: ReadonlyArray<string>; label: Reputation.Label }> = []
  const store: Reputation.ReputationStoreShape = {
    describe: inner.describe,
    lookup: inner.lookup,
    record: (keys, label, window) => {
      recorded.push({ keys, label })
      return inner.record(keys, label, window)
    },
    forget: inner.forget,
    list: inner.list,
    close: inner.close
  }
  return { store, recorded }
}

const profile = (config: AntispamInput, store: Reputation.ReputationStoreShape, logs: Array<string> = []) =>
  makeServerAntispam(
    { rbl: { servers: ["bl.test"], skip: [] }, endUserBlocklist: { enabled: false }, ...config },
    { dns: Dns.makeStatic(zone), healthIntervalMillis: 0, reputationStore: store, log: (l) => logs.push(l) }
  )
const names = (o: { verdict: { symbols: ReadonlyArray<{ name: string }> } }) => o.verdict.symbols.map((s) => s.name)
const on = { enabled: true, minMessages: 3 }

describe("reputation in the server profile", () => {
  it("spam from one address raises its IP and network symbols on a later message; another network is unaffected", async () => {
    const { store, recorded } = observed()
    const m = profile({ reputation: on }, store)
    for (let i = 0; i < 3; i++) await Effect.runPromise(m.evaluate(from("192.0.2.7")))
    await vi.waitFor(() => expect(recorded.length).toBe(3))
    expect(recorded.every((r) => r.label === "spam")).toBe(true)
    const [later] = await Effect.runPromise(m.evaluate(from("192.0.2.7")))
    const ip = later!.verdict.symbols.find((s) => s.name === "REPUTATION_IP_BAD")!
    expect(ip).toMatchObject({ score: 1.2, source: "reputation" }) // 3 spam: (3+1)/(3+2) = 0.8, lean 0.6 x 2
    expect(ip.detail).toMatch(/^192\.0\.2\.7: 3 spam \/ 0 ham \(decayed\), spam ratio 0\.8/)
    expect(names(later!)).toContain("REPUTATION_NET_BAD")
    // Same /24, another address: the network's history only.
    const [neighbour] = await Effect.runPromise(m.evaluate(from("192.0.2.9", "x@other.test")))
    expect(names(neighbour!)).toContain("REPUTATION_NET_BAD")
    expect(names(neighbour!)).not.toContain("REPUTATION_IP_BAD")
    const [elsewhere] = await Effect.runPromise(m.evaluate(from("198.51.100.9", "x@other.test")))
    expect(names(elsewhere!).filter((n) => n.startsWith("REPUTATION_"))).toEqual([])
    await m.close()
  })

  it("ham builds a good reputation", async () => {
    const { store, recorded } = observed()
    const m = profile({ reputation: on }, store)
    for (let i = 0; i < 4; i++) await Effect.runPromise(m.evaluate(from("203.0.113.5", "x@other.test")))
    await vi.waitFor(() => expect(recorded.length).toBe(4))
    const [o] = await Effect.runPromise(m.evaluate(from("203.0.113.5", "x@other.test")))
    expect(o!.verdict.symbols.find((s) => s.name === "REPUTATION_IP_GOOD")?.score).toBe(-0.67)
    expect(o!.verdict.trace.find((t) => t.stage === "reputation")?.facts).toEqual({
      reputation: { "ip:203.0.113.5": { ham: 4, spam: 0 }, "net:203.0.113.0/24": { ham: 4, spam: 0 } }
    })
    await m.close()
  })

  it("no symbol before the minimum count (default 5: a few messages never make a reputation)", async () => {
    const { store, recorded } = observed()
    const m = profile({ reputation: { enabled: true } }, store)
    for (let i = 0; i < 4; i++) await Effect.runPromise(m.evaluate(from("192.0.2.7")))
    await vi.waitFor(() => expect(recorded.length).toBe(4))
    expect(names((await Effect.runPromise(m.evaluate(from("192.0.2.7"))))[0]!)).not.toContain("REPUTATION_IP_BAD")
    await vi.waitFor(() => expect(recorded.length).toBe(5))
    expect(names((await Effect.runPromise(m.evaluate(from("192.0.2.7"))))[0]!)).toContain("REPUTATION_IP_BAD")
    await m.close()
  })

  it("the sender domain counts only when authenticated (SPF pass here); a forged one never", async () => {
    const { store, recorded } = observed()
    const m = profile({ reputation: on }, store)
    await Effect.runPromise(m.evaluate(from("192.0.2.7", "sender@example.net"))) // SPF pass
    await Effect.runPromise(m.evaluate(from("192.0.2.66", "ceo@example.net"))) // SPF fail: forged
    await Effect.runPromise(m.evaluate(from("192.0.2.7", "someone@nospf.test"))) // SPF none
    await vi.waitFor(() => expect(recorded.length).toBe(3))
    expect(recorded.map((r) => r.keys.filter((k) => k.startsWith("domain:")))).toEqual([["domain:example.net"], [], []])
    await m.close()
  })

  it("off (the default): no stage, nothing looked up or counted", async () => {
    const { store, recorded } = observed()
    const lookups = vi.spyOn(store, "lookup")
    const m = profile({}, store)
    for (let i = 0; i < 3; i++) await Effect.runPromise(m.evaluate(from("192.0.2.7")))
    const [o] = await Effect.runPromise(m.evaluate(from("192.0.2.7")))
    expect(m.engine.stages.map((s) => s.name)).not.toContain("reputation")
    expect(o!.verdict.trace.map((t) => t.stage)).not.toContain("reputation")
    await new Promise((r) => setTimeout(r, 50))
    expect(lookups).not.toHaveBeenCalled()
    expect(recorded).toEqual([])
    expect(m.status().modules.reputation).toEqual({ enabled: false })
    await m.close()
  })

  it("a bypass, a tempfail and an unsure verdict count nothing", async () => {
    const { store, recorded } = observed()
    const bypassed = profile({ reputation: on, bypass: { allowedIps: ["192.0.2.0/24"] } }, store)
    await Effect.runPromise(bypassed.evaluate(from("192.0.2.7")))
    await bypassed.close()
    const unsure = { rbl: { servers: ["slow.bl.test"], skip: [], timeoutSeconds: 0.05 }, reputation: on }
    const deferring = profile({ ...unsure, tempReject: { enabled: true } }, store)
    const [deferred] = await Effect.runPromise(deferring.evaluate(from("192.0.2.7")))
    expect(deferred!.action._tag).toBe("Tempfail")
    await deferring.close()
    const plain = profile(unsure, store)
    const [u] = await Effect.runPromise(plain.evaluate(from("192.0.2.7")))
    expect(u!.verdict.class).toBe("unsure")
    // A spam message after them is counted: the three before it were not.
    const counted = profile({ reputation: on }, store)
    await Effect.runPromise(counted.evaluate(from("192.0.2.7")))
    await vi.waitFor(() => expect(recorded.length).toBe(1))
    await new Promise((r) => setTimeout(r, 50))
    expect(recorded).toEqual([{ keys: expect.arrayContaining(["ip:192.0.2.7"]), label: "spam" }])
    await plain.close()
    await counted.close()
  })

  it("labels: quarantined, rejected and dropped are spam; delivered ham is ham", () => {
    const verdict = (cls: "ham" | "spam" | "unsure") => ({ class: cls, score: 0, symbols: [], trace: [] })
    const out = (cls: "ham" | "spam" | "unsure", action: { _tag: string }) =>
      ({ recipient: "a@x", verdict: verdict(cls), action, rule: "" }) as never
    expect(Reputation.Update.labelOf([out("ham", { _tag: "Deliver" })])).toBe("ham")
    expect(Reputation.Update.labelOf([out("spam", { _tag: "Deliver" })])).toBe("spam")
    expect(Reputation.Update.labelOf([out("ham", { _tag: "Reject" })])).toBe("spam") // DMARC enforcement
    expect(Reputation.Update.labelOf([out("spam", { _tag: "Quarantine" })])).toBe("spam")
    expect(Reputation.Update.labelOf([out("spam", { _tag: "Drop" })])).toBe("spam")
    expect(Reputation.Update.labelOf([out("unsure", { _tag: "Deliver" })])).toBeUndefined()
    // Recipients a bypass or an accepting stage decided for (a directory entry, a safe sender, too large to scan).
    const decided = (decision: "Bypass" | "Accept") =>
      ({
        recipient: "b@x",
        verdict: { ...verdict("ham"), decidedBy: { stage: "bypass", decision, reason: "x" } },
        action: { _tag: "Deliver" },
        rule: ""
      }) as never
    expect(Reputation.Update.labelOf([decided("Bypass")])).toBeUndefined()
    expect(Reputation.Update.labelOf([decided("Accept")])).toBeUndefined()
    expect(Reputation.Update.labelOf([decided("Bypass"), out("spam", { _tag: "Quarantine" })])).toBe("spam")
    expect(Reputation.Update.labelOf([out("spam", { _tag: "Deliver" }), out("spam", { _tag: "Tempfail" })])).toBe(
      undefined
    )
  })

  it("a store that fails: scored without reputation, the update skipped, both logged; the outcome unchanged", async () => {
    const failing: Reputation.ReputationStoreShape = {
      describe: "redis://127.0.0.1:1",
      lookup: () => Promise.reject(new Error("not connected")),
      record: () => Promise.reject(new Error("not connected")),
      forget: () => Promise.reject(new Error("not connected")),
      list: () => Promise.reject(new Error("not connected")),
      close: async () => {}
    }
    const logs: Array<string> = []
    const m = profile({ reputation: on }, failing, logs)
    const [o] = await Effect.runPromise(m.evaluate(from("192.0.2.7")))
    expect(o!.action._tag).toBe("Quarantine")
    expect(o!.verdict.symbols.find((s) => s.name === "REPUTATION_STORE_DOWN")).toMatchObject({ score: 0 })
    expect(logs.join("\n")).toMatch(
      /reputation: skipped, store unreachable \(redis:\/\/127\.0\.0\.1:1\): not connected/
    )
    await m.close()
    // The lookup works but the update fails: logged, nothing else changes.
    const half = observed()
    const m2 = profile({ reputation: on }, { ...half.store, record: failing.record }, logs)
    const [o2] = await Effect.runPromise(m2.evaluate(from("192.0.2.7")))
    expect(o2!.action._tag).toBe("Quarantine")
    await vi.waitFor(() => expect(logs.join("\n")).toMatch(/reputation: update skipped, store unreachable/))
    await m2.close()
  })

  it("configuration: bad values name their key; a flat antispam.scores weight for a scaled symbol is refused", () => {
    expect(() => profile({ reputation: { enabled: true, minMessages: 0 } }, observed().store)).toThrow(
      /antispam\.reputation\.minMessages: expected an integer >= 1/
    )
    expect(() => profile({ reputation: { ip: { bad: -2 } } }, observed().store)).toThrow(
      /antispam\.reputation\.ip\.bad: expected a number from 0 to 100/
    )
    const flat = () => profile({ reputation: on, scores: { REPUTATION_IP_BAD: 3 } }, observed().store)
    expect(flat).toThrow(AntispamConfigError)
    expect(flat).toThrow(/antispam\.scores\.REPUTATION_IP_BAD: reputation scales its weights/)
  })
})
