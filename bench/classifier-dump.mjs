// `--dump FILE` of classifier-drift.mjs and classifier-cv.mjs: every scored message as a JSON
// line, read back by bench/classifier-rules.mjs (round 36 in docs/classifier.md).
import { writeFileSync } from "node:fs"
import { opt } from "./classifier-common.mjs"

/**
 * `--dump FILE`: one JSON line per scored message (the run's name, file name, label, class,
 * probability, chi-square probability and clue count, the form's probability, the features),
 * written when the bench exits, so that another decision rule can be tried on every run's scores
 * without training again. A build without `formProbability` (before round 30) dumps no form.
 */
export const dumpOption = (Classifier) => {
  const file = opt("dump", undefined)
  if (file === undefined) return () => {}
  const lines = []
  process.on("exit", () => writeFileSync(file, lines.join("")))
  return (run, model, item, score, c) =>
    lines.push(
      `${JSON.stringify({
        run,
        name: item.name,
        label: item.label,
        c,
        p: score?.probability ?? 1,
        chi: score?.chi.probability ?? 1,
        used: score?.chi.used ?? 0,
        form:
          score !== undefined && model.logistic !== undefined
            ? Classifier.formProbability?.(model.logistic, score.features)
            : undefined,
        features: score?.features ?? []
      })}\n`
    )
}
