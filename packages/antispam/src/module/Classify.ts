/**
 * Turns the data-phase traces into a verdict and a verdict into an action (until the core
 * Policy is wired in, this is the module's policy; the rules are the issue's).
 *
 * - score = sum of symbol scores; `spam` at or above `spamScore` (default 5).
 * - `unsure` when not spam and the message could not be classified: a list did not answer
 *   (`*_UNKNOWN`), a stage timed out or failed, a classifier stage reported a probability
 *   in the middle band (0.35..0.65), or a classifier stage said unsure by its own cutoffs
 *   (`*_UNSURE`, e.g. CLASSIFIER_UNSURE between classifier.hamBelow and spamAbove).
 * - otherwise `ham`.
 *
 * Actions: spam -> `onSpam` (none: deliver with headers; quarantine; reject = 550 5.7.1;
 * drop = 250, nothing kept). ham and unsure -> deliver with `X-Mailmoat-*` headers (unsure
 * goes through temporary rejection first when enabled).
 *
 * @category models
 * @since 0.1.0
 */
import type { StageTrace, SymbolHit, Verdict } from "@mailmoat/core"
import { Action as A } from "@mailmoat/core"
import type { OnSpam } from "../Settings.ts"

const UNKNOWN = /_UNKNOWN$/
const UNSURE = /_UNSURE$/

export const classify = (traces: ReadonlyArray<StageTrace>, extra: ReadonlyArray<SymbolHit>, spamScore: number, probability?: number): Verdict => {
  const symbols = [...extra, ...traces.flatMap((t) => t.symbols)]
  const score = Math.round(symbols.reduce((s, h) => s + h.score, 0) * 100) / 100
  const failed = traces.some((t) => t.outcome !== "ok" && t.outcome !== "skipped")
  const unknown = symbols.some((s) => UNKNOWN.test(s.name) || UNSURE.test(s.name))
  const middle = probability !== undefined && probability >= 0.35 && probability <= 0.65
  const cls = score >= spamScore ? "spam" : unknown || failed || middle ? "unsure" : "ham"
  return { class: cls, score, probability, symbols, trace: traces }
}

/** The `X-Mailmoat-*` headers added when a message is delivered. */
export const verdictHeaders = (verdict: Verdict, rule: string): ReadonlyArray<readonly [string, string]> => {
  const names = [...new Set(verdict.symbols.map((s) => s.name))].join(", ").slice(0, 900)
  return [
    ["X-Mailmoat-Verdict", verdict.decidedBy ? "bypass" : verdict.class],
    ["X-Mailmoat-Score", verdict.score.toFixed(2)],
    ...(names.length > 0 ? ([["X-Mailmoat-Symbols", names]] as const) : []),
    ["X-Mailmoat-Rule", rule.slice(0, 200)]
  ]
}

export const actionFor = (verdict: Verdict, onSpam: OnSpam, rule: string): A.Action => {
  if (verdict.class !== "spam") return A.deliver(verdictHeaders(verdict, rule))
  const reason = `spam (score ${verdict.score.toFixed(2)})`
  switch (onSpam) {
    case "none":
      return A.deliver(verdictHeaders(verdict, rule))
    case "quarantine":
      return A.quarantine(reason)
    case "reject":
      return A.reject(reason)
    case "drop":
      return A.drop(reason)
  }
}
