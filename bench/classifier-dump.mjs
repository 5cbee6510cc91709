// `--dump FILE` of classifier-drift.mjs and classifier-cv.mjs: every scored message as a JSON
// line, read back by bench/classifier-rules.mjs (round 36 in docs/classifier.md).
import { writeFileSync } from "node:fs"
import { opt } from "./classifier-common.mjs"

/**
 * `--dump FILE`: one JSON line per scored message (the run's name, file name, label, class,
 * probability, chi-square probability and clue count, the form's probability, the language tags,
 * the features),
 * written when the bench exits, so that another decision rule can be tried on every run's scores
 * without training again. A build without `formProbability` (before round 30) dumps no form.
 */
export const dumpOption = (Classifier) => {
  const file = opt("dump", undefined)
  if (file === undefined) return () => {}
  const lines = []
  process.on("exit", () => writeFileSync(file, lines.join("")))
  return (run, model, item, score, c, seen = item.tokens) =>
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
        ...vocabulary(Classifier, model, item.tokens.tokens, seen.tokens),
        // The message's language (round 53): the scorer's tag when it made one, and the tag of
        // its own tokens (for rules tried on the dump).
        lang: score?.language,
        tag: Classifier.languageOf?.(item.tokens.tokens),
        features: score?.features ?? [],
        ...formTerms(model, score?.features ?? [])
      })}\n`
    )
}

const isFeature = (t) => t.startsWith("feat:")

/**
 * The form's terms: the layer's bias (`bias`) and the weight of each feature present that has one
 * (`weights`), so that a rule can weigh the form without some of its features (round 41's `bare`).
 * With no word known the chi-square inputs are all 0, so the form's log-odds is their sum.
 */
const formTerms = (model, features) => {
  const layer = model.logistic
  if (layer === undefined) return {}
  const weights = {}
  for (const f of features) {
    const w = layer.weights[`feat:${f}`]
    if (w !== undefined && w !== 0) weights[f] = w
  }
  return { bias: layer.bias, weights }
}

/**
 * How much of the message's vocabulary the model knows: `words`, its distinct tokens other than
 * features; `inTable`, how many of them the model's table holds; `clueWords`, how many of them are
 * clues (f(w) at least `minDev` from 0.5). `seen` is what the scorer was given: under
 * `--known F` (classifier-drift.mjs) the tokens the table is made not to know are left out of it,
 * but they are still the message's words.
 */
export const vocabulary = (Classifier, model, tokens, seen) => {
  const words = new Set(tokens.filter((t) => !isFeature(t)))
  let inTable = 0
  let clueWords = 0
  const o = model.options
  for (const t of new Set(seen)) {
    if (isFeature(t) || !words.has(t)) continue
    const counts = model.tokens.get(t)
    if (counts === undefined) continue
    inTable++
    const f = Classifier.tokenProbability(counts[0], counts[1], model.nham, model.nspam, o)
    if (Math.abs(f - 0.5) >= o.minDev) clueWords++
  }
  return { words: words.size, inTable, clueWords }
}
