import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import { Engine, Facts, type Stage, type StageResult } from "../../src/index.ts"
import type { Phase, StageInput } from "../../src/Stage.ts"
import * as Testing from "../../src/testing.ts"

const RCPTS = ["a@example.org", "b@example.org"]
const message = (fields: Parameters<typeof Testing.message>[1] = {}) =>
  Testing.message("From: x@example.net\nSubject: hello\n\nbody\n", { rcptTo: RCPTS, ...fields })

const stage = (
  name: string,
  phase: Phase,
  run: (input: StageInput) => StageResult,
  extra: Partial<Stage> = {}
): Stage => ({
  name,
  phase,
  budgetMillis: 1000,
  symbols: {},
  run: (input) => Effect.sync(() => run(input)),
  ...extra
})
const hit = (name: string, score: number, source = "t") => ({ name, score, source })
const LISTED = { LISTED: { weight: 6, description: "listed" } }
const listed = stage("list", "data", () => ({ symbols: [hit("LISTED", 6)] }), { symbols: LISTED })

const build = (options: Engine.EngineOptions) => Effect.runSync(Engine.make(options))
const evaluate = (engine: Engine.Engine, m = message()) => Effect.runPromise(engine.evaluate(m))
const byRcpt = (outs: ReadonlyArray<{ recipient: string }>) =>
  Object.fromEntries(outs.map((o) => [o.recipient, o])) as Record<string, Awaited<ReturnType<typeof evaluate>>[number]>

describe("Engine", () => {
  it("runs the phases in SMTP order and scores the rest through the policy", async () => {
    const seen: Array<string> = []
    const spy = (phase: Phase) =>
      stage(`spy-${phase}`, phase, (i) => {
        seen.push(i.phase === "rcpt" ? `rcpt ${i.recipient}` : i.phase)
        return { symbols: [] }
      })
    const engine = build({
      stages: [spy("data"), spy("rcpt"), spy("mail"), spy("connect"), listed],
      policy: { onSpam: "reject" }
    })
    const out = await evaluate(engine)
    expect(seen).toEqual(["connect", "mail", "rcpt a@example.org", "rcpt b@example.org", "data"])
    expect(out.map((o) => [o.recipient, o.verdict.class, o.action._tag, o.rule])).toEqual([
      ["a@example.org", "spam", "Reject", "policy: spam onSpam=reject"],
      ["b@example.org", "spam", "Reject", "policy: spam onSpam=reject"]
    ])
    expect(out[0]!.verdict.trace.map((t) => `${t.phase}/${t.stage}`)).toEqual([
      "connect/spy-connect",
      "mail/spy-mail",
      "rcpt/spy-rcpt",
      "data/spy-data",
      "data/list"
    ])
  })

  it("stages share one fact cache per message, and per-recipient facts", async () => {
    const Seen = Facts.key<string>("test.seen")
    const Vip = Facts.key<boolean>("test.vip")
    const writer = stage("writer", "mail", (i) => {
      Facts.of(i).set(Seen, i.phase === "mail" ? i.envelope.mailFrom : "?")
      return { symbols: [] }
    })
    const marker = stage("marker", "rcpt", (i) => {
      if (i.phase === "rcpt" && i.recipient.startsWith("a")) Facts.of(i).recipient(i.recipient).set(Vip, true)
      return { symbols: [] }
    })
    let computed = 0
    const Expensive = Facts.key<number>("test.expensive")
    const reader = (name: string, order: number) =>
      stage(
        name,
        "data",
        (i) => {
          const f = Facts.of(i)
          f.getOrSet(Expensive, () => ++computed)
          const vips = i.phase === "data" ? i.recipients.filter((r) => f.recipient(r).get(Vip) === true) : []
          return { symbols: [], facts: { seen: f.get(Seen), vips } }
        },
        { order }
      )
    const engine = build({ stages: [writer, marker, reader("r1", 1), reader("r2", 2)] })
    const [o] = await evaluate(engine, message({ mailFrom: "s@example.net" }))
    const facts = o!.verdict.trace.filter((t) => t.phase === "data").map((t) => t.facts)
    expect(facts).toEqual([
      { seen: "s@example.net", vips: ["a@example.org"] },
      { seen: "s@example.net", vips: ["a@example.org"] }
    ])
    expect(computed).toBe(1)
    // A second message gets fresh facts; the stages are the same objects.
    await evaluate(engine)
    expect(computed).toBe(2)
    expect(engine.stages[0]).toBe(writer)
  })

  it("honours every phase's decision; refusals win over bypasses; per recipient at rcpt and data", async () => {
    const bypassAll = stage("allow", "connect", () => ({
      symbols: [],
      decision: { _tag: "Bypass", rule: "allowedIps", reason: "client in 192.0.2.0/24" }
    }))
    const refuseB = stage("refuse", "rcpt", (i) => ({
      symbols: [],
      decision:
        i.phase === "rcpt" && i.recipient.startsWith("b") ? { _tag: "Reject", reason: "no such user" } : undefined
    }))
    const out = byRcpt(await evaluate(build({ stages: [bypassAll, refuseB, listed] })))
    expect(out["a@example.org"]).toMatchObject({
      rule: "bypass: allowedIps (client in 192.0.2.0/24)",
      action: { _tag: "Deliver" },
      verdict: { class: "ham", decidedBy: { stage: "allow", decision: "Bypass" } }
    })
    expect(out["b@example.org"]).toMatchObject({
      rule: "refuse: reject (no such user)",
      action: { _tag: "Reject", reason: "no such user" }
    })

    const tempfailMail = stage("greet", "mail", () => ({
      symbols: [],
      decision: { _tag: "Tempfail", reason: "slow down" }
    }))
    expect((await evaluate(build({ stages: [tempfailMail, listed] }))).map((o) => o.action._tag)).toEqual([
      "Tempfail",
      "Tempfail"
    ])

    const safeA = stage("safe", "data", (i) => ({
      symbols: [],
      recipientDecisions:
        i.phase === "data"
          ? [{ recipient: "a@example.org", decision: { _tag: "Bypass", rule: "safeSender x", reason: "spf pass" } }]
          : []
    }))
    const after = stage(
      "after",
      "data",
      (i) => ({ symbols: [], facts: { recipients: i.phase === "data" ? i.recipients : [] } }),
      { order: 1 }
    )
    const split = byRcpt(await evaluate(build({ stages: [safeA, after, listed] })))
    expect(split["a@example.org"]!.rule).toBe("bypass: safeSender x (spf pass)")
    expect(split["b@example.org"]!.action._tag).toBe("Quarantine")
    expect(split["b@example.org"]!.verdict.trace.find((t) => t.stage === "after")!.facts).toEqual({
      recipients: ["b@example.org"]
    })

    const tooBig = stage(
      "size",
      "data",
      () => ({ symbols: [hit("SIZE_NOT_SCANNED", 0)], decision: { _tag: "Accept", reason: "not scanned" } }),
      { order: -1 }
    )
    const [big] = await evaluate(build({ stages: [tooBig, listed] }))
    expect(big).toMatchObject({ rule: "size: not scanned", action: { _tag: "Deliver" }, verdict: { class: "ham" } })
    expect(big!.verdict.trace.find((t) => t.stage === "list")!.outcome).toBe("skipped")
  })

  it("phases the session already ran are not run again", async () => {
    let connects = 0
    const counting = stage("count", "connect", () => {
      connects++
      return { symbols: [] }
    })
    const engine = build({ stages: [counting, listed] })
    const m = message()
    const facts = Facts.make()
    const early = await Effect.runPromise(engine.connect(m.envelope, facts))
    expect(connects).toBe(1)
    await Effect.runPromise(engine.data(m, { connect: early, facts }))
    expect(connects).toBe(1)
    await Effect.runPromise(engine.evaluate(m))
    expect(connects).toBe(2)
  })

  it("weights come from the declaration unless scores override them; unknown names fail the build", async () => {
    const [spam] = await evaluate(build({ stages: [listed] }))
    expect(spam!.verdict).toMatchObject({ class: "spam", score: 6 })
    const [ham] = await evaluate(build({ stages: [listed], scores: { LISTED: 1 } }))
    expect(ham!.verdict).toMatchObject({ class: "ham", score: 1 })
    const failed = Effect.runSync(Effect.flip(Engine.make({ stages: [listed], scores: { LISTD: 4 } })))
    expect(failed).toMatchObject({ _tag: "EngineError", reason: "UnknownSymbol" })
    expect(failed.message).toMatch(/LISTD/)
  })

  it("a symbol declared undecided makes the message unsure, whatever its name", async () => {
    const symbols = {
      ZONE_SILENT: { weight: 0, description: "no answer", undecided: true },
      ZONE_UNKNOWN: { weight: 0, description: "named like one, is not" }
    }
    const s = (name: string) => stage("z", "data", () => ({ symbols: [hit(name, 0)] }), { symbols })
    expect((await evaluate(build({ stages: [s("ZONE_SILENT")] })))[0]!.verdict.class).toBe("unsure")
    expect((await evaluate(build({ stages: [s("ZONE_UNKNOWN")] })))[0]!.verdict.class).toBe("ham")
  })

  it("verdict steps run after the policy: reclassify, add symbols, answer temporarily", async () => {
    const step = (adjust: Engine.VerdictAdjustment): Engine.VerdictStep => ({
      name: "step",
      symbols: { STEP_NOTE: { weight: 0, description: "note" } },
      run: () => Effect.succeed(adjust)
    })
    const [retry] = await evaluate(
      build({
        stages: [],
        verdictSteps: [step({ class: "spam", rulePrefix: "tempReject: retry", symbols: [hit("STEP_NOTE", 0)] })],
        policy: { onSpam: "drop" }
      })
    )
    expect(retry).toMatchObject({ rule: "tempReject: retry; policy: spam onSpam=drop", action: { _tag: "Drop" } })
    expect(retry!.verdict.symbols.map((x) => x.name)).toEqual(["STEP_NOTE"])
    const [deferred] = await evaluate(
      build({
        stages: [],
        verdictSteps: [step({ tempfail: { reason: "unsure; retry in 900 s", rule: "tempReject: first" } })]
      })
    )
    expect(deferred).toMatchObject({
      rule: "tempReject: first",
      action: { _tag: "Tempfail", reason: "unsure; retry in 900 s" }
    })
  })

  it("stage header changes reach the delivery action", async () => {
    const tagger = stage("tagger", "data", () => ({
      symbols: [],
      headers: [{ op: "add", name: "X-Acme", value: "1" }]
    }))
    const [o] = await evaluate(build({ stages: [tagger] }))
    expect(o!.action).toMatchObject({ _tag: "Deliver", changes: [{ op: "add", name: "X-Acme", value: "1" }] })
  })

  it("never fails: a failing stage fails open, a broken engine step answers tempfail", async () => {
    const boom = stage("boom", "data", () => {
      throw new Error("bug")
    })
    const [open] = await evaluate(build({ stages: [boom] }))
    expect(open!.verdict.class).toBe("unsure")
    expect(open!.action._tag).toBe("Deliver")
    const broken: Engine.VerdictStep = { name: "broken", symbols: {}, run: () => Effect.die(new Error("bug")) }
    const out = await evaluate(build({ stages: [], verdictSteps: [broken] }))
    expect(out.map((o) => [o.action._tag, o.rule])).toEqual([
      ["Tempfail", "module failure"],
      ["Tempfail", "module failure"]
    ])
  })

  it("scanning off delivers every recipient unscanned", async () => {
    const out = await evaluate(build({ stages: [listed], scanning: false }))
    expect(out.map((o) => [o.action._tag, o.rule])).toEqual([
      ["Deliver", "antispam disabled"],
      ["Deliver", "antispam disabled"]
    ])
  })
})

describe("Engine.judge", () => {
  it("judges a message with no recipients of ours: no rcpt phase, one outcome", async () => {
    let rcpts = 0
    const counting = stage("count", "rcpt", () => {
      rcpts++
      return { symbols: [] }
    })
    const step: Engine.VerdictStep = {
      name: "seen",
      symbols: {},
      run: ({ recipients }) => Effect.succeed({ rulePrefix: `recipients=${recipients.length}` })
    }
    const engine = build({ stages: [counting, listed], verdictSteps: [step], policy: { onSpam: "none" } })
    const o = await Effect.runPromise(engine.judge(message({ rcptTo: [] })))
    expect(rcpts).toBe(0)
    expect(o).toMatchObject({
      verdict: { class: "spam", score: 6 },
      action: { _tag: "Deliver" },
      rule: "recipients=0; policy: spam onSpam=none"
    })
    expect("recipient" in o).toBe(false)
  })
})
