// Plugin blocklist providers inside the server antispam module: what each kind is asked, the
// symbols (listed with the answer's score, unknown never spam), the per-provider facts, and the
// shared runner (timeouts, cache).
import type { BlocklistAnswer, BlocklistProvider, BlocklistQuery, Message, StageTrace } from "@mailmoat/core"
import { Dns } from "@mailmoat/core"
import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import { type AntispamInput, makeServerAntispam } from "../../src/index.ts"
import { DEFAULT_LISTED_SCORE, budgetFor, symbolOf } from "../../src/plugins/PluginListsStage.ts"
import { makeMessage } from "../support/messages.ts"

const CONFIG: AntispamInput = { endUserBlocklist: { enabled: false }, onSpam: "reject" }

/** A provider answering from a table and remembering what it was asked. */
const tableProvider = (
  name: string,
  kinds: BlocklistProvider["kinds"],
  listed: Record<string, Partial<Extract<BlocklistAnswer, { _tag: "Listed" }>>>
) => {
  const asked: Array<BlocklistQuery> = []
  const provider: BlocklistProvider = {
    name,
    kinds,
    timeoutMillis: 500,
    lookup: (q) =>
      Effect.sync(() => {
        asked.push(q)
        const hit = listed[q.value]
        return hit
          ? ({ _tag: "Listed", codes: [], ...hit } as BlocklistAnswer)
          : ({ _tag: "NotListed", ttlSeconds: 60 } as BlocklistAnswer)
      })
  }
  return { provider, asked }
}

const hanging: BlocklistProvider = {
  name: "hangs",
  kinds: ["ip", "domain", "address"],
  timeoutMillis: 50,
  lookup: () => Effect.never
}

// Client 127.0.0.1 is our own address, so the Received header names the sender (192.0.2.7).
const message = (over: Partial<Parameters<typeof makeMessage>[0]> = {}): Message =>
  makeMessage({
    envelope: { clientAddress: "127.0.0.1", localAddress: "127.0.0.1", mailFrom: "Bounce@Mail.Example.net" },
    received: [{ ip: "192.0.2.7", helo: "mail.example.net" }],
    headers: [
      ["From", '"Sender" <Sender@Example.NET>'],
      ["Subject", "hello"]
    ],
    hosts: ["www.shop.example.co.uk", "198.51.100.9"],
    ips: ["203.0.113.5"],
    ...over
  })

const run = async (
  providers: ReadonlyArray<BlocklistProvider>,
  m: Message = message(),
  config: AntispamInput = CONFIG
) => {
  const module = makeServerAntispam(config, { dns: Dns.makeStatic({}), healthIntervalMillis: 0, providers })
  try {
    const [o] = await Effect.runPromise(module.evaluate(m))
    return o!
  } finally {
    await module.close()
  }
}
const pluginTrace = (traces: ReadonlyArray<StageTrace>) => traces.find((t) => t.stage === "plugin-lists")

describe("plugin lists stage", () => {
  it("asks each kind about its values: sender and body IPs, body and sender domains, envelope and From addresses", async () => {
    const ip = tableProvider("ip-list", ["ip"], {})
    const domain = tableProvider("domain-list", ["domain"], {})
    const address = tableProvider("address-list", ["address"], {})
    const o = await run([ip.provider, domain.provider, address.provider])
    expect(ip.asked.map((q) => q.value)).toEqual(["192.0.2.7", "203.0.113.5", "198.51.100.9"])
    expect(domain.asked.map((q) => q.value)).toEqual(["example.co.uk", "example.net", "mail.example.net"])
    expect(address.asked.map((q) => q.value)).toEqual(["bounce@mail.example.net", "sender@example.net"])
    expect(o.verdict.class).toBe("ham")
    const t = pluginTrace(o.verdict.trace)!
    expect(t.outcome).toBe("ok")
    expect(t.facts).toMatchObject({ sender: "192.0.2.7" })
    const rows = (t.facts as { providers: Record<string, Array<Record<string, unknown>>> }).providers
    expect(rows["ip-list"]![0]).toEqual({
      kind: "ip",
      value: "192.0.2.7",
      origin: "received[0]",
      answer: "not listed",
      millis: expect.any(Number),
      inTime: true,
      cached: false
    })
    expect(rows["address-list"]!.map((r) => r.origin)).toEqual(["mail-from", "from-header"])
    // The provider itself sees where each value was found.
    expect(address.asked.map((q) => [q.origin, q.origins])).toEqual([
      ["mail-from", ["mail-from"]],
      ["from-header", ["from-header"]]
    ])
  })

  it("a listing scores the answer's score (default 5) and the detail names provider, value, codes and reason", async () => {
    const scored = tableProvider("rep", ["ip"], { "192.0.2.7": { score: 7, codes: ["bad-ip"], reason: "botnet" } })
    const o = await run([scored.provider])
    expect(o.verdict.class).toBe("spam")
    expect(o.action._tag).toBe("Reject")
    const listed = o.verdict.symbols.filter((s) => s.name === "PLUGIN_LISTED")
    expect(listed).toEqual([
      {
        name: "PLUGIN_LISTED",
        score: 7,
        source: "plugins",
        detail: "ip 192.0.2.7 (received[0]) via rep -> bad-ip: botnet"
      }
    ])

    const plain = tableProvider("plain", ["address"], { "sender@example.net": {} })
    const p = await run([plain.provider])
    expect(p.verdict.symbols.find((s) => s.name === "PLUGIN_LISTED")).toMatchObject({
      score: DEFAULT_LISTED_SCORE,
      detail: "address sender@example.net (from-header) via plain"
    })
    expect(p.verdict.class).toBe("spam")
  })

  it("a provider that hangs gives PLUGIN_UNKNOWN (score 0, not in time): unsure, never spam", async () => {
    const o = await run([hanging])
    expect(o.verdict.class).toBe("unsure")
    expect(o.action._tag).toBe("Deliver")
    const unknown = o.verdict.symbols.filter((s) => s.name === "PLUGIN_UNKNOWN")
    expect(unknown.length).toBe(8) // 3 IPs, 3 domains, 2 addresses
    // Each lookup ended by the provider's own 50 ms timeout: what ended it, not a wall-clock
    // bound (which a stall of this loaded process failed).
    for (const s of unknown) expect(s.detail).toMatch(/ via hangs: Timeout no answer within 50 ms$/)
    expect(unknown.every((s) => s.score === 0)).toBe(true)
    expect(unknown[0]!.detail).toMatch(/^ip 192\.0\.2\.7 \(received\[0\]\) via hangs: Timeout/)
    const rows = (pluginTrace(o.verdict.trace)!.facts as { providers: { hangs: Array<{ inTime: boolean }> } }).providers
      .hangs
    expect(rows.every((r) => !r.inTime)).toBe(true)
  })

  it("a provider that throws or answers garbage is contained (PLUGIN_UNKNOWN, not spam)", async () => {
    const throws: BlocklistProvider = {
      name: "throws",
      kinds: ["ip"],
      timeoutMillis: 100,
      lookup: () => Effect.die(new Error("boom"))
    }
    const garbage: BlocklistProvider = {
      name: "garbage",
      kinds: ["ip"],
      timeoutMillis: 100,
      lookup: () => Effect.succeed({ _tag: "Listed", codes: "x" } as unknown as BlocklistAnswer)
    }
    const o = await run([throws, garbage])
    expect(o.verdict.class).toBe("unsure")
    expect(o.verdict.score).toBe(0)
    const details = o.verdict.symbols.filter((s) => s.name === "PLUGIN_UNKNOWN").map((s) => s.detail)
    expect(details).toContainEqual(expect.stringMatching(/via throws: ProviderError .*boom/))
    expect(details).toContainEqual(expect.stringMatching(/via garbage: Broken bad codes/))
  })

  it("the sender IP is not asked when it is on the skip list; no plugin stage without providers", async () => {
    const ip = tableProvider("ip-list", ["ip"], {})
    const o = await run([ip.provider], message({ received: [{ ip: "10.1.2.3" }], hosts: [], ips: [] }), {
      ...CONFIG,
      rbl: { skip: ["10.0.0.0/8"] }
    })
    expect(ip.asked).toEqual([])
    expect((pluginTrace(o.verdict.trace)!.facts as { dropped: unknown }).dropped).toEqual([
      { value: "10.1.2.3", why: "on skip list 10.0.0.0/8" }
    ])
    const none = await run([])
    expect(pluginTrace(none.verdict.trace)).toBeUndefined()
  })

  it("answers are cached by the module's runner across messages (ttlSeconds)", async () => {
    const ip = tableProvider("ip-list", ["ip"], { "192.0.2.7": { ttlSeconds: 60 } })
    const module = makeServerAntispam(CONFIG, {
      dns: Dns.makeStatic({}),
      healthIntervalMillis: 0,
      providers: [ip.provider]
    })
    try {
      await Effect.runPromise(module.evaluate(message({ hosts: [], ips: [] })))
      const [second] = await Effect.runPromise(module.evaluate(message({ hosts: [], ips: [] })))
      expect(ip.asked.map((q) => q.value)).toEqual(["192.0.2.7"])
      const rows = (
        pluginTrace(second!.verdict.trace)!.facts as { providers: Record<string, Array<{ cached: boolean }>> }
      ).providers["ip-list"]!
      expect(rows).toEqual([expect.objectContaining({ cached: true, millis: 0 })])
    } finally {
      await module.close()
    }
  })
})

describe("plugin lists helpers", () => {
  it("symbolOf: NotListed is no symbol; Listed without score gets the default", () => {
    const base = {
      provider: "p",
      query: { kind: "domain" as const, value: "x.example" },
      inTime: true,
      cached: false,
      millis: 1
    }
    expect(symbolOf({ ...base, answer: { _tag: "NotListed" } }, "body")).toBeUndefined()
    expect(symbolOf({ ...base, answer: { _tag: "Listed", codes: ["1", "2"] } }, "body")).toEqual({
      name: "PLUGIN_LISTED",
      score: 5,
      source: "plugins",
      detail: "domain x.example (body) via p -> 1,2"
    })
    expect(
      symbolOf({ ...base, answer: { _tag: "Unknown", reason: "Unavailable", detail: "HTTP 503" } }, "from")?.detail
    ).toBe("domain x.example (from) via p: Unavailable HTTP 503")
  })

  it("budgetFor: two waves of the slowest provider plus slack", () => {
    expect(budgetFor([hanging, { ...hanging, timeoutMillis: 1500 }])).toBe(5000)
  })
})
