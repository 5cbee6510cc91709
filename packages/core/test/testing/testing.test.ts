import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import { Dns } from "../../src/index.ts"
import * as Testing from "../../src/testing.ts"

describe("@mailmoat/core/testing", () => {
  it("message() parses text with LF line ends like the gateway parses wire bytes", () => {
    const m = Testing.message(
      "Received: from a (a [203.0.113.5]) by b\nSubject: =?utf-8?q?h=C3=A9?=\n\nsee http://spam.example.com/x\n"
    )
    expect(m.headers.decoded("subject")).toBe("hé")
    expect(m.received[0]?.ip).toBe("203.0.113.5")
    expect(m.body.hosts).toContain("spam.example.com")
    expect(m.envelope.rcptTo).toEqual(["user@example.test"])
  })

  it("staticDns answers from its table and records queries", async () => {
    const dns = Testing.staticDns({ "2.0.0.127.bl.test": { A: ["127.0.0.2"] } })
    const answer = await Effect.runPromise(dns.resolve("A", "2.0.0.127.bl.test"))
    expect(answer.records).toEqual(["127.0.0.2"])
    const missing = await Effect.runPromise(Effect.flip(dns.resolve("A", "nothing.test")))
    expect(missing).toBeInstanceOf(Dns.DnsError)
    expect(dns.queries).toEqual(["A 2.0.0.127.bl.test", "A nothing.test"])
  })

  it("runStage traces a failing stage instead of throwing", async () => {
    const run = await Effect.runPromise(
      Testing.runStage(
        { name: "boom", phase: "data", budgetMillis: 100, symbols: {}, run: () => Effect.die("x") },
        { phase: "data", message: Testing.message("Subject: x\n\nbody\n"), recipients: ["user@example.test"] }
      )
    )
    expect(run.trace.outcome).toBe("failed:Defect")
  })
})
