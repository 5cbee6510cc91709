// Score.ts's `chiScore` as it was before `keepClue` built a pair only for the clues it keeps, on
// the oracle `combine` of ChiBefore.ts: the oracle ScoreScans.test.ts compares the current code
// with. Kept verbatim but for imports.
import type { ChiResult } from "../../../src/classifier/Chi2.ts"
import { clueProbability } from "../../../src/classifier/Clues.ts"
import type { Model } from "../../../src/classifier/Model.ts"
import type { Extra } from "../../../src/classifier/Score.ts"
import { combine } from "./ChiBefore.ts"
import { clueTable } from "./CluesBefore.ts"

/** Keeps the `limit` strongest clues (largest |f - 0.5|) in `top`, strongest first, in one pass. */
const keepClue = (top: Array<readonly [string, number]>, clue: readonly [string, number], limit: number): void => {
  const d = Math.abs(clue[1] - 0.5)
  if (top.length === limit && d <= Math.abs(top[limit - 1]![1] - 0.5)) return
  let i = top.length < limit ? top.length : limit - 1
  while (i > 0 && Math.abs(top[i - 1]![1] - 0.5) < d) i--
  top.splice(i, 0, clue)
  if (top.length > limit) top.pop()
}

/** Learned counts that change nothing: no learned message, no learned token. */
const isEmpty = (extra: Extra | undefined): boolean =>
  extra === undefined || (extra.nham === 0 && extra.nspam === 0 && extra.counts.size === 0)

const isFeatureToken = (t: string): boolean => t.charCodeAt(0) === 102 && t.startsWith("feat:")

/**
 * Chi-square over the message's known tokens. When the table knows none of its words, only
 * feature tokens would count: a lone feature then reads as a confident token verdict (one clue
 * at 0.95 combines to 0.945) and the layer, which weighs the same feature again, counts it
 * twice. Such a message gets the neutral result instead, as the vocabulary-shift samples the
 * layer was fitted on do, and its features decide through their weights alone.
 */
export const chiScore = (
  model: Model,
  tokens: ReadonlyArray<string>,
  extra?: Extra
): { chi: ChiResult; clues: Array<readonly [string, number]> } => {
  const o = model.options
  const probs: Array<number> = []
  const clues: Array<readonly [string, number]> = []
  if (isEmpty(extra)) {
    const table = clueTable(model)
    let words = 0
    for (const t of tokens) {
      const f = table.get(t)
      if (f === undefined) continue
      probs.push(f)
      if (!isFeatureToken(t)) words++
      keepClue(clues, [t, f], 10)
    }
    return { chi: combine(words > 0 ? probs : [], o), clues }
  }
  // Learned counts change every token's f(w) (through the totals): computed per message.
  const nham = model.nham + extra!.nham
  const nspam = model.nspam + extra!.nspam
  const table = model.tokens
  const learned = extra!.counts
  let words = 0
  for (const t of tokens) {
    const base = table.get(t)
    const more = learned.get(t)
    if (!base && !more) continue
    const f = clueProbability(
      t,
      (base?.[0] ?? 0) + (more?.[0] ?? 0),
      (base?.[1] ?? 0) + (more?.[1] ?? 0),
      nham,
      nspam,
      o
    )
    if (f === undefined) continue
    probs.push(f)
    if (!isFeatureToken(t)) words++
    keepClue(clues, [t, f], 10)
  }
  return { chi: combine(words > 0 ? probs : [], o), clues }
}
