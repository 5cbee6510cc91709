/**
 * Auto-learning's last word: the classifier stage offered the message as a candidate
 * (`facts.autolearn`, `classifier.autolearn`); it is learned only once its fate is final and
 * every recipient's verdict agrees with the candidate's class.
 *
 * Never learned:
 * - a message deferred (4xx: it comes back, and its verdict may differ then);
 * - a quarantined copy: the admin's release as not-spam or confirmation teaches it, and an
 *   automatic lesson could not be taken back by a plain release;
 * - a recipient bypassed, or a stage that decided before the scoring (allow lists, rejects);
 * - a verdict of any recipient that is not the candidate's class (a list hit made ham spam);
 * - with the virus scan on, anything but a clean scan of every recipient: a virus's carrier
 *   must not teach the classifier its words, and an unscanned message is not known to be clean.
 *
 * @category services
 * @since 0.3.0
 */
import type { Classifier } from "@mailmoat/antispam"
import type { RecipientOutcome } from "@mailmoat/core"
import type { VirusResult } from "./VirusVerdict.ts"

/** The candidate the classifier stage left in the outcomes, if any (one per message). */
const candidateOf = (outcomes: ReadonlyArray<RecipientOutcome>): Classifier.AutoLearnCandidate | undefined => {
  for (const o of outcomes)
    for (const t of o.verdict.trace) {
      const c = t.stage === "classifier" ? t.facts?.autolearn : undefined
      if (typeof c === "object" && c !== null && typeof (c as { learn?: unknown }).learn === "function")
        return c as Classifier.AutoLearnCandidate
    }
  return undefined
}

/** Why the message is not learned, whatever the reply, or undefined when it may be. */
export const refusal = (
  candidate: Classifier.AutoLearnCandidate,
  outcomes: ReadonlyArray<RecipientOutcome>,
  virus: VirusResult | undefined
): string | undefined => {
  if (virus !== undefined && (virus.scan?._tag !== "Clean" || virus.spared.size > 0)) return "virus scan not clean"
  for (const o of outcomes) {
    if (o.verdict.decidedBy !== undefined) return `decided by ${o.verdict.decidedBy.stage}`
    if (o.action._tag === "Quarantine") return "quarantined"
    if (o.action._tag === "Tempfail") return "deferred"
    if (o.verdict.class !== candidate.label) return `verdict ${o.verdict.class} for ${o.recipient}`
  }
  return undefined
}

/**
 * What to do once the reply is known, for a message the classifier offered (undefined: none was
 * offered): learn it unless something refuses it or the reply defers it. The returned function
 * resolves with the note to log and never rejects; it holds the candidate, not the outcomes.
 */
export const afterReply = (
  outcomes: ReadonlyArray<RecipientOutcome>,
  virus: VirusResult | undefined
): ((replyCode: number) => Promise<string>) | undefined => {
  const candidate = candidateOf(outcomes)
  if (candidate === undefined) return undefined
  const refused = refusal(candidate, outcomes, virus)
  return async (replyCode) => {
    const why = refused ?? (replyCode >= 400 && replyCode < 500 ? "deferred" : undefined)
    return why !== undefined ? `not auto-learned as ${candidate.label}: ${why}` : candidate.learn()
  }
}

/** The log event of a note: `autolearn` (info), `autolearn_failed` (warn), `autolearn_skipped` (debug). */
export const autolearnEvent = (note: string): string =>
  note.startsWith("auto-learned")
    ? "autolearn"
    : note.startsWith("auto-learning failed")
      ? "autolearn_failed"
      : "autolearn_skipped"
