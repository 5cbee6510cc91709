// The gateway's logger: levels and formats, and over a real SMTP session one info line per
// message with queue id, client, recipients, verdict, score, action and milliseconds.
import { Effect, Logger } from "effect"
import { afterAll, describe, expect, test } from "vitest"
import { Action } from "@mailmoat/core"
import type { Evaluate, RunningGateway } from "../src/index.ts"
import * as Log from "../src/Log.ts"
import { gateway, sendRaw } from "./support/peers.ts"

const collect = (settings: Log.LogSettings) => {
  const lines: Array<string> = []
  return {
    lines,
    logger: Log.make(
      settings,
      (l) => lines.push(l),
      () => Date.UTC(2026, 11, 3, 9, 0, 0)
    )
  }
}

describe("Log", () => {
  test("drops events below log.level; text is key=value, one line whatever the values hold", () => {
    const { lines, logger } = collect({ level: "info", format: "text" })
    logger.debug("note", { text: "hidden" })
    logger.info("message", { queue: "s1.1", from: "evil\r\n2026 info forged", score: 2.5, ok: true })
    logger.error("delivery_failed", { error: "downstream 451" })
    expect(lines).toEqual([
      '2026-12-03T09:00:00.000Z info message queue="s1.1" from="evil\\r\\n2026 info forged" score=2.5 ok=true',
      '2026-12-03T09:00:00.000Z error delivery_failed error="downstream 451"'
    ])
  })

  test("json: one object per line; the Effect logger goes through the same level", () => {
    const { lines, logger } = collect({ level: "warn", format: "json" })
    logger.info("message", { queue: "q" })
    logger.warn("stage_failed", { stage: "rbl", outcome: "timeout" })
    const viaEffect = Effect.gen(function* () {
      yield* Effect.logInfo("below the level")
      yield* Effect.logError("list health probe failed")
    })
    Effect.runSync(viaEffect.pipe(Effect.provide(Logger.layer([logger.effectLogger]))))
    expect(lines.map((l) => JSON.parse(l))).toEqual([
      { time: "2026-12-03T09:00:00.000Z", level: "warn", event: "stage_failed", stage: "rbl", outcome: "timeout" },
      { time: "2026-12-03T09:00:00.000Z", level: "error", event: "note", text: "list health probe failed" }
    ])
  })
})

describe("one info line per message", () => {
  const running: Array<RunningGateway> = []
  afterAll(async () => {
    for (const g of running) await g.close()
  })

  test("json lines: the message line has what an operator needs, and nothing at debug", async () => {
    const { lines, logger } = collect({ level: "info", format: "json" })
    // No classifier: the verdict does not depend on the shipped model's view of a two-line message.
    const gw = await gateway(
      { antispam: { endUserBlocklist: { enabled: false } }, classifier: { enabled: false } },
      { logger }
    )
    running.push(gw)
    const sent = await sendRaw(
      gw.smtp.port,
      { from: "alice@client.test", to: ["bob@example.test", "carol@example.test"] },
      "Subject: lunch\r\n\r\nAt noon?\r\n"
    )
    expect(sent.data).toMatch(/^250 /)
    const events = lines.map((l) => JSON.parse(l) as Record<string, unknown>)
    expect(events.filter((e) => e.level === "debug")).toEqual([])
    const messages = events.filter((e) => e.event === "message")
    expect(messages).toHaveLength(1)
    expect(messages[0]).toMatchObject({
      level: "info",
      client: "127.0.0.1",
      from: "alice@client.test",
      rcpts: "bob@example.test,carol@example.test",
      action: "Deliver",
      code: 250
    })
    expect(messages[0]!.queue).toMatch(/\S+/)
    expect(["ham", "unsure"]).toContain(messages[0]!.verdict)
    expect(typeof messages[0]!.score).toBe("number")
    expect(typeof messages[0]!.ms).toBe("number")
  })

  test("a stage that failed or timed out is a warn line of its own", async () => {
    const { lines, logger } = collect({ level: "warn", format: "json" })
    const trace = [
      { stage: "rbl", phase: "data" as const, symbols: [], millis: 2000, outcome: "timeout" as const },
      { stage: "acme-feed", phase: "data" as const, symbols: [], millis: 3, outcome: "failed:Defect" as const },
      { stage: "size", phase: "data" as const, symbols: [], millis: 0, outcome: "ok" as const }
    ]
    const evaluate: Evaluate = async (envelope) =>
      envelope.rcptTo.map((recipient) => ({
        recipient,
        verdict: { class: "unsure" as const, score: 0, symbols: [], trace },
        action: Action.deliver(),
        rule: "policy"
      }))
    const gw = await gateway({}, { logger, evaluate })
    running.push(gw)
    await sendRaw(
      gw.smtp.port,
      { from: "a@client.test", to: ["b@example.test", "c@example.test"] },
      "Subject: s\r\n\r\nb\r\n"
    )
    const failed = lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((e) => e.event === "stage_failed")
    expect(failed.map((e) => [e.level, e.stage, e.outcome])).toEqual([
      ["warn", "rbl", "timeout"],
      ["warn", "acme-feed", "failed:Defect"]
    ])
  })
})
