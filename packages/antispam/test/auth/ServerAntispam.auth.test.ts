// Sender authentication inside the server antispam module, on a static zone that records every
// query: one mailauth run per message shared by the safe-sender check and the stage, the
// Authentication-Results header, symbols in the verdict, and DMARC enforcement with its
// exemptions (trusted forwarder, trusted ARC sealer).
import { writeFileSync } from "node:fs"
import { join } from "node:path"
import { Dns, Envelope, type Message, MessageModel, type RecipientOutcome } from "@mailmoat/core"
import { Effect } from "effect"
import { describe, expect, test } from "vitest"
import { type AntispamInput, makeServerAntispam } from "../../src/index.ts"
import { alter, IP, message, RECORDS, seal, sign, zoneOf } from "./support/world.ts"
import { tempDir } from "../../../../test/support/temp-dirs.ts"

const dir = tempDir("mailmoat-auth-")

const msgOf = (
  text: string,
  envelope: { ip: string; mailFrom: string; rcptTo?: ReadonlyArray<string>; size?: number }
): Message =>
  MessageModel.fromBytes(new TextEncoder().encode(text), {
    envelope: Envelope.make({
      clientAddress: envelope.ip,
      helo: "client.example",
      mailFrom: envelope.mailFrom,
      rcptTo: envelope.rcptTo ?? ["user@rcpt.test"]
    }),
    size: envelope.size
  })

const run = async (config: AntispamInput, m: Message, zone: Dns.StaticZone = zoneOf(RECORDS)) => {
  const dns = Dns.makeStatic(zone)
  const module = makeServerAntispam(
    { endUserBlocklist: { enabled: false }, ...config },
    { dns, healthIntervalMillis: 0, authservId: "gw.test" }
  )
  try {
    return { out: await Effect.runPromise(module.evaluate(m)), queries: dns.queries, counters: module.counters() }
  } finally {
    await module.close()
  }
}

/** Our header: a stage header change on the delivered copy. */
const authResults = (o: RecipientOutcome): string | undefined => {
  if (o.action._tag !== "Deliver") return undefined
  const change = (o.action.changes ?? []).find((c) => c.op === "add" && c.name === "Authentication-Results")
  return change && change.op !== "remove" ? change.value : undefined
}
const symbolNames = (o: RecipientOutcome) => o.verdict.symbols.map((s) => s.name)

const spoof = () => msgOf(message({ from: "ceo@sig.test" }), { ip: IP.bad, mailFrom: "x@nospf.test" })

describe("sender authentication in the antispam module", () => {
  test("an authenticated message: symbols in the verdict and our Authentication-Results", async () => {
    const { out } = await run(
      {},
      msgOf(await sign(message({ from: "ceo@sig.test" }), ["rsa", "ed"]), { ip: IP.good, mailFrom: "ceo@sig.test" })
    )
    const o = out[0]!
    expect(symbolNames(o)).toEqual(expect.arrayContaining(["SPF_PASS", "DKIM_PASS", "DMARC_PASS"]))
    expect(o.verdict.score).toBeLessThan(0)
    const ar = authResults(o)!
    expect(ar.split(/;\s+/)).toEqual([
      "gw.test",
      `spf=pass (domain of ceo@sig.test designates ${IP.good} as permitted sender) smtp.mailfrom=ceo@sig.test`,
      "spf=none (client.example does not designate permitted sender hosts) smtp.helo=client.example",
      expect.stringMatching(
        /^dkim=pass header\.d=sig\.test header\.s=rsa header\.a=rsa-sha256 header\.b=(\S{8}|"\S{8}")$/
      ),
      expect.stringMatching(
        /^dkim=pass header\.d=sig\.test header\.s=ed header\.a=ed25519-sha256 header\.b=(\S{8}|"\S{8}")$/
      ),
      "dmarc=pass (p=reject sp=reject pct=100) header.from=sig.test",
      "arc=none"
    ])
    const trace = o.verdict.trace.find((t) => t.stage === "auth")!
    expect(trace.facts).toMatchObject({ auth: { fromDomain: "sig.test", dmarc: { result: "pass" } } })
  })

  test("mailauth runs once per message: the safe-sender check and the stage share the facts", async () => {
    const file = join(dir, "recipients.yaml")
    writeFileSync(file, "recipients:\n  friend@rcpt.test:\n    safeSenders: [sig.test]\n")
    const m = msgOf(await sign(message({ from: "ceo@sig.test" })), {
      ip: IP.bad,
      mailFrom: "ceo@sig.test",
      rcptTo: ["friend@rcpt.test", "user@rcpt.test"]
    })
    const { out, queries } = await run({ bypass: { directory: file } }, m)
    const [friend, user] = out
    expect(friend!.rule).toMatch(/^bypass: safeSender sig\.test \(dkim=pass d=sig\.test aligned/)
    expect(symbolNames(user!)).toEqual(expect.arrayContaining(["SPF_FAIL", "DKIM_PASS", "DMARC_PASS"]))
    expect(queries.filter((q) => q === "TXT rsa._domainkey.sig.test")).toHaveLength(1)
    expect(queries.filter((q) => q === "TXT _dmarc.sig.test")).toHaveLength(1)
    expect(queries.filter((q) => q === "TXT sig.test")).toHaveLength(1)
    // Both the bypassed and the scanned recipient's copy carry the same header.
    expect(authResults(friend!)).toBe(authResults(user!))
  })

  test("enforce off (default): a p=reject failure is scored, not refused", async () => {
    const { out } = await run({}, spoof())
    expect(out[0]!.action._tag).toBe("Deliver")
    expect(symbolNames(out[0]!)).toContain("DMARC_FAIL_REJECT")
    expect(authResults(out[0]!)).toMatch(
      /dmarc=fail \(p=reject sp=reject pct=100 applied=reject\) header\.from=sig\.test/
    )
  })

  test("enforce on: p=reject -> Reject naming DMARC; p=quarantine and pct-sampled reject -> Quarantine", async () => {
    const rejected = await run({ dmarc: { enforce: true } }, spoof())
    expect(rejected.out[0]!.action).toEqual({
      _tag: "Reject",
      reason: "DMARC policy of sig.test is reject: no aligned SPF or DKIM pass"
    })
    expect(rejected.counters.dmarcEnforced).toBe(1)
    const quar = await run(
      { dmarc: { enforce: true } },
      msgOf(message({ from: "a@quar.test" }), { ip: IP.bad, mailFrom: "x@nospf.test" })
    )
    expect(quar.out[0]!.action).toMatchObject({
      _tag: "Quarantine",
      reason: expect.stringMatching(/^DMARC policy of quar\.test is quarantine/)
    })
    const pct = await run(
      { dmarc: { enforce: true } },
      msgOf(message({ from: "a@pct.test" }), { ip: IP.bad, mailFrom: "x@nospf.test" })
    )
    expect(pct.out[0]!.action._tag).toBe("Quarantine")
  })

  test("a signed message larger than the scan view is neither scored for DKIM nor refused", async () => {
    const signed = await sign(message({ from: "ceo@sig.test", body: "attachment line\r\n".repeat(3000) }))
    const { out } = await run(
      { dmarc: { enforce: true } },
      msgOf(signed.slice(0, 8192), { ip: IP.bad, mailFrom: "ceo@sig.test", size: signed.length })
    )
    expect(out[0]!.action._tag).toBe("Deliver")
    expect(symbolNames(out[0]!)).toEqual(expect.arrayContaining(["SPF_FAIL", "DKIM_PERMERROR", "DMARC_TEMPERROR"]))
    expect(authResults(out[0]!)).toMatch(/dkim=neutral \(body not verified: message larger than the scan view\)/)
  })

  test("a trusted forwarder is exempt; the rule says why", async () => {
    const { out } = await run({ dmarc: { enforce: true, trustedForwarders: ["127.0.0.96/30"] } }, spoof())
    expect(out[0]!.action._tag).toBe("Deliver")
    expect(out[0]!.rule).toMatch(/DMARC reject not applied: 127\.0\.0\.99 is a trusted forwarder \(127\.0\.0\.96\/30\)/)
  })

  test("ARC: a chain sealed by a trusted sealer is exempt, an untrusted sealer's is refused", async () => {
    const listCopy = async (sealer: "trusted" | "other") =>
      seal(
        alter(
          await sign(message({ from: "ceo@sig.test" })),
          "Subject: authentication test",
          "Subject: [list] authentication test"
        ),
        sealer
      )
    const config = { dmarc: { enforce: true }, arc: { trustedSealers: ["Lists.Trusted.Test."] } }
    const trusted = await run(
      config,
      msgOf(await listCopy("trusted"), { ip: IP.trustedList, mailFrom: "bounce@lists.trusted.test" })
    )
    expect(trusted.out[0]!.action._tag).toBe("Deliver")
    expect(trusted.out[0]!.rule).toMatch(/valid ARC chain sealed by trusted lists\.trusted\.test/)
    expect(authResults(trusted.out[0]!)).toMatch(/;\s+arc=pass \(i=1 sealed by lists\.trusted\.test\)$/)
    const other = await run(
      config,
      msgOf(await listCopy("other"), { ip: IP.otherList, mailFrom: "bounce@lists.other.test" })
    )
    expect(other.out[0]!.action._tag).toBe("Reject")
  })

  test("a resolver that never answers: no spam points, nothing enforced", async () => {
    const hang: Dns.StaticZone = Object.fromEntries(Object.keys(zoneOf(RECORDS)).map((k) => [k, "hang"]))
    const m = msgOf(message({ from: "ceo@sig.test" }), { ip: IP.bad, mailFrom: "ceo@sig.test" })
    const { out } = await run({ dmarc: { enforce: true }, auth: { timeoutSeconds: 0.3 } }, m, hang)
    expect(out[0]!.action._tag).toBe("Deliver")
    const auth = out[0]!.verdict.symbols.filter((s) => s.source === "auth")
    expect(auth.map((s) => s.name)).toEqual(expect.arrayContaining(["SPF_TEMPERROR", "DMARC_TEMPERROR"]))
    expect(auth.reduce((s, h) => s + h.score, 0)).toBe(0)
  })

  test("an authenticated session's submission is neither checked nor enforced", async () => {
    const m = MessageModel.fromBytes(new TextEncoder().encode(message({ from: "ceo@sig.test" })), {
      envelope: Envelope.make({
        clientAddress: IP.bad,
        helo: "laptop",
        mailFrom: "ceo@sig.test",
        rcptTo: ["user@rcpt.test"],
        authenticatedUser: "ceo"
      })
    })
    const { out, queries } = await run({ dmarc: { enforce: true } }, m)
    expect(out[0]!.action._tag).toBe("Deliver")
    expect(authResults(out[0]!)).toBeUndefined()
    expect(out[0]!.verdict.trace.find((t) => t.stage === "auth")?.facts).toEqual({ skipped: "authenticated session" })
    expect(queries.filter((q) => q.includes("sig.test"))).toEqual([])
  })

  test("antispam.scores overrides an authentication symbol's weight", async () => {
    const { out } = await run({ scores: { DMARC_FAIL_REJECT: 7 } }, spoof())
    expect(out[0]!.verdict.symbols.find((x) => x.name === "DMARC_FAIL_REJECT")?.score).toBe(7)
    expect(out[0]!.verdict.class).toBe("spam")
  })

  test("auth.enabled: false adds no symbols and no header", async () => {
    const { out } = await run({ auth: { enabled: false }, dmarc: { enforce: true } }, spoof())
    expect(out[0]!.action._tag).toBe("Deliver")
    expect(authResults(out[0]!)).toBeUndefined()
    expect(out[0]!.verdict.symbols.filter((s) => s.source === "auth")).toEqual([])
  })
})
