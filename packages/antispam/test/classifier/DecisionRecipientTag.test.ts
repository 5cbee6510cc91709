// A spam verdict on mail to an address its recipient tagged for the sender is unsure (round 58):
// by the rule on hand-made scores, and through tokenizing and scoring a tagged message.
import { fc, test } from "@fast-check/vitest"
import { Facts } from "@mailmoat/core"
import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import type { ChiResult } from "../../src/classifier/Chi2.ts"
import * as Classifier from "../../src/classifier/Classifier.ts"
import * as ClassifierStage from "../../src/classifier/ClassifierStage.ts"
import { byRecipientTag, decide, FEW_CLUES, TAGGED_FOR_SENDER } from "../../src/classifier/Decision.ts"
import { addMessage, empty, type Logistic, type Model } from "../../src/classifier/Model.ts"
import { classOf, type Score, score } from "../../src/classifier/Score.ts"
import { tokenize } from "../../src/classifier/Tokenizer.ts"
import { parse, withHeaders } from "./support.ts"

// The words' logit and evidence push, the bias holds back; the tag traits weigh ham a little.
const layer: Logistic = {
  bias: -1.6,
  weights: {
    "chi:logit": 1,
    "chi:spam": 1,
    "chi:evidence": 1,
    "feat:to_tagged_for_sender": -1,
    "feat:to_tagged_for_sender_host": -1
  }
}
const model: Model = empty({}, layer)
// A score whose chi-square step agrees with its probability, on `used` clues.
const scored = (probability: number, features: ReadonlyArray<string>, used = 80): Score => {
  const words: ChiResult = { probability, spam: probability, ham: 1 - probability, used }
  return { probability, chi: words, features, clues: [] }
}

describe("byRecipientTag", () => {
  it("a spam verdict on mail to an address tagged for its sender is unsure, by either trait", () => {
    for (const f of TAGGED_FOR_SENDER) {
      const s = scored(0.999, [f, "html_only"])
      expect(classOf(s.probability)).toBe("spam")
      expect(byRecipientTag(s)).toBe(true)
      expect(decide(model, s)).toBe("unsure")
    }
  })

  it("ham and unsure verdicts stand; untagged mail decides as before", () => {
    expect(decide(model, scored(0.01, ["to_tagged_for_sender"]))).toBe("ham")
    expect(decide(model, scored(0.5, ["to_tagged_for_sender_host"]))).toBe("unsure")
    expect(decide(model, scored(0.999, ["html_only"]))).toBe("spam")
    expect(byRecipientTag(scored(0.999, ["to_many"]))).toBe(false)
  })

  it("a tagged shop's offer, scored as spam by its words, is unsure through classifyWith and the stage, which says why", async () => {
    const message = parse(
      withHeaders(
        [
          "From: Buy4Now <newsletters@buy4now.ie>",
          "To: <zzz-buy4now@example.org>",
          "Subject: Back to School",
          "Date: Thu, 8 Aug 2002 18:25:56 +0100",
          "Message-Id: <B4N1@b4niis03.buy4now.ie>"
        ],
        // Forty words, so that the verdict rests on more than a few (round 30's rule does not apply).
        Array.from({ length: 40 }, (_, i) => `offerword${String.fromCharCode(97 + (i % 26))}${i}`).join(" ")
      )
    )
    const tokens = tokenize(message)
    expect(tokens.features).toContain("to_tagged_for_sender")
    // A table that has seen this message's every token in spam only, and other words in ham.
    const spammy: Model = empty({}, layer)
    for (let i = 0; i < 20; i++) {
      addMessage(spammy, tokens.tokens, "spam")
      addMessage(spammy, ["coffee", "meeting", "thanks"], "ham")
    }
    const s = score(spammy, tokens)
    expect(classOf(s.probability)).toBe("spam")
    expect(s.chi.used).toBeGreaterThanOrEqual(FEW_CLUES)
    expect(decide(spammy, s)).toBe("unsure")
    expect(Classifier.classifyWith(spammy, message).class).toBe("unsure")
    const symbols = (
      await Effect.runPromise(
        ClassifierStage.make({ model: spammy }).run({
          phase: "data",
          message,
          recipients: ["zzz-buy4now@example.org"],
          facts: Facts.make()
        })
      )
    ).symbols
    expect(symbols.map((h) => h.name)).toEqual(["CLASSIFIER_UNSURE"])
    expect(symbols[0]!.detail).toContain("to an address tagged for its sender")
  })

  test.prop([
    fc.double({ min: 0, max: 1, noNaN: true }),
    fc.integer({ min: 0, max: 150 }),
    fc.subarray(["to_tagged_for_sender", "to_tagged_for_sender_host", "html_only", "to_many"])
  ])("never spam when tagged; otherwise the verdict without the rule", (p, used, features) => {
    // A layer that does not weigh the tags, so that the form is the same with and without them.
    const plain = empty({}, { ...layer, weights: { "chi:logit": 1, "chi:spam": 1, "chi:evidence": 1 } })
    const s = scored(p, features, used)
    const untagged = decide(plain, { ...s, features: features.filter((f) => !TAGGED_FOR_SENDER.includes(f)) })
    if (byRecipientTag(s)) expect(decide(plain, s)).toBe(untagged === "spam" ? "unsure" : untagged)
    else expect(decide(plain, s)).toBe(untagged)
  })
})
