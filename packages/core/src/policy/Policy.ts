/**
 * The policy: traces -> verdict, verdict -> action. Weights and cut-offs live here, never in
 * stages (a stage reports what it saw; the policy decides what that means).
 *
 * Verdict rules:
 * - score = sum of symbol scores, each bounded to ±1000, non-finite ones counted 0 (rounded to
 *   1/100).
 * - `spam` at or above `spamScore`, or when a classifier probability is at or above `spamAbove`.
 * - `unsure` when not spam and the message could not be classified: a list did not answer or a
 *   stage could not decide (a symbol its stage declared `undecided`), a stage timed out or
 *   failed, or a classifier probability given to the policy lies between `hamBelow` and
 *   `spamAbove`.
 * - otherwise `ham`.
 *
 * Action rules: spam -> `onSpam` (none: deliver with verdict headers, plus `subjectPrefix` when
 * set; quarantine; reject; drop). ham and unsure -> deliver with verdict headers (temporary
 * rejection of unsure messages is the antispam module's business, before this step).
 *
 * @category models
 * @since 0.1.0
 */
import * as A from "../Action.ts"
import type { SymbolHit } from "../SymbolHit.ts"
import type { StageTrace, Verdict } from "../Verdict.ts"

export type OnSpam = "none" | "quarantine" | "reject" | "drop"

export interface PolicyOptions {
  /** Score at or above which a message is spam (default: `defaults.spamScore`). */
  readonly spamScore?: number | undefined
  /** Classifier probability below which a message is ham (default: `defaults.hamBelow`). */
  readonly hamBelow?: number | undefined
  /** Classifier probability at or above which a message is spam (default: `defaults.spamAbove`). */
  readonly spamAbove?: number | undefined
  readonly onSpam?: OnSpam | undefined
  /** Subject prefix added to spam delivered with `onSpam: none` (none by default). */
  readonly subjectPrefix?: string | undefined
  /** Names of the symbols declared `undecided` (a list did not answer, a classifier's middle band). */
  readonly undecided?: ReadonlySet<string> | undefined
}

const NONE: ReadonlySet<string> = new Set()

/** A symbol scores at most this much either way: one misbehaving plugin cannot swamp the sum. */
const MAX_SYMBOL_SCORE = 1000
const boundedScore = (score: number): number =>
  Number.isFinite(score) ? Math.max(-MAX_SYMBOL_SCORE, Math.min(MAX_SYMBOL_SCORE, score)) : 0

/** The policy's defaults, declared once: the configuration schema and the classifier's cut-offs use these. */
export const defaults = { spamScore: 5, hamBelow: 0.2, spamAbove: 0.9, onSpam: "quarantine" as OnSpam }

/** The verdict of one message from the traces of the stages that ran. */
export const verdictOf = (
  traces: ReadonlyArray<StageTrace>,
  extra: ReadonlyArray<SymbolHit>,
  options: PolicyOptions = {},
  probability?: number
): Verdict => {
  const spamScore = options.spamScore ?? defaults.spamScore
  const hamBelow = options.hamBelow ?? defaults.hamBelow
  const spamAbove = options.spamAbove ?? defaults.spamAbove
  // One array, filled by loops: `flatMap` and spreads were a dear line of every message's verdict.
  const symbols: Array<SymbolHit> = []
  for (const h of extra) symbols.push(h)
  for (const t of traces) for (const h of t.symbols) symbols.push(h)
  const score = Math.round(symbols.reduce((s, h) => s + boundedScore(h.score), 0) * 100) / 100
  const failed = traces.some((t) => t.outcome !== "ok" && t.outcome !== "skipped")
  const undecided = options.undecided ?? NONE
  const unknown = undecided.size > 0 && symbols.some((s) => undecided.has(s.name))
  const p = probability !== undefined && Number.isFinite(probability) ? probability : undefined
  const spam = score >= spamScore || (p !== undefined && p >= spamAbove)
  const middle = p !== undefined && p >= hamBelow && p < spamAbove
  const cls = spam ? "spam" : unknown || failed || middle ? "unsure" : "ham"
  return { class: cls, score, probability: p, symbols, trace: traces }
}

/** The `X-Mailmoat-*` headers added when a message is delivered. */
export const verdictHeaders = (verdict: Verdict, rule: string): ReadonlyArray<readonly [string, string]> => {
  const names = [...new Set(verdict.symbols.map((s) => s.name))].join(", ").slice(0, 900)
  return [
    ["X-Mailmoat-Verdict", verdict.decidedBy?.decision === "Bypass" ? "bypass" : verdict.class],
    ["X-Mailmoat-Score", verdict.score.toFixed(2)],
    ...(verdict.probability !== undefined
      ? ([["X-Mailmoat-Probability", verdict.probability.toFixed(4)]] as const)
      : []),
    ...(names.length > 0 ? ([["X-Mailmoat-Symbols", names]] as const) : []),
    ["X-Mailmoat-Rule", rule.slice(0, 200)]
  ]
}

/** Symbols named in a spam reason: the heaviest few, so the reply stays one short line. */
const REASON_SYMBOLS = 3

/** A weight as written in a reason: `10`, `2.5`, `0.25`. */
const weight = (score: number): string => String(Math.round(score * 100) / 100)

/**
 * Why a message is spam, in one line: the score (and the classifier's probability) and the
 * symbols that weighed most towards it, each name once with its summed weight, heaviest first
 * (`spam (score 16.00: ATTACHMENT_BLOCKED 10, RBL_LISTED 6)`). It is the reply's text for
 * `reject` and the quarantine entry's reason, so a sender refused by mistake and the admin
 * reading the quarantine both see what decided without the log. Names only, never details:
 * a detail can carry what a recipient listed.
 */
export const spamReason = (verdict: Verdict): string => {
  const byName = new Map<string, number>()
  for (const h of verdict.symbols) {
    const s = boundedScore(h.score)
    if (s > 0) byName.set(h.name, (byName.get(h.name) ?? 0) + s)
  }
  const top = [...byName].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, REASON_SYMBOLS)
  const probability = verdict.probability !== undefined ? `, probability ${verdict.probability.toFixed(2)}` : ""
  const names = top.length > 0 ? `: ${top.map(([name, s]) => `${name} ${weight(s)}`).join(", ")}` : ""
  const more = byName.size > REASON_SYMBOLS ? `, +${byName.size - REASON_SYMBOLS} more` : ""
  return `spam (score ${verdict.score.toFixed(2)}${probability}${names}${more})`
}

/** The action for a verdict under `options.onSpam`. */
export const actionOf = (verdict: Verdict, options: PolicyOptions, rule: string): A.Action => {
  if (verdict.class !== "spam") return A.deliver(verdictHeaders(verdict, rule))
  // The reason is made only for the actions that carry it: spam delivered with its headers
  // (`none`) has none, and its symbols are not sorted and written out for nothing.
  switch (options.onSpam ?? defaults.onSpam) {
    case "none":
      return A.deliver(verdictHeaders(verdict, rule), options.subjectPrefix)
    case "quarantine":
      return A.quarantine(spamReason(verdict))
    case "reject":
      return A.reject(spamReason(verdict))
    case "drop":
      return A.drop(spamReason(verdict))
  }
}
