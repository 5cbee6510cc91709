import type { StageError } from "@mailmoat/core"
import { MessageModel, Pipeline } from "@mailmoat/core"
import { Effect, Exit, Schema } from "effect"
import { describe, expect, it } from "vitest"
import { defineStage, type MessageFacts } from "../src/index.ts"
import { runStage, stageInput, testMessage } from "../src/testing.ts"

const shouting = defineStage({
  name: "acme-shouting",
  phase: "data",
  symbols: { ACME_SHOUTING: { weight: 1.5, description: "Subject is all capitals" } },
  run: ({ message, hit }) => {
    const s = message.headers.decoded("subject") ?? ""
    return s.length > 3 && s === s.toUpperCase() ? [hit("ACME_SHOUTING", s)] : []
  }
})

const failureOf = async (stage: Parameters<typeof runStage>[0], message = testMessage()) => {
  const exit = await Effect.runPromiseExit(stage.run(stageInput(stage, message)))
  if (Exit.isSuccess(exit)) throw new Error("expected a failure")
  const err = exit.cause.reasons[0]
  return (err as { error: StageError }).error
}

describe("defineStage", () => {
  it("hits score the declared weight, sourced to the stage; headers are decoded on request", async () => {
    const r = await runStage(shouting, testMessage({ headers: [["Subject", "=?utf-8?B?QlVZIE5PVw==?="]] }))
    expect(r.symbols).toEqual([{ name: "ACME_SHOUTING", score: 1.5, detail: "BUY NOW", source: "acme-shouting" }])
    expect((await runStage(shouting, testMessage({ headers: [["Subject", "hello there"]] }))).symbols).toEqual([])
  })

  it("a throw is StageError Threw, a hang is StageError Timeout (with the signal aborted), garbage is BadResult", async () => {
    const throws = defineStage({
      name: "t",
      phase: "data",
      symbols: {},
      run: () => {
        throw new Error("boom")
      }
    })
    expect(await failureOf(throws)).toMatchObject({
      _tag: "StageError",
      stage: "t",
      reason: "Threw: boom",
      temporary: false
    })

    let aborted = false
    const hangs = defineStage({
      name: "h",
      phase: "data",
      budgetMillis: 30,
      symbols: {},
      run: ({ signal }) =>
        new Promise(() =>
          signal.addEventListener("abort", () => {
            aborted = true
          })
        )
    })
    expect(await failureOf(hangs)).toMatchObject({ reason: "Timeout", temporary: true })
    expect(aborted).toBe(true)

    const undeclared = defineStage({
      name: "u",
      phase: "data",
      symbols: { A_B: { weight: 1, description: "x" } },
      run: () => [{ symbol: "NOPE" as "A_B" }]
    })
    expect((await failureOf(undeclared)).reason).toBe("BadResult: undeclared symbol NOPE")
    const nonsense = defineStage({ name: "n", phase: "data", symbols: {}, run: () => 42 as never })
    expect((await failureOf(nonsense)).reason).toMatch(/^BadResult/)
  })

  it("message facts are frozen views; mutating them fails the stage, not the message", async () => {
    const m = testMessage({ body: "see https://evil.example.com/x and 198.51.100.7" })
    let seen: unknown
    const mutates = defineStage({
      name: "m",
      phase: "data",
      symbols: {},
      run: ({ message }) => {
        seen = { hosts: message.body.hosts, ips: message.body.ips }
        ;(message.body.hosts as Array<string>).push("x")
      }
    })
    expect((await failureOf(mutates, m)).reason).toMatch(/^Threw/)
    expect(seen).toEqual({ hosts: ["evil.example.com"], ips: ["198.51.100.7"] })
    expect(m.body.hosts).toEqual(["evil.example.com"])
  })

  it("a view kept past its run (done or out of time) answers from what the message held then, parsing nothing after a release", async () => {
    const views: Array<MessageFacts> = []
    const keeps = (budgetMillis: number, hangs: boolean) =>
      defineStage({
        name: "keeps",
        phase: "data",
        budgetMillis,
        symbols: {},
        run: ({ message }) => {
          views.push(message)
          return hangs ? new Promise<undefined>(() => {}) : undefined
        }
      })
    for (const [stage, hangs] of [
      [keeps(1000, false), false],
      [keeps(20, true), true]
    ] as const) {
      views.length = 0
      const m = testMessage({
        headers: [["Received", "from a.example (a.example [198.51.100.7]) by mx.example; 1 Dec 2025"]],
        body: "see https://link.example.com/x"
      })
      // Other stages of the phase parsed these.
      void m.received
      void m.body
      const exit = await Effect.runPromiseExit(stage.run(stageInput(stage, m)))
      expect(Exit.isSuccess(exit)).toBe(!hangs)
      MessageModel.release(m)
      expect(views[0]!.received.map((h) => h.ip)).toEqual(["198.51.100.7"])
      expect(views[0]!.body.hosts).toEqual(["link.example.com"])
      expect(MessageModel.parsed(m)).toEqual([])
    }
    // A part no stage read before the run ended is parsed on the view's first read.
    views.length = 0
    const m = testMessage({ body: "see https://other.example.com/y" })
    await runStage(keeps(1000, false), m)
    MessageModel.release(m)
    expect(views[0]!.body.hosts).toEqual(["other.example.com"])
  })

  it("a connect-phase stage sees the envelope; a decision ends the phase", async () => {
    const deny = defineStage({
      name: "deny-helo",
      phase: "connect",
      symbols: {},
      run: ({ envelope, message }) =>
        message === undefined && envelope.helo === "localhost"
          ? { decision: { action: "reject", reason: "bad HELO" } }
          : undefined
    })
    const r = await runStage(deny, testMessage({ envelope: { helo: "localhost" } }))
    expect(r.decision).toMatchObject({ action: "reject", reason: "bad HELO" })
  })

  it("with an options schema, make(options) builds the stage", async () => {
    const def = defineStage({
      name: "long-subject",
      phase: "data",
      options: Schema.Struct({ max: Schema.Number }),
      symbols: { LONG_SUBJECT: { weight: 0.5, description: "Subject longer than max" } },
      run: ({ message, options, hit }) =>
        (message.headers.get("subject")?.length ?? 0) > options.max ? [hit("LONG_SUBJECT")] : []
    })
    expect((await runStage(def.make({ max: 3 }), testMessage())).symbols.map((s) => s.name)).toEqual(["LONG_SUBJECT"])
    expect((await runStage(def.make({ max: 30 }), testMessage())).symbols).toEqual([])
  })

  it("in the core pipeline a failing plugin stage is traced failed with no symbols", async () => {
    const throws = defineStage({
      name: "t",
      phase: "data",
      symbols: { T_X: { weight: 100, description: "x" } },
      run: () => {
        throw new Error("boom")
      }
    })
    const m = testMessage()
    const run = await Effect.runPromise(Pipeline.runPhase([throws, shouting], stageInput(throws, m)))
    expect(run.runs[0]!.trace).toMatchObject({ stage: "t", outcome: "failed:Threw: boom", symbols: [] })
    expect(run.runs[1]!.trace.outcome).toBe("ok")
  })

  it("rejects wrong definitions with a TypeError naming the stage", () => {
    expect(() => defineStage({ name: "x", phase: "later" as "data", symbols: {}, run: () => [] })).toThrow(/phase/)
    expect(() =>
      defineStage({ name: "x", phase: "data", symbols: { lower: { weight: 1, description: "d" } }, run: () => [] })
    ).toThrow(/UPPER_SNAKE/)
    expect(() => defineStage({ name: "x", phase: "data", budgetMillis: -1, symbols: {}, run: () => [] })).toThrow(
      /budgetMillis/
    )
    expect(() =>
      defineStage({ name: "x", phase: "data", symbols: { A: { weight: Number.NaN, description: "d" } }, run: () => [] })
    ).toThrow(/finite weight/)
  })
})

describe("defineStage: the mail phase and header changes", () => {
  it("a mail-phase stage sees MAIL FROM before any message exists", async () => {
    const seen: Array<string> = []
    const mail = defineStage({
      name: "acme-mail-from",
      phase: "mail",
      symbols: { ACME_NULL_SENDER: { weight: 0.5, description: "Bounce" } },
      run: ({ envelope, message, hit }) => {
        seen.push(`${envelope.mailFrom}|${message === undefined}`)
        return envelope.mailFrom === "" ? [hit("ACME_NULL_SENDER")] : []
      }
    })
    const m = testMessage({ envelope: { mailFrom: "" } })
    const r = await runStage(mail, m)
    expect(r.symbols.map((s) => s.name)).toEqual(["ACME_NULL_SENDER"])
    expect(seen).toEqual(["|true"])
  })

  it("header changes are passed on, checked and frozen", async () => {
    const tagger = defineStage({
      name: "acme-tagger",
      phase: "data",
      symbols: {},
      run: () => ({
        headers: [
          { op: "add", name: "X-Acme-Checked", value: "yes" },
          { op: "remove", name: "X-Junk" }
        ]
      })
    })
    const r = await runStage(tagger, testMessage())
    expect(r.headers).toEqual([
      { op: "add", name: "X-Acme-Checked", value: "yes" },
      { op: "remove", name: "X-Junk" }
    ])
    expect(Object.isFrozen(r.headers)).toBe(true)
    const forged = defineStage({
      name: "acme-forge",
      phase: "data",
      symbols: {},
      run: () => ({ headers: [{ op: "add", name: "Bcc:\r\nX", value: "a" }] })
    })
    expect(await failureOf(forged)).toMatchObject({
      reason: expect.stringMatching(/^BadResult: header name .* is not a field name/)
    })
  })
})
