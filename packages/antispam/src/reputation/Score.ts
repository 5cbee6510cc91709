/**
 * From a key's decayed counts to a score: nothing until the key has `minMessages` judged
 * messages (one message never makes a reputation), then the configured weight scaled by the
 * smoothed spam ratio. Laplace smoothing (`(spam + 1) / (ham + spam + 2)`) keeps a short
 * history away from the extremes; the lean `2·ratio - 1` runs from -1 (all ham) to 1 (all
 * spam), so a key adds at most its `bad` weight and takes at most its `good` weight.
 *
 * @category models
 * @since 0.1.0
 */
import type { Counts } from "./Decay.ts"

export interface Weights {
  /** At most added for a spam history (>= 0). */
  readonly bad: number
  /** At most added for a ham history (<= 0). */
  readonly good: number
}

export interface Judgement {
  readonly side: "bad" | "good"
  readonly score: number
  readonly ratio: number
}

/** The smoothed spam ratio, in (0, 1). */
export const spamRatio = (c: Counts): number => (c.spam + 1) / (c.ham + c.spam + 2)

const round2 = (n: number): number => Math.round(n * 100) / 100

/** Whether a key has judged messages enough to score (`minMessages`, after decay). */
export const enough = (c: Counts, minMessages: number): boolean => c.ham + c.spam >= minMessages

/** What a key's history adds, or nothing (too few messages, an even history, a zero weight). */
export const judge = (c: Counts, minMessages: number, weights: Weights): Judgement | undefined => {
  if (!enough(c, minMessages)) return undefined
  const ratio = spamRatio(c)
  const lean = 2 * ratio - 1
  const side = lean > 0 ? "bad" : "good"
  const score = round2(Math.abs(lean) * (side === "bad" ? weights.bad : weights.good))
  return score === 0 ? undefined : { side, score, ratio }
}
