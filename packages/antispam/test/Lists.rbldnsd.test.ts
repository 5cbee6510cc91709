// Integration: the module against a real rbldnsd on 127.0.0.1 (ephemeral port), the resolver
// pointed at it through `antispam.dns.servers`. Query counts come from rbldnsd's own query log.
import { rmSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import type { RecipientOutcome } from "@mailmoat/core"
import { Effect } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { NodeDns } from "@mailmoat/platform-node"
import { type Rbldnsd, startRbldnsd, startSilentDns } from "../../core/test/dns/support/rbldnsd.ts"
import { type AntispamInput, makeServerAntispam } from "../src/index.ts"
import { type MessageSpec, makeMessage } from "./support/messages.ts"
import { tempDir } from "../../../test/support/temp-dirs.ts"

let rbl: Rbldnsd
const dir = tempDir("mailmoat-rbl-it-")
const ip4 = [
  ":127.0.0.2:listed $",
  "127.0.0.2",
  "192.0.2.7",
  "192.0.2.8 :127.0.0.4:policy",
  "192.0.2.9 :127.255.255.254:open resolver",
  "192.0.2.10 :127.0.1.255:dbl error",
  "203.0.113.0/24"
].join("\n")

beforeAll(async () => {
  rbl = await startRbldnsd([
    { zone: "bl.test", type: "ip4set", data: `${ip4}\n` },
    { zone: "bl.test", type: "ip6trie", data: "2001:db8::7\n::ffff:7f00:2\n" },
    {
      zone: "dbl.test",
      type: "dnset",
      data: ":127.0.1.2:dbl\n.spam.example\n.other-spam.example :127.0.1.3:x\ntest\n"
    },
    { zone: "dbl.test", type: "ip4set", data: ":127.0.1.2:ip\n127.0.0.2\n198.51.100.0/24\n" },
    { zone: "all.test", type: "ip4set", data: "0/1\n128/1\n" },
    { zone: "err.test", type: "ip4set", data: ":127.255.255.254:err\n0/1\n128/1\n" },
    { zone: "example.net", type: "generic", data: '@ TXT "v=spf1 ip4:192.0.2.20 -all"\n' },
    { zone: "pbl.test", type: "ip4set", data: ":127.0.0.10:end user range\n127.0.0.2\n192.0.2.30\n" }
  ])
})
afterAll(async () => {
  await rbl?.stop()
  rmSync(dir, { recursive: true, force: true })
})

const evaluate = async (config: AntispamInput, spec: MessageSpec): Promise<ReadonlyArray<RecipientOutcome>> => {
  const m = makeServerAntispam(
    { endUserBlocklist: { enabled: false }, ...config, dns: { servers: [rbl.server] } },
    { dns: NodeDns.make({ servers: [rbl.server] }), healthIntervalMillis: 0 }
  )
  try {
    return await Effect.runPromise(m.evaluate(makeMessage(spec)))
  } finally {
    await m.close()
  }
}
const names = (o: RecipientOutcome) => o.verdict.symbols.map((s) => s.name)
const zoneQueries = async (zone: string) =>
  (await rbl.settledQueries())
    .filter((q) => q.endsWith(`.${zone} A`))
    .map((q) => q.split(" ")[0]!.slice(0, -(zone.length + 1)))

describe("RBL against rbldnsd", () => {
  it("listed and unlisted IPv4 and IPv6 senders", async () => {
    const cfg = { rbl: { servers: ["bl.test"] } }
    expect(names((await evaluate(cfg, { envelope: { clientAddress: "192.0.2.7" } }))[0]!)).toContain("RBL_LISTED")
    const clean = (await evaluate(cfg, { envelope: { clientAddress: "192.0.2.1" } }))[0]!
    expect(clean.verdict.class).toBe("ham")
    expect(clean.action._tag).toBe("Deliver")
    expect(names((await evaluate(cfg, { envelope: { clientAddress: "2001:db8::7" } }))[0]!)).toContain("RBL_LISTED")
    expect((await evaluate(cfg, { envelope: { clientAddress: "2001:db8::8" } }))[0]!.verdict.class).toBe("ham")
    // IPv4-mapped client address is queried in IPv4 form.
    rbl.resetQueries()
    expect(names((await evaluate(cfg, { envelope: { clientAddress: "::ffff:192.0.2.7" } }))[0]!)).toContain(
      "RBL_LISTED"
    )
    expect(await zoneQueries("bl.test")).toEqual(["7.2.0.192"])
  })

  it("answers are cached by TTL: a second message from the same IP sends no query", async () => {
    const m = makeServerAntispam(
      { rbl: { servers: ["bl.test"] }, endUserBlocklist: { enabled: false }, dns: { servers: [rbl.server] } },
      { dns: NodeDns.make({ servers: [rbl.server] }), healthIntervalMillis: 0 }
    )
    try {
      rbl.resetQueries()
      for (let i = 0; i < 3; i++)
        await Effect.runPromise(m.evaluate(makeMessage({ envelope: { clientAddress: "192.0.2.7" } })))
      expect(await zoneQueries("bl.test")).toEqual(["7.2.0.192"])
    } finally {
      await m.close()
    }
  })

  it("end-user DNS zone: a non-mail-server client listed in the zone is ENDUSER_LISTED", async () => {
    const cfg: AntispamInput = { endUserBlocklist: { enabled: true, zones: ["pbl.test"] } }
    const [o] = await evaluate(cfg, { envelope: { clientAddress: "192.0.2.30", helo: "[192.0.2.30]" } })
    expect(names(o!)).toEqual(expect.arrayContaining(["ENDUSER_NOT_MAILSERVER", "ENDUSER_LISTED"]))
    const [clean] = await evaluate(cfg, { envelope: { clientAddress: "192.0.2.31", helo: "[192.0.2.31]" } })
    expect(names(clean!)).toContain("ENDUSER_NOT_MAILSERVER")
    expect(names(clean!)).not.toContain("ENDUSER_LISTED")
  })

  it("zone:127.0.0.x counts only that return code", async () => {
    const cfg = { rbl: { servers: ["bl.test:127.0.0.4"] } }
    expect(names((await evaluate(cfg, { envelope: { clientAddress: "192.0.2.8" } }))[0]!)).toContain("RBL_LISTED")
    expect((await evaluate(cfg, { envelope: { clientAddress: "192.0.2.7" } }))[0]!.verdict.class).toBe("ham")
  })

  it("127.255.255.x and 127.0.1.255 answers are errors, never listings", async () => {
    for (const ip of ["192.0.2.9", "192.0.2.10"]) {
      const [o] = await evaluate(
        { rbl: { servers: ["bl.test"] }, onSpam: "reject" },
        { envelope: { clientAddress: ip } }
      )
      expect(names(o!)).toContain("RBL_ERROR_ANSWER")
      expect(names(o!)).not.toContain("RBL_LISTED")
      expect(o!.action._tag).toBe("Deliver")
    }
  })

  it("a zone whose server never answers: timeout honoured, unknown symbol, no false positive", async () => {
    const silent = await startSilentDns()
    try {
      const m = makeServerAntispam(
        {
          rbl: { servers: ["bl.test"], timeoutSeconds: 0.3 },
          endUserBlocklist: { enabled: false },
          dns: { servers: [silent.server] }
        },
        { dns: NodeDns.make({ servers: [silent.server] }), healthIntervalMillis: 0 }
      )
      const [o] = await Effect.runPromise(m.evaluate(makeMessage({ envelope: { clientAddress: "192.0.2.7" } })))
      await m.close()
      const lists = (
        o!.verdict.trace.find((t) => t.stage === "rbl")!.facts as {
          lists: Array<{ answeredInTime: boolean; answer: string }>
        }
      ).lists
      expect(lists).toEqual([
        expect.objectContaining({ answeredInTime: false, answer: expect.stringMatching(/^unknown: Timeout/) })
      ])
      expect(names(o!)).toContain("RBL_UNKNOWN")
      expect(names(o!)).not.toContain("RBL_LISTED")
      expect(o!.verdict.class).toBe("unsure")
      expect(o!.action._tag).toBe("Deliver")
      expect(silent.received()).toBeGreaterThanOrEqual(1)
    } finally {
      await silent.stop()
    }
  })

  it("queries = IPs x servers; maxIps, skip and maxAddresses limit what rbldnsd receives", async () => {
    const hops = [
      { ip: "203.0.113.1" },
      { ip: "127.0.0.9" },
      { ip: "203.0.113.2" },
      { ip: "203.0.113.3" },
      { ip: "203.0.113.4" }
    ]
    const spec: MessageSpec = { envelope: { clientAddress: "10.0.0.5" }, received: hops }
    const base = { received: { trustedNetworks: ["10.0.0.0/8"] } }
    const run = async (cfg: AntispamInput) => {
      rbl.resetQueries()
      await evaluate({ ...base, ...cfg }, spec)
      return zoneQueries("bl.test")
    }
    expect(await run({ rbl: { servers: ["bl.test"] }, received: { ...base.received, maxIps: 0 } })).toEqual([
      "1.113.0.203"
    ])
    expect(await run({ rbl: { servers: ["bl.test"] }, received: { ...base.received, maxIps: 3 } })).toEqual([
      "1.113.0.203",
      "2.113.0.203"
    ])
    expect(
      await run({ rbl: { servers: ["bl.test"], maxAddresses: 2 }, received: { ...base.received, maxIps: 5 } })
    ).toEqual(["1.113.0.203", "2.113.0.203"])
    expect(await run({ rbl: { servers: ["bl.test"], skip: [] }, received: { ...base.received, maxIps: 2 } })).toEqual([
      "1.113.0.203",
      "9.0.0.127"
    ])
    // Two server entries of the same zone are two lists asking the same names: each name is asked
    // once (the second list's lookup waits for the first's question in flight, or takes its answer).
    expect(
      await run({
        rbl: { servers: ["bl.test", "bl.test:127.0.0.4"], maxAddresses: 3 },
        received: { ...base.received, maxIps: 10 }
      })
    ).toEqual(["1.113.0.203", "2.113.0.203", "3.113.0.203"])
    rbl.resetQueries()
    await evaluate(
      {
        ...base,
        rbl: { servers: ["bl.test", "all.test"], maxAddresses: 3 },
        received: { ...base.received, maxIps: 10 }
      },
      spec
    )
    expect((await zoneQueries("bl.test")).length + (await zoneQueries("all.test")).length).toBe(6) // 3 IPs x 2 servers
  })

  it("DNSBL: registrable domains and body IPs, cut to maxDomains / maxAddresses", async () => {
    const spec: MessageSpec = {
      envelope: { clientAddress: "192.0.2.1" },
      hosts: [
        "www.a.spam.example",
        "b.spam.example",
        "x.other-spam.example",
        "clean.example",
        "more.example",
        "198.51.100.3"
      ],
      ips: ["198.51.100.4", "127.0.0.1", "192.0.2.99"]
    }
    rbl.resetQueries()
    const [o] = await evaluate({ dnsbl: { servers: ["dbl.test"], maxDomains: 2, maxAddresses: 2 } }, spec)
    expect(await zoneQueries("dbl.test")).toEqual(["4.100.51.198", "99.2.0.192", "spam.example", "other-spam.example"])
    expect(names(o!).filter((n) => n === "DNSBL_LISTED")).toHaveLength(3)
    rbl.resetQueries()
    const [f] = await evaluate({ dnsbl: { servers: ["dbl.test:127.0.1.3"], maxDomains: 0, maxAddresses: 0 } }, spec)
    expect(await zoneQueries("dbl.test")).toHaveLength(7) // 3 IPs (127.0.0.1 skipped) + 4 domains
    expect(f!.verdict.symbols.filter((s) => s.name === "DNSBL_LISTED").map((s) => s.detail)).toEqual([
      expect.stringMatching(/^other-spam.example/)
    ])
  })

  it("every bypass path sends no list query at all", async () => {
    const file = join(dir, "dir.yaml")
    writeFileSync(
      file,
      "recipients:\n  vip@example.org: { bypassAntispam: true }\n  friend@example.org: { safeSenders: [example.net] }\n"
    )
    const listedSpec = (extra: Partial<MessageSpec["envelope"]>): MessageSpec => ({
      envelope: { clientAddress: "192.0.2.7", ...extra }
    })
    const cases: Array<[string, AntispamInput, MessageSpec, RegExp]> = [
      ["allowedIps", { bypass: { allowedIps: ["192.0.2.0/24"] } }, listedSpec({}), /^bypass: allowedIps/],
      [
        "session",
        {},
        listedSpec({ authenticatedUser: "edge", sessionFlags: new Set(["bypassAntispam"]) }),
        /^bypass: session/
      ],
      ["recipient", { bypass: { directory: file } }, listedSpec({ rcptTo: ["vip@example.org"] }), /^bypass: recipient/],
      [
        "safeSender",
        { bypass: { directory: file } },
        { envelope: { clientAddress: "192.0.2.20", rcptTo: ["friend@example.org"] } },
        /^bypass: safeSender example.net \(spf=pass/
      ]
    ]
    for (const [label, cfg, spec, rule] of cases) {
      rbl.resetQueries()
      const [o] = await evaluate({ rbl: { servers: ["bl.test"] }, ...cfg }, spec)
      expect(o!.rule, label).toMatch(rule)
      expect(o!.action._tag, label).toBe("Deliver")
      expect(await zoneQueries("bl.test"), label).toEqual([])
    }
  })
})

describe("list health against rbldnsd (RFC 5782 test points)", () => {
  it("suspends zones that list everything or answer errors, skips them, and resumes a fixed zone", async () => {
    const m = makeServerAntispam(
      {
        rbl: { servers: ["bl.test", "all.test", "err.test"] },
        dnsbl: { servers: ["dbl.test"] },
        endUserBlocklist: { enabled: false },
        dns: { servers: [rbl.server] }
      },
      { dns: NodeDns.make({ servers: [rbl.server] }), healthIntervalMillis: 0 }
    )
    try {
      const health = Object.fromEntries((await m.probeHealth()).map((h) => [h.zone, h]))
      expect(health["bl.test"]!.state).toBe("healthy")
      expect(health["dbl.test"]!.state).toBe("healthy")
      expect(health["all.test"]).toMatchObject({
        state: "suspended",
        reason: expect.stringMatching(/lists everything/)
      })
      expect(health["err.test"]).toMatchObject({ state: "suspended", reason: expect.stringMatching(/error answer/) })
      rbl.resetQueries()
      const [o] = await Effect.runPromise(m.evaluate(makeMessage({ envelope: { clientAddress: "192.0.2.1" } })))
      expect(names(o!).filter((n) => n === "RBL_ZONE_DOWN")).toHaveLength(2)
      expect(o!.verdict.class).toBe("ham")
      expect(await zoneQueries("all.test")).toEqual([])
      expect(m.status().lists.find((l) => l.zone === "all.test")?.state).toBe("suspended")
      await rbl.reload(4, "127.0.0.2\n", { name: "1.0.0.127.all.test", listed: false })
      const again = Object.fromEntries((await m.probeHealth()).map((h) => [h.zone, h]))
      expect(again["all.test"]!.state).toBe("healthy")
    } finally {
      await m.close()
    }
  })

  it("a zone that keeps timing out is suspended after 3 failed probes", async () => {
    const silent = await startSilentDns()
    const m = makeServerAntispam(
      { rbl: { servers: ["bl.test"], timeoutSeconds: 0.1 }, dns: { servers: [silent.server] } },
      { dns: NodeDns.make({ servers: [silent.server] }), healthIntervalMillis: 0 }
    )
    try {
      expect((await m.probeHealth())[0]!.state).toBe("unknown")
      expect((await m.probeHealth())[0]!.state).toBe("unknown")
      expect((await m.probeHealth())[0]).toMatchObject({
        state: "suspended",
        reason: expect.stringMatching(/no answer: Timeout/)
      })
    } finally {
      await m.close()
      await silent.stop()
    }
  })
})
