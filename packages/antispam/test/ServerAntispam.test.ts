import { utimesSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { Dns, type Message, type RecipientOutcome } from "@mailmoat/core"
import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import { type AntispamInput, makeServerAntispam } from "../src/index.ts"
import { makeMessage } from "./support/messages.ts"
import { tempDir } from "../../../test/support/temp-dirs.ts"

const dir = tempDir("mailmoat-antispam-")

const zone: Dns.StaticZone = {
  "7.2.0.192.bl.test": { A: ["127.0.0.2"] }, // 192.0.2.7 listed
  "example.net": { TXT: ["v=spf1 ip4:192.0.2.8 -all"] }, // SPF allows 192.0.2.8 only
  "spam.example.dbl.test": { A: ["127.0.1.2"] },
  "7.2.0.192.slow.bl.test": "hang"
}
const evaluate = async (
  config: AntispamInput,
  message: Message,
  extra: Partial<Parameters<typeof makeServerAntispam>[1]> = {}
) => {
  const m = makeServerAntispam(config, { dns: Dns.makeStatic(zone), healthIntervalMillis: 0, ...extra })
  try {
    return await Effect.runPromise(m.evaluate(message))
  } finally {
    await m.close()
  }
}
const byRcpt = (out: ReadonlyArray<RecipientOutcome>) => Object.fromEntries(out.map((o) => [o.recipient, o]))
const listed = (
  rcptTo: ReadonlyArray<string> = ["user@example.org"],
  extra: Partial<Parameters<typeof makeMessage>[0]> = {}
) => makeMessage({ envelope: { clientAddress: "192.0.2.7", rcptTo }, ...extra })

describe("server antispam module", () => {
  it("lists a listed client and applies onSpam (quarantine, reject, drop, none)", async () => {
    const cfg = { rbl: { servers: ["bl.test"] } }
    const [q] = await evaluate({ ...cfg, onSpam: "quarantine" }, listed())
    expect(q!.verdict.class).toBe("spam")
    expect(q!.verdict.symbols.map((s) => s.name)).toContain("RBL_LISTED")
    expect(q!.action._tag).toBe("Quarantine")
    expect((await evaluate({ ...cfg, onSpam: "reject" }, listed()))[0]!.action._tag).toBe("Reject")
    expect((await evaluate({ ...cfg, onSpam: "drop" }, listed()))[0]!.action._tag).toBe("Drop")
    const none = (await evaluate({ ...cfg, onSpam: "none" }, listed()))[0]!.action
    expect(none._tag).toBe("Deliver")
    if (none._tag === "Deliver") expect(Object.fromEntries(none.addHeaders)["X-Mailmoat-Verdict"]).toBe("spam")
  })

  it("the verdict carries the hop table and per-list accounting", async () => {
    const [o] = await evaluate({ rbl: { servers: ["bl.test", "slow.bl.test"], timeoutSeconds: 0.05 } }, listed())
    const rbl = o!.verdict.trace.find((t) => t.stage === "rbl")!
    const facts = rbl.facts as {
      hops: Array<{ source: string; checked: boolean }>
      lists: Array<{ list: string; answeredInTime: boolean; answer: string }>
    }
    expect(facts.hops[0]).toMatchObject({ source: "client", checked: true })
    expect(facts.lists).toEqual([
      expect.objectContaining({ list: "bl.test", answeredInTime: true, answer: "listed 127.0.0.2" }),
      expect.objectContaining({
        list: "slow.bl.test",
        answeredInTime: false,
        answer: expect.stringMatching(/^unknown: Timeout/)
      })
    ])
  })

  it("enabled: false delivers unscanned", async () => {
    const [o] = await evaluate({ enabled: false, rbl: { servers: ["bl.test"] } }, listed())
    expect(o!.action._tag).toBe("Deliver")
    expect(o!.rule).toBe("antispam disabled")
  })

  it("bypass: allowedIps (CIDR), session flag honoured or ignored", async () => {
    const cfg: AntispamInput = {
      rbl: { servers: ["bl.test"] },
      bypass: { allowedIps: ["192.0.2.0/28", "2001:db8::/32"] }
    }
    const [a] = await evaluate(cfg, listed())
    expect(a!.action._tag).toBe("Deliver")
    expect(a!.rule).toMatch(/allowedIps \(client 192.0.2.7 in allowedIps 192.0.2.0\/28\)/)
    const session = listed(undefined, {
      envelope: { clientAddress: "192.0.2.7", authenticatedUser: "edge1", sessionFlags: new Set(["bypassAntispam"]) }
    })
    const [s] = await evaluate({ rbl: { servers: ["bl.test"] } }, session)
    expect(s!.rule).toMatch(/^bypass: session/)
    const [ignored] = await evaluate({ rbl: { servers: ["bl.test"] }, bypass: { acceptSessionBypass: false } }, session)
    expect(ignored!.action._tag).toBe("Quarantine")
    expect(ignored!.verdict.symbols.map((x) => x.name)).toContain("BYPASS_SESSION_IGNORED")
    const unauth = listed(undefined, {
      envelope: { clientAddress: "192.0.2.7", sessionFlags: new Set(["bypassAntispam"]) }
    })
    expect((await evaluate({ rbl: { servers: ["bl.test"] } }, unauth))[0]!.action._tag).toBe("Quarantine")
  })

  it("per-recipient decisions: directory bypass and authenticated safe senders split the recipients", async () => {
    const file = join(dir, "recipients.yaml")
    writeFileSync(
      file,
      "recipients:\n  vip@example.org:\n    bypassAntispam: true\n  friend@example.org:\n    safeSenders: [example.net]\n  other@example.org:\n    safeSenders: [someone@else.example]\n"
    )
    const rcpts = ["vip@example.org", "friend@example.org", "other@example.org"]
    // 192.0.2.7 is listed and not allowed by example.net's SPF: the safe sender is not applied.
    const out = byRcpt(await evaluate({ rbl: { servers: ["bl.test"] }, bypass: { directory: file } }, listed(rcpts)))
    expect(out["vip@example.org"]!.rule).toMatch(/^bypass: recipient/)
    expect(out["vip@example.org"]!.action._tag).toBe("Deliver")
    expect(out["friend@example.org"]!.action._tag).toBe("Quarantine")
    const trace = out["friend@example.org"]!.verdict.trace.find((t) => t.stage === "safe-senders")!
    expect(JSON.stringify(trace.facts)).toMatch(/safe sender, not applied: unauthenticated/)
    expect(out["other@example.org"]!.action._tag).toBe("Quarantine")
    // Admin turned the requirement off: the safe sender applies.
    const off = byRcpt(
      await evaluate(
        { rbl: { servers: ["bl.test"] }, bypass: { directory: file, safeSendersRequireAuth: false } },
        listed(rcpts)
      )
    )
    expect(off["friend@example.org"]!.rule).toMatch(/^bypass: safeSender example.net/)
    // Aligned SPF pass from 192.0.2.8 (which we list too, to prove the bypass wins).
    const z2 = { ...zone, "8.2.0.192.bl.test": { A: ["127.0.0.2"] } }
    const m = makeServerAntispam(
      { rbl: { servers: ["bl.test"] }, bypass: { directory: file } },
      { dns: Dns.makeStatic(z2), healthIntervalMillis: 0 }
    )
    const authd = byRcpt(
      await Effect.runPromise(m.evaluate(makeMessage({ envelope: { clientAddress: "192.0.2.8", rcptTo: rcpts } })))
    )
    expect(authd["friend@example.org"]!.rule).toMatch(
      /^bypass: safeSender example.net \(spf=pass \(example.net\) aligned/
    )
    expect(authd["other@example.org"]!.action._tag).toBe("Quarantine")
    await m.close()
  })

  it("the recipient directory reloads on change; a bad reload keeps the old one and logs", async () => {
    const file = join(dir, "reload.yaml")
    writeFileSync(file, "recipients:\n  a@example.org: { bypassAntispam: true }\n")
    const logs: Array<string> = []
    let now = 0
    const m = makeServerAntispam(
      { rbl: { servers: ["bl.test"] }, bypass: { directory: file } },
      { dns: Dns.makeStatic(zone), healthIntervalMillis: 0, log: (l) => logs.push(l), now: () => now }
    )
    const run = async () =>
      (await Effect.runPromise(m.evaluate(listed(["a@example.org", "b@example.org"])))).map((o) => o.action._tag)
    expect(await run()).toEqual(["Deliver", "Quarantine"])
    writeFileSync(file, "recipients:\n  b@example.org: { bypassAntispam: true }\n")
    utimesSync(file, new Date(), new Date(Date.now() + 5000))
    expect(await run()).toEqual(["Deliver", "Quarantine"]) // within the check interval
    now = 2000
    expect(await run()).toEqual(["Quarantine", "Deliver"])
    writeFileSync(file, "recipients:\n  b@example.org: { bypassAntispam: maybe }\n")
    utimesSync(file, new Date(), new Date(Date.now() + 10000))
    now = 4000
    expect(await run()).toEqual(["Quarantine", "Deliver"])
    expect(logs.some((l) => /bypassAntispam: expected true or false; keeping the previous directory/.test(l))).toBe(
      true
    )
    await m.close()
  })

  it("per-recipient policy: domain and address entries set the cut-off and the spam action", async () => {
    const file = join(dir, "policy.yaml")
    writeFileSync(
      file,
      [
        "recipients:",
        "  '@reject.example': { onSpam: reject, spamScore: 2 }",
        "  '@quarantine.example': { onSpam: quarantine, spamScore: 2 }",
        "  ceo@reject.example: { onSpam: none, subjectPrefix: '[SPAM]' }",
        ""
      ].join("\n")
    )
    // RBL_LISTED weighs 3 here: below the default cut-off (5), above the domains' (2).
    const cfg: AntispamInput = { rbl: { servers: ["bl.test"] }, scores: { RBL_LISTED: 3 }, bypass: { directory: file } }
    const rcpts = ["a@reject.example", "b@quarantine.example", "ceo@reject.example", "c@default.example"]
    const out = byRcpt(await evaluate(cfg, listed(rcpts)))
    expect(Object.values(out).map((o) => [o.recipient, o.verdict.class, o.action._tag, o.rule])).toEqual([
      ["a@reject.example", "spam", "Reject", "policy: spam onSpam=reject (directory: @reject.example)"],
      ["b@quarantine.example", "spam", "Quarantine", "policy: spam onSpam=quarantine (directory: @quarantine.example)"],
      [
        "ceo@reject.example",
        "spam",
        "Deliver",
        "policy: spam onSpam=none (directory: ceo@reject.example + @reject.example)"
      ],
      ["c@default.example", "ham", "Deliver", "policy: ham"]
    ])
    const ceo = out["ceo@reject.example"]!.action
    expect(ceo._tag === "Deliver" && ceo.subjectPrefix).toBe("[SPAM]")
  })

  it("per-recipient policy follows a directory edit with the next message; a bad edit keeps it", async () => {
    const file = join(dir, "policy-reload.yaml")
    writeFileSync(file, "recipients:\n  '@example.org': { onSpam: reject }\n")
    const logs: Array<string> = []
    let now = 0
    const m = makeServerAntispam(
      { rbl: { servers: ["bl.test"] }, bypass: { directory: file } },
      { dns: Dns.makeStatic(zone), healthIntervalMillis: 0, log: (l) => logs.push(l), now: () => now }
    )
    const run = async () => (await Effect.runPromise(m.evaluate(listed(["a@example.org"])))).map((o) => o.action._tag)
    expect(await run()).toEqual(["Reject"])
    writeFileSync(file, "recipients:\n  '@example.org': { onSpam: drop }\n")
    utimesSync(file, new Date(), new Date(Date.now() + 5000))
    now = 2000
    expect(await run()).toEqual(["Drop"])
    writeFileSync(file, "recipients:\n  '@example.org': { onSpam: bounce }\n")
    utimesSync(file, new Date(), new Date(Date.now() + 10000))
    now = 4000
    expect(await run()).toEqual(["Drop"])
    expect(logs.some((l) => /\.onSpam: expected none, quarantine, reject or drop; keeping the previous/.test(l))).toBe(
      true
    )
    // The entry removed: the gateway's own policy again.
    writeFileSync(file, "recipients: {}\n")
    utimesSync(file, new Date(), new Date(Date.now() + 15000))
    now = 6000
    expect(await run()).toEqual(["Quarantine"])
    await m.close()
  })

  it("maxScanSizeKB: larger messages pass unscanned with a symbol; 1..12 is raised to 12", async () => {
    const big = listed(undefined, { size: 13 * 1024 })
    const [o] = await evaluate({ rbl: { servers: ["bl.test"] }, maxScanSizeKB: 12 }, big)
    expect(o!.action._tag).toBe("Deliver")
    expect(o!.verdict.symbols.map((s) => s.name)).toContain("SIZE_NOT_SCANNED")
    const [raised] = await evaluate(
      { rbl: { servers: ["bl.test"] }, maxScanSizeKB: 1 },
      listed(undefined, { size: 11 * 1024 })
    )
    expect(raised!.action._tag).toBe("Quarantine") // 11 KB < 12 KB: scanned
    const [unlimited] = await evaluate(
      { rbl: { servers: ["bl.test"] }, maxScanSizeKB: 0 },
      listed(undefined, { size: 50_000_000 })
    )
    expect(unlimited!.action._tag).toBe("Quarantine")
  })

  it("DNSBL: body domains reduced to the registrable domain are checked", async () => {
    const m = makeMessage({ envelope: { clientAddress: "198.51.100.1" }, hosts: ["www.a.spam.example"], ips: [] })
    const [o] = await evaluate({ dnsbl: { servers: ["dbl.test"] } }, m)
    expect(o!.verdict.symbols.map((s) => s.name)).toContain("DNSBL_LISTED")
  })

  it("end-user blocklist: a non-mail-server sender on the local list is listed; the trace documents the evidence", async () => {
    const m = makeMessage({ envelope: { clientAddress: "198.51.100.9", helo: "laptop" } })
    const [o] = await evaluate({ endUserBlocklist: { entries: ["198.51.100.0/24"] } }, m)
    const facts = o!.verdict.trace.find((t) => t.stage === "enduser")!.facts as { evidence: Array<string> }
    expect(facts.evidence.join("; ")).toMatch(/end-user list.*HELO "laptop" is not a fully qualified/)
    expect(o!.verdict.symbols.map((s) => s.name)).toEqual(
      expect.arrayContaining(["ENDUSER_NOT_MAILSERVER", "ENDUSER_LISTED"])
    )
    expect(o!.action._tag).toBe("Quarantine")
    const off = await evaluate({ endUserBlocklist: { enabled: false, entries: ["198.51.100.0/24"] } }, m)
    expect(off[0]!.action._tag).toBe("Deliver")
  })

  it("end-user: external RBL answers take precedence for IPs from Received headers", async () => {
    const viaRelay = makeMessage({
      envelope: { clientAddress: "10.0.0.5" },
      received: [{ ip: "192.0.2.9", helo: "pc" }]
    })
    const cfg: AntispamInput = {
      received: { trustedNetworks: ["10.0.0.0/8"] },
      rbl: { servers: ["bl.test"] },
      endUserBlocklist: { entries: ["192.0.2.0/24"] }
    }
    const [o] = await evaluate(cfg, viaRelay)
    const facts = o!.verdict.trace.find((t) => t.stage === "enduser")!.facts as { rblPrecedence?: string }
    expect(facts.rblPrecedence).toMatch(/bl.test answered not listed; end-user list not applied to 192.0.2.9/)
    expect(o!.verdict.symbols.map((s) => s.name)).not.toContain("ENDUSER_LISTED")
    // The same IP as the connecting client: the end-user list applies.
    const direct = makeMessage({ envelope: { clientAddress: "192.0.2.9", helo: "pc" } })
    expect((await evaluate(cfg, direct))[0]!.verdict.symbols.map((s) => s.name)).toContain("ENDUSER_LISTED")
  })
})
