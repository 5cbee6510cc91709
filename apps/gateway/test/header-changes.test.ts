// A stage's header changes travel from the engine's outcome to the delivered copy: added and
// set fields appear, removed ones are gone, and our own fields and Received are out of reach.
import { Engine, MessageModel, type Stage } from "@mailmoat/core"
import { Effect } from "effect"
import { readdirSync, readFileSync } from "node:fs"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, test } from "vitest"
import type { Evaluate } from "../src/GatewayHandler.ts"
import type { RunningGateway } from "../src/index.ts"
import { gateway, sendRaw } from "./support/peers.ts"

const tagger: Stage = {
  name: "tagger",
  phase: "data",
  budgetMillis: 1000,
  symbols: {},
  run: () =>
    Effect.succeed({
      symbols: [],
      headers: [
        { op: "add", name: "X-Acme-Checked", value: "yes" },
        { op: "set", name: "X-Acme-Class", value: "newsletter" },
        { op: "remove", name: "X-Junk" },
        { op: "remove", name: "Received" },
        { op: "set", name: "X-Mailmoat-Verdict", value: "ham" }
      ]
    })
}

describe("stage header changes at delivery", () => {
  let gw: RunningGateway
  beforeAll(async () => {
    const engine = Effect.runSync(Engine.make({ stages: [tagger], policy: { spamScore: 5 } }))
    const evaluate: Evaluate = (envelope, spool) =>
      Effect.runPromise(engine.data(MessageModel.fromBytes(spool.head, { envelope, size: spool.size })))
    gw = await gateway({}, { evaluate })
  })
  afterAll(() => gw?.close())

  test("added, set and removed fields; our fields and Received untouched", async () => {
    const body =
      "Received: from upstream.example (upstream.example [192.0.2.5])\r\n\tby relay.example; Mon, 1 Dec 2025 00:00:00 +0000\r\nX-Junk: 1\r\nX-Acme-Class: old\r\nSubject: hi\r\n\r\nhello\r\n"
    const r = await sendRaw(gw.smtp.port, { from: "s@client.test", to: ["box@example.test"] }, body)
    expect(r.data).toMatch(/^250 /)
    const dir = join(gw.settings.dataDir, "maildir", "box@example.test", "new")
    const text = readFileSync(join(dir, readdirSync(dir)[0]!), "latin1")
    const head = text.slice(0, text.indexOf("\r\n\r\n"))
    expect(head).toMatch(/^X-Acme-Checked: yes$/m)
    expect(head).toMatch(/^X-Acme-Class: newsletter$/m)
    expect(head).not.toMatch(/X-Acme-Class: old|X-Junk/)
    expect(head.match(/^Received:/gm)).toHaveLength(2) // ours and the upstream one
    expect(head).toMatch(/^X-Mailmoat-Verdict: ham$/m) // written by the policy, not by the stage
    expect(head.match(/^X-Mailmoat-Verdict:/gm)).toHaveLength(1)
  })
})
