/**
 * `mailmoat eval --explain`: one block per error, saying what it is, the logistic inputs'
 * contributions and the strongest tokens. A spam called unsure at a spam probability says why:
 * the classifier's decision makes a spam verdict that rests on a few words alone, against what
 * the message's form says, unsure (docs/classifier.md, "How it decides").
 *
 * @category commands
 * @since 0.3.0
 */
import { basename } from "node:path"
import type { Classifier } from "@mailmoat/antispam"

const signed = (x: number) => `${x >= 0 ? "+" : ""}${x.toFixed(2)}`

const kindOf = (x: Classifier.EvaluationError, spamAbove: number): string => {
  if (x.label === "ham") return "FALSE POSITIVE"
  if (x.class === "ham") return "MISSED SPAM   "
  return x.explanation.probability >= spamAbove ? "UNSURE SPAM (few words alone, against the form)" : "UNSURE SPAM   "
}

export const explanationLines = (
  errors: ReadonlyArray<Classifier.EvaluationError>,
  cutoffs: { readonly spamAbove: number }
): Array<string> => {
  const lines = [
    "",
    errors.length === 0
      ? "no false positives or missed spam"
      : `${errors.length} errors (false positives, then spam not called spam):`
  ]
  const ordered = [...errors.filter((x) => x.label === "ham"), ...errors.filter((x) => x.label === "spam")]
  for (const x of ordered) {
    const ex = x.explanation
    lines.push(
      `${kindOf(x, cutoffs.spamAbove)} ${basename(x.file)}  p=${ex.probability.toFixed(3)} (tokens alone ${ex.tokenProbability.toFixed(3)})`
    )
    lines.push(`  inputs: ${ex.contributions.map(([k, v]) => `${k} ${signed(v)}`).join(", ")}`)
    lines.push(`  tokens: ${ex.clues.map(([k, f]) => `${k}=${f.toFixed(2)}`).join(" ") || "(none known)"}`)
  }
  return lines
}
