import { fc, test } from "@fast-check/vitest"
import { Effect, Exit } from "effect"
import { describe, expect, it } from "vitest"
import type { Stage, StageInput } from "../../src/index.ts"
import { Envelope, Plugins } from "../../src/index.ts"

const input: StageInput = { phase: "connect", envelope: Envelope.make({ clientAddress: "192.0.2.1" }) }
const stageReturning = (result: unknown): Stage => ({
  name: "s",
  phase: "connect",
  budgetMillis: 100,
  symbols: { S_HIT: { weight: 2, description: "hit" } },
  run: () => Effect.succeed(result as never)
})

describe("Plugins.guardStage", () => {
  it("passes a well-formed result and stamps the source", async () => {
    const r = await Effect.runPromise(
      Plugins.guardStage(stageReturning({ symbols: [{ name: "S_HIT", score: 2, source: "other" }] })).run(input)
    )
    expect(r.symbols).toEqual([{ name: "S_HIT", score: 2, detail: undefined, source: "s" }])
  })

  it.each([
    [null, "result is not an object"],
    [{ symbols: "S_HIT" }, "symbols is not a list"],
    [{ symbols: [{ name: "OTHER", score: 1 }] }, "undeclared symbol OTHER"],
    [{ symbols: [{ name: "S_HIT", score: Number.NaN }] }, "score is not a finite number"],
    [{ symbols: [{ name: "S_HIT", score: 1, detail: "x".repeat(501) }] }, "detail"],
    [{ symbols: [], decision: { _tag: "Nuke" } }, "unknown decision"],
    [{ symbols: [], probability: 7 }, "probability"],
    [{ symbols: [], headers: [{ op: "add", name: "X-Acme:\r\nBcc", value: "x" }] }, "is not a field name"],
    [{ symbols: [], headers: [{ op: "add", name: "X-Acme", value: 7 }] }, "value is not a string"],
    [{ symbols: [], headers: [{ op: "rename", name: "X-Acme" }] }, 'op "add", "set" or "remove"'],
    [{ symbols: [], headers: Array.from({ length: 21 }, () => ({ op: "remove", name: "X-A" })) }, "at most 20 changes"],
    [
      { symbols: [], recipientDecisions: [{ recipient: "a@example.org", decision: { _tag: "Continue" } }] },
      "cannot be Continue"
    ],
    [
      {
        symbols: [],
        recipientDecisions: [
          {
            recipient: "a@example.org",
            decision: { _tag: "Bypass", rule: "r", reason: "x" },
            symbols: [{ name: "NOPE", score: 1 }]
          }
        ]
      },
      "undeclared symbol NOPE"
    ]
  ])("fails with StageError BadResult for %j", async (raw, why) => {
    const exit = await Effect.runPromiseExit(Plugins.guardStage(stageReturning(raw)).run(input))
    expect(Exit.isFailure(exit)).toBe(true)
    expect(
      String(Exit.isFailure(exit) ? (exit.cause.reasons[0] as { error?: { reason: string } }).error?.reason : "")
    ).toContain(why)
  })

  it("a plain throw in run is StageError Threw, naming the stage", async () => {
    const s: Stage = {
      ...stageReturning({}),
      run: () => {
        throw new Error("bad plugin")
      }
    }
    const exit = await Effect.runPromiseExit(Plugins.guardStage(s).run(input))
    expect(
      Exit.isFailure(exit) && (exit.cause.reasons[0] as { error?: { reason: string; stage: string } }).error
    ).toMatchObject({ stage: "s", reason: "Threw: Error: bad plugin" })
  })

  test.prop([fc.anything()])("never lets an arbitrary result through unless it is well-formed", async (raw) => {
    const exit = await Effect.runPromiseExit(Plugins.guardStage(stageReturning(raw)).run(input))
    if (Exit.isSuccess(exit))
      expect(exit.value.symbols.every((h) => h.name === "S_HIT" && Number.isFinite(h.score))).toBe(true)
  })

  test.prop([fc.anything()])("checkAnswer never throws and yields one of the three shapes", (raw) => {
    expect(["Listed", "NotListed", "Unknown"]).toContain(Plugins.checkAnswer(raw)._tag)
  })
})
