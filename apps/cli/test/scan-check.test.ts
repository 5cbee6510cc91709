// scan and check through the built binary, with the lists served by a real rbldnsd on
// 127.0.0.1 and the gateway's resolver pointed at it.
import { afterAll, beforeAll, describe, expect, test } from "vitest"
import { type Rbldnsd, startRbldnsd } from "../../../packages/core/test/dns/support/rbldnsd.ts"
import { hamMessage, hasStackTrace, mailmoat, spamMessage, tmp, writeConfig } from "./support/cli.ts"

let dns: Rbldnsd
let config: string

beforeAll(async () => {
  dns = await startRbldnsd([
    { zone: "bl.test", type: "ip4set", data: "127.0.0.2\n192.0.2.7\n" },
    { zone: "dbl.test", type: "dnset", data: "spam.example\n" }
  ])
  config = writeConfig({
    dataDir: `${tmp()}/data`,
    antispam: {
      rbl: { servers: ["bl.test"], timeoutSeconds: 20 },
      dnsbl: { servers: ["dbl.test"], timeoutSeconds: 20 },
      endUserBlocklist: { enabled: true },
      dns: { servers: [dns.server] }
    }
  })
})
afterAll(async () => {
  await dns?.stop()
})

describe("scan", () => {
  test("a GTUBE message from a listed IP: spam, exit 1, symbols, hops and list answers in the JSON", async () => {
    const r = await mailmoat(["scan", "-", "--config", config, "--json"], {
      input: `From spammer@example.net Mon Jan  1 00:00:00 2024\n${spamMessage()}`
    })
    expect(r.code, r.stderr).toBe(1)
    const j = JSON.parse(r.stdout)
    expect(Object.keys(j)).toEqual(
      expect.arrayContaining(["file", "envelope", "verdict", "recipients", "symbols", "hops", "lists", "trace"])
    )
    // Envelope defaults from the headers (eml-format) and the top Received header.
    expect(j.envelope).toEqual({
      clientAddress: "192.0.2.7",
      helo: "mail.example.net",
      mailFrom: "spammer@example.net",
      rcptTo: ["user@example.org", "other@example.org"]
    })
    expect(j.verdict.class).toBe("spam")
    const names = j.symbols.map((s: { name: string }) => s.name)
    expect(names).toContain("CLASSIFIER_SPAM")
    expect(names).toContain("RBL_LISTED")
    for (const s of j.symbols)
      expect(s).toEqual(
        expect.objectContaining({ name: expect.any(String), score: expect.any(Number), source: expect.any(String) })
      )
    expect(j.recipients).toEqual([
      expect.objectContaining({
        recipient: "user@example.org",
        class: "spam",
        action: expect.objectContaining({ _tag: "Quarantine" })
      }),
      expect.objectContaining({
        recipient: "other@example.org",
        class: "spam",
        action: expect.objectContaining({ _tag: "Quarantine" })
      })
    ])
    expect(j.hops[0]).toMatchObject({ source: "client", ip: "192.0.2.7", status: "sender", selected: true })
    expect(j.lists).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          stage: "rbl",
          list: "bl.test",
          value: "192.0.2.7",
          answer: expect.stringMatching(/^listed/),
          answeredInTime: true
        })
      ])
    )
  })

  test("a ham message: exit 0, human output with verdict, action, symbols, hops and lists", async () => {
    const dir = tmp()
    const file = `${dir}/ham.eml`
    await import("node:fs").then((fs) => fs.writeFileSync(file, hamMessage()))
    const r = await mailmoat(["scan", file, "--config", config])
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toMatch(/^verdict {4}HAM /)
    expect(r.stdout).toMatch(/^action per recipient:\n {2}bob@example\.org: deliver/m)
    expect(r.stdout).toMatch(/^ {2}CLASSIFIER_HAM +0\.00 +classifier/m)
    expect(r.stdout).toMatch(/^ {2}client +198\.51\.100\.20 /m)
    expect(r.stdout).toMatch(/^ {2}rbl +bl\.test +198\.51\.100\.20 \(client\) +not listed/m)
  })

  test("--client-ip, --helo, --from <> and repeated --rcpt set the envelope; the action follows onSpam", async () => {
    const rejecting = writeConfig({
      antispam: { onSpam: "reject", rbl: { servers: ["bl.test"] }, dns: { servers: [dns.server] } }
    })
    const r = await mailmoat(
      [
        "scan",
        "-",
        "--config",
        rejecting,
        "--json",
        "--client-ip",
        "203.0.113.5",
        "--helo",
        "relay.test",
        "--from",
        "<>",
        "--rcpt",
        "a@x.test",
        "--rcpt",
        "b@x.test"
      ],
      { input: spamMessage() }
    )
    expect(r.code).toBe(1)
    const j = JSON.parse(r.stdout)
    expect(j.envelope).toEqual({
      clientAddress: "203.0.113.5",
      helo: "relay.test",
      mailFrom: "",
      rcptTo: ["a@x.test", "b@x.test"]
    })
    expect(j.recipients.map((o: { action: { _tag: string } }) => o.action._tag)).toEqual(["Reject", "Reject"])
  })

  test("a message without recipients, or an unreadable file, is exit 2 with one line", async () => {
    const r = await mailmoat(["scan", "-", "--config", config], { input: "Subject: nobody\n\nhello\n" })
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/no recipient: the message has no To or Cc address; give --rcpt ADDR/)
    const missing = await mailmoat(["scan", "/nonexistent.eml"])
    expect(missing.code).toBe(2)
    expect(missing.stderr).toBe("mailmoat: /nonexistent.eml: cannot read: ENOENT\n")
    expect(hasStackTrace(r.stderr + missing.stderr)).toBe(false)
  })
})

describe("check", () => {
  test("check ip: a listed IP is exit 1 with each list's answer and latency", async () => {
    const r = await mailmoat(["check", "ip", "192.0.2.7", "--config", config, "--json"])
    expect(r.code, r.stderr).toBe(1)
    const j = JSON.parse(r.stdout)
    expect(j.query).toEqual({ kind: "ip", value: "192.0.2.7" })
    expect(j.listed).toBe(true)
    expect(j.answers).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          list: "bl.test",
          type: "rbl",
          answer: "listed",
          codes: ["127.0.0.2"],
          millis: expect.any(Number),
          inTime: true
        }),
        expect.objectContaining({ list: "dbl.test", type: "dnsbl", answer: "not listed" }),
        expect.objectContaining({ list: "enduser-local", type: "enduser", answer: "not listed" })
      ])
    )
  })

  test("check ip: an unlisted IP is exit 0; the human table shows every list and its time", async () => {
    const r = await mailmoat(["check", "ip", "198.51.100.1", "--config", config])
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toMatch(/^198\.51\.100\.1: not listed on any of 3 lists$/m)
    expect(r.stdout).toMatch(/^ {2}bl\.test +rbl +not listed +\d+ ms$/m)
  })

  test("check domain: DNSBL and imported end-user entries", async () => {
    const listed = await mailmoat(["check", "domain", "SPAM.example.", "--config", config, "--json"])
    expect(listed.code).toBe(1)
    expect(JSON.parse(listed.stdout).answers).toEqual(
      expect.arrayContaining([expect.objectContaining({ list: "dbl.test", answer: "listed" })])
    )
    const dir = tmp()
    const withList = writeConfig({ dataDir: `${dir}/data`, antispam: { dns: { servers: [dns.server] } } }, dir)
    expect(
      (await mailmoat(["lists", "import", "enduser", "-", "--config", withList], { input: "bad.example\n" })).code
    ).toBe(0)
    const r = await mailmoat(["check", "domain", "bad.example", "--config", withList, "--json"])
    expect(r.code).toBe(1)
    expect(JSON.parse(r.stdout).answers).toEqual([
      expect.objectContaining({ list: "enduser-local", type: "enduser", answer: "listed" })
    ])
    const clean = await mailmoat(["check", "domain", "good.example", "--config", withList])
    expect(clean.code).toBe(0)
  })
})
