/**
 * The module's verdict and action through the core `Policy` (packages/core/src/policy): score =
 * sum of symbol scores, `spam` at or above `spamScore` (default 5); `unsure` when a list did not
 * answer (`*_UNKNOWN`), a stage could not decide (`*_UNSURE`, e.g. CLASSIFIER_UNSURE between
 * classifier.hamBelow and spamAbove), or a stage timed out or failed; otherwise `ham`.
 * Actions: spam -> `onSpam` (none: deliver with headers; quarantine; reject = 550 5.7.1;
 * drop = 250, nothing kept). ham and unsure -> deliver with `X-Mailmoat-*` headers (unsure goes
 * through temporary rejection first when enabled).
 *
 * @category models
 * @since 0.1.0
 */
import type { StageTrace, SymbolHit, Verdict } from "@mailmoat/core"
import { type Action, Policy } from "@mailmoat/core"
import type { OnSpam } from "../Settings.ts"

/**
 * The verdict through the core policy. The classifier stage has already applied its own cut-offs
 * (its `CLASSIFIER_SPAM` / `_UNSURE` / `_HAM` symbol says which band), so the probability is
 * recorded in the verdict but not banded a second time.
 */
export const classify = (
  traces: ReadonlyArray<StageTrace>,
  extra: ReadonlyArray<SymbolHit>,
  spamScore: number,
  probability?: number,
  undecided?: ReadonlySet<string>
): Verdict => ({
  ...Policy.verdictOf(traces, extra, { spamScore, undecided }),
  probability
})

export const actionFor = (verdict: Verdict, onSpam: OnSpam, rule: string): Action.Action => Policy.actionOf(verdict, { onSpam }, rule)
