import { fc, test } from "@fast-check/vitest"
import { describe, expect, it } from "vitest"
import * as Model from "../../src/classifier/Model.ts"
import { chiScore } from "../../src/classifier/Score.ts"
import { clueIndex } from "../../src/classifier/Clues.ts"
import { clueTable } from "./oracle/CluesBefore.ts"

// Tokens from a small alphabet, so messages share tokens with the table; `feat:` ones carry a sign.
const token = fc.constantFrom(
  "cheap",
  "meeting",
  "offer",
  "patch",
  "viagra",
  "thanks",
  "feat:url_ip_literal",
  "feat:quoted_reply",
  "feat:return_path_other_domain",
  "rcvd:dom:example.net"
)
const modelArb = fc
  .record({
    nham: fc.nat(5_000),
    nspam: fc.nat(5_000),
    counts: fc.array(fc.tuple(token, fc.nat(3_000), fc.nat(3_000)), { maxLength: 12 })
  })
  .map((r) => {
    const m = Model.empty()
    m.nham = r.nham
    m.nspam = r.nspam
    for (const [t, h, s] of r.counts) if (h + s > 0) m.tokens.set(t, [h, s])
    return m
  })
const message = fc.uniqueArray(token, { maxLength: 10 })

/**
 * Learned counts with no learned message and one learned token of zero counts: they change no
 * f(w), but send chiScore down the per-message path, which the cached table must equal.
 */
const noLearning = { nham: 0, nspam: 0, counts: new Map([["never-a-token", [0, 0] as const]]) }

/** A model with the given totals and token counts. */
const table = (nham: number, nspam: number, counts: Record<string, [number, number]>) => {
  const m = Model.empty()
  m.nham = nham
  m.nspam = nspam
  for (const [t, c] of Object.entries(counts)) m.tokens.set(t, c)
  return m
}

describe("clue table", () => {
  test.prop([modelArb, fc.array(fc.oneof(token, fc.string({ maxLength: 12 })), { maxLength: 20 })])(
    "the index filled from the model holds exactly the clues of the Map it was once built from",
    (m, others) => {
      const index = clueIndex(m)
      const table = clueTable(m)
      expect(index.size).toBe(table.size)
      for (const t of [...m.tokens.keys(), ...others]) expect(Object.is(index.get(t), table.get(t))).toBe(true)
    }
  )

  test.prop([modelArb, message])("gives the same clues and result as computing f(w) per message", (m, tokens) => {
    expect(chiScore(m, tokens)).toEqual(chiScore(m, tokens, noLearning))
  })

  it("follows the table when a message is learned into the model", () => {
    const m = Model.empty()
    Model.addMessage(m, ["cheap", "offer"], "spam")
    Model.addMessage(m, ["meeting", "patch"], "ham")
    const before = chiScore(m, ["cheap", "meeting"])
    Model.addMessage(m, ["meeting"], "spam")
    const after = chiScore(m, ["cheap", "meeting"])
    expect(after).not.toEqual(before)
    expect(after).toEqual(chiScore(m, ["cheap", "meeting"], noLearning))
  })

  it("follows the table when learning and forgetting leave the totals as they were", () => {
    const m = Model.empty()
    Model.addMessage(m, ["cheap", "offer"], "spam")
    Model.addMessage(m, ["meeting", "patch"], "ham")
    Model.addMessage(m, ["thanks", "patch"], "ham")
    const before = chiScore(m, ["offer", "meeting"])
    // Same totals afterwards, other counts: "meeting" is now as much spam as ham.
    Model.addMessage(m, ["meeting"], "spam")
    Model.addMessage(m, ["cheap", "offer"], "spam", -1)
    expect(m.nspam).toBe(1)
    const after = chiScore(m, ["offer", "meeting"])
    expect(after).toEqual(chiScore(m, ["offer", "meeting"], noLearning))
    expect(after).not.toEqual(before)
  })

  it("keeps a signed feature's token out when its f(w) points against the sign", () => {
    // Seen in ham only: as a spam-only feature it must not count as ham evidence.
    const m = table(10, 10, { "feat:url_ip_literal": [10, 0], patch: [10, 0] })
    const { chi, clues } = chiScore(m, ["feat:url_ip_literal", "patch"])
    expect(chi.used).toBe(1)
    expect(clues.map(([t]) => t)).toEqual(["patch"])
  })

  it("gives the neutral result when only feature tokens are known, in both scoring paths", () => {
    const m = table(20, 20, { "feat:url_ip_literal": [0, 19], cheap: [0, 15], patch: [15, 0] })
    for (const extra of [undefined, noLearning]) {
      // A message of unknown words with one feature: the feature counts in the layer, not twice.
      const alone = chiScore(m, ["feat:url_ip_literal", "unknown-word"], extra)
      expect(alone.chi).toEqual({ probability: 0.5, spam: 0, ham: 0, used: 0 })
      expect(alone.clues.map(([t]) => t)).toEqual(["feat:url_ip_literal"])
      // One known word: the feature token counts beside it as before.
      const withWord = chiScore(m, ["feat:url_ip_literal", "cheap"], extra)
      expect(withWord.chi.used).toBe(2)
      expect(withWord.chi.probability).toBeGreaterThan(0.9)
      expect(chiScore(m, ["feat:url_ip_literal", "patch"], extra).chi.used).toBe(2)
    }
  })
})
