// Chi2.ts's `combine` as it was before the clue cut-off became one native sort: the oracle
// ScoreScans.test.ts compares the current code with. Kept verbatim but for imports.
import type { ChiOptions, ChiResult } from "../../../src/classifier/Chi2.ts"
import { chi2Q } from "../../../src/classifier/Chi2.ts"

/** Combines token probabilities (already f(w)) into one probability. */
export const combine = (probabilities: ReadonlyArray<number>, o: ChiOptions): ChiResult => {
  let clues = probabilities
  for (const p of probabilities) {
    if (Math.abs(p - 0.5) < o.minDev) {
      clues = probabilities.filter((q) => Math.abs(q - 0.5) >= o.minDev)
      break
    }
  }
  // Most extreme first; ties keep input order (stable sort), so the result is deterministic.
  const chosen =
    clues.length > o.maxTokens
      ? [...clues].sort((a, b) => Math.abs(b - 0.5) - Math.abs(a - 0.5)).slice(0, o.maxTokens)
      : clues
  if (chosen.length === 0) return { probability: 0.5, spam: 0, ham: 0, used: 0 }
  let lnHam = 0
  let lnSpam = 0
  for (const p of chosen) {
    const q = Math.min(Math.max(p, 1e-6), 1 - 1e-6)
    lnHam += Math.log(q)
    lnSpam += Math.log(1 - q)
  }
  // Neutral clues pad a short list: each adds ln 0.5 to both sums and two degrees of freedom.
  const pad = Math.max(0, o.minClues - chosen.length)
  lnHam -= pad * Math.LN2
  lnSpam -= pad * Math.LN2
  const v = 2 * (chosen.length + pad)
  const spam = 1 - chi2Q(-2 * lnSpam, v)
  const ham = 1 - chi2Q(-2 * lnHam, v)
  return { probability: (1 + spam - ham) / 2, spam, ham, used: chosen.length }
}
