// The classifier stage inside the server antispam module: its class decides the verdict, with
// the module following the classifier's own cutoffs (CLASSIFIER_UNSURE -> unsure).
import { Dns, Envelope, MessageModel } from "@mailmoat/core"
import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import { makeClassifierStage } from "../../src/classifier/index.ts"
import { trainTokens } from "../../src/classifier/Train.ts"
import { tokenize } from "../../src/classifier/Tokenizer.ts"
import { makeServerAntispam } from "../../src/index.ts"
import { generated, parse } from "./support.ts"

const model = trainTokens(
  [
    ...Array.from({ length: 40 }, (_, i) => ({ tokens: tokenize(parse(generated("ham", i))), label: "ham" as const })),
    ...Array.from({ length: 40 }, (_, i) => ({ tokens: tokenize(parse(generated("spam", i))), label: "spam" as const }))
  ],
  { folds: 3, minCount: 1 }
)
const message = (text: string) =>
  MessageModel.fromBytes(new TextEncoder().encode(text), {
    envelope: Envelope.make({
      clientAddress: "192.0.2.50",
      helo: "h",
      mailFrom: "a@example.net",
      rcptTo: ["user@example.org"]
    })
  })

const verdict = async (text: string, cutoffs: { hamBelow?: number; spamAbove?: number } = {}) => {
  const m = makeServerAntispam(
    { tempReject: { enabled: false } },
    { dns: Dns.makeStatic({}), healthIntervalMillis: 0, stages: [makeClassifierStage({ model, ...cutoffs })] }
  )
  try {
    const [out] = await Effect.runPromise(m.evaluate(message(text)))
    return out!
  } finally {
    await m.close()
  }
}

describe("server antispam with the classifier stage", () => {
  it("spam, ham and unsure follow the classifier", async () => {
    const spam = await verdict(generated("spam", 500))
    expect(spam.verdict.class).toBe("spam")
    expect(spam.verdict.symbols.map((s) => s.name)).toContain("CLASSIFIER_SPAM")
    expect(spam.verdict.probability).toBeGreaterThan(0.9)
    expect((await verdict(generated("ham", 500))).verdict.class).toBe("ham")
    // Same spam with spamAbove = 1: the classifier says unsure, and so does the module.
    expect((await verdict(generated("spam", 500), { hamBelow: 0, spamAbove: 1 })).verdict.class).toBe("unsure")
  })
})
