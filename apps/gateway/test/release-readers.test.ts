// Nothing parses a message again once its data phase has released it: whatever runs after the
// outcome (the plan, the relay to smtp-sink, the quarantine's entry, the message line, the
// reputation update, a plugin stage's view kept past its run) works from facts handed over before
// the release. `MessageModel.parsed` says which parts a message holds without parsing any; after
// the whole transaction it must hold none.
import { rmSync } from "node:fs"
import { join } from "node:path"
import { Reputation } from "@mailmoat/antispam"
import { type Message, MessageModel, type Stage } from "@mailmoat/core"
import { defineStage, type MessageFacts } from "@mailmoat/sdk"
import { Effect, Layer, Scope } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import type { RunningGateway } from "../src/index.ts"
import * as Log from "../src/Log.ts"
import { type Protection, startProtection } from "../src/Protection.ts"
import * as StateStores from "../src/StateStores.ts"
import { gateway, SmtpSink, sendRaw } from "./support/peers.ts"
import { tempDir } from "../../../test/support/temp-dirs.ts"

const dataDir = tempDir("mm-release-readers-")

// A data stage that keeps the message it saw after reading every part (as the built-in stages
// do between them), and calls a subject containing "spam" spam.
const seen: Array<Message> = []
const keeper: Stage = {
  name: "keeper",
  phase: "data",
  budgetMillis: 1000,
  symbols: { KEEPER_SPAM: { weight: 20, description: "subject says spam" } },
  run: (input) =>
    Effect.sync(() => {
      if (input.phase !== "data") return { symbols: [] }
      const m = input.message
      seen.push(m)
      void m.received
      void m.body
      return {
        symbols: /spam/.test(m.headers.get("subject") ?? "")
          ? [{ name: "KEEPER_SPAM", score: 20, source: "keeper" }]
          : []
      }
    })
}

// A plugin stage (SDK) that keeps its view of the message, to read it after the transaction.
const views: Array<MessageFacts> = []
const plugin = defineStage({
  name: "keeps-view",
  phase: "data",
  symbols: {},
  run: ({ message }) => {
    views.push(message)
  }
})

// Reputation counts in memory; each update is waited for.
const memory = Reputation.MemoryReputationStore.make(1000)
const recorded: Array<Promise<void>> = []
const reputation: Reputation.ReputationStoreShape = {
  ...memory,
  record: (keys, label, window) => {
    const done = memory.record(keys, label, window)
    recorded.push(done)
    return done
  }
}

const lines: Array<string> = []
let sink: SmtpSink
let gw: RunningGateway
let protection: Protection
const scope = Effect.runSync(Scope.make())

beforeAll(async () => {
  sink = await SmtpSink.start()
  const layer = StateStores.layer({ backend: "embedded" }, dataDir, undefined)
  protection = await Effect.runPromise(
    Scope.provide(scope)(
      startProtection(
        {
          dataDir,
          hostname: "gw.test",
          antispam: {
            onSpam: "quarantine",
            rbl: { servers: [] },
            dnsbl: { servers: [] },
            endUserBlocklist: { enabled: false },
            reputation: { enabled: true }
          },
          state: { backend: "embedded" },
          classifier: { enabled: false },
          stages: [keeper, plugin],
          healthIntervalMillis: 0,
          reputation
        },
        Log.silent
      ).pipe(Effect.provide(Layer.orDie(layer)))
    )
  )
  gw = await gateway(
    { delivery: { downstream: { host: "127.0.0.1", port: sink.port } }, log: { level: "info" } },
    { evaluate: protection.evaluate, log: (l) => lines.push(l), logLevel: "info" }
  )
})

afterAll(async () => {
  await gw?.close()
  await protection?.close()
  await Effect.runPromise(Scope.close(scope, { _tag: "Success", value: undefined } as never))
  await sink?.stop()
  rmSync(dataDir, { recursive: true, force: true })
})

const message = (subject: string) =>
  [
    "Received: from relay.example (relay.example [192.0.2.7]) by mx.example with ESMTP; Mon, 1 Dec 2025 00:00:00 +0000",
    "From: Alice <alice@sender.example>",
    "To: user@example.test",
    `Subject: ${subject}`,
    'Content-Type: multipart/alternative; boundary="b"',
    "",
    "--b",
    "Content-Type: text/plain",
    "",
    "see http://link.example/x",
    "--b--"
  ].join("\r\n")

describe("after the data phase", () => {
  for (const [subject, reply, action] of [
    ["release readers ham", /^250 /, "Deliver"],
    ["release readers spam", /^250 /, "Quarantine"]
  ] as const)
    it(`nothing parses the message again (${action})`, async () => {
      seen.length = 0
      views.length = 0
      recorded.length = 0
      const r = await sendRaw(
        gw.smtp.port,
        { from: "alice@sender.example", to: ["user@example.test"] },
        message(subject)
      )
      expect(r.data).toMatch(reply)
      expect(lines.findLast((l) => l.includes(" info message "))).toContain(`action="${action}"`)
      await Promise.all(recorded)
      expect(recorded.length).toBe(1)
      expect(seen).toHaveLength(1)
      expect(views).toHaveLength(1)
      // The plugin reads its view late: the same answers, from what was handed over.
      const view = views[0]!
      expect(view.headers.get("subject")).toBe(subject)
      expect(view.received.map((h) => h.ip)).toEqual(["192.0.2.7"])
      expect(view.body.urls).toEqual(["http://link.example/x"])
      expect(MessageModel.parsed(seen[0]!)).toEqual([])
    })
})
