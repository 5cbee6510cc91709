// Stages of the connect, mail and rcpt phases run during the SMTP session; their refusals are
// answered from the reply table, a failing stage refuses nothing.
import type { Stage, StageResult } from "@mailmoat/core"
import type { Smtp } from "@mailmoat/protocols"
import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import { makeSessionStages } from "../src/SessionStages.ts"

const session: Smtp.SmtpSessionInfo = { id: "s1", clientAddress: "192.0.2.1", clientPort: 1234, localAddress: "127.0.0.1", localPort: 25, helo: "client.test", tls: false, sessionFlags: new Set() }
const stage = (phase: Stage["phase"], run: (input: Parameters<Stage["run"]>[0]) => StageResult): Stage => ({
  name: `${phase}-stage`,
  phase,
  budgetMillis: 1000,
  symbols: {},
  run: (input) => Effect.sync(() => run(input))
})

describe("session stages", () => {
  it("a mail-phase stage sees MAIL FROM and can refuse the sender", async () => {
    const seen: Array<string> = []
    const s = makeSessionStages(
      [
        stage("mail", (i) => {
          if (i.phase === "mail") seen.push(i.envelope.mailFrom)
          return { symbols: [], decision: i.phase === "mail" && i.envelope.mailFrom.endsWith("@spam.example") ? { _tag: "Reject", reason: "sender\r\nlisted" } : undefined }
        })
      ],
      () => undefined
    )!
    expect(await s.mail(session, "ok@example.org")).toBeUndefined()
    expect(await s.mail(session, "x@spam.example")).toEqual({ code: 550, enhanced: "5.7.1", text: "Sender refused: sender listed" })
    expect(seen).toEqual(["ok@example.org", "x@spam.example"])
    expect(await s.connect(session)).toBeUndefined()
  })

  it("tempfail at mail is 451; a stage that throws refuses nothing", async () => {
    const logs: Array<string> = []
    const later = makeSessionStages([stage("mail", () => ({ symbols: [], decision: { _tag: "Tempfail", reason: "slow down" } }))], (l) => logs.push(l))!
    expect(await later.mail(session, "a@example.org")).toMatchObject({ code: 451, enhanced: "4.7.1" })
    const broken = makeSessionStages(
      [
        stage("mail", () => {
          throw new Error("bug")
        })
      ],
      (l) => logs.push(l)
    )!
    expect(await broken.mail(session, "a@example.org")).toBeUndefined()
    expect(logs.some((l) => /mail-stage failed.*not refusing/.test(l))).toBe(true)
  })
})
