// The one reply table: every phase's refusal, reasons that cannot forge reply lines.
import { fc, test } from "@fast-check/vitest"
import { describe, expect, it } from "vitest"
import * as Replies from "../src/Replies.ts"

describe("reply table", () => {
  it.each([
    ["connect", "Reject", 554, "5.7.1", "Connection refused: no"],
    ["connect", "Tempfail", 421, "4.7.0", "Try again later: no"],
    ["mail", "Reject", 550, "5.7.1", "Sender refused: no"],
    ["mail", "Tempfail", 451, "4.7.1", "Try again later: no"],
    ["rcpt", "Reject", 550, "5.7.1", "Recipient refused: no"],
    ["rcpt", "Tempfail", 451, "4.7.1", "Try again later: no"],
    ["data", "Reject", 550, "5.7.1", "Message rejected: no"],
    ["data", "Tempfail", 451, "4.7.1", "Try again later: no"]
  ] as const)("%s %s -> %i %s", (phase, refusal, code, enhanced, text) => {
    expect(Replies.refusal(phase, refusal, "no")).toEqual({ code, enhanced, text })
    expect(Replies.forDecision(phase, { _tag: refusal, reason: "no" })).toEqual({ code, enhanced, text })
  })

  it("decisions that do not refuse have no reply; accepted and local problems", () => {
    expect(Replies.forDecision("rcpt", { _tag: "Bypass", reason: "x" })).toBeUndefined()
    expect(Replies.forDecision("connect", { _tag: "Accept", reason: "x" })).toBeUndefined()
    expect(Replies.forDecision("connect", undefined)).toBeUndefined()
    expect(Replies.accepted("q1")).toEqual({ code: 250, enhanced: "2.0.0", text: "Ok: queued as q1" })
    expect(Replies.localProblem()).toEqual({
      code: 451,
      enhanced: "4.3.0",
      text: "Temporary local problem, try again later"
    })
  })

  test.prop([fc.string({ maxLength: 400 })])(
    "a reason is one line of at most 200 characters after the prefix",
    (reason) => {
      const r = Replies.refusal("rcpt", "Reject", reason)
      expect(r.text).not.toMatch(/[\r\n\0]/)
      expect(r.text.length).toBeLessThanOrEqual("Recipient refused: ".length + 200)
    }
  )
})
