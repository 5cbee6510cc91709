// Shared by bench/classifier-drift.mjs and bench/classifier-cv.mjs (`--sweep`): what other
// cut-offs would give, from one scoring pass. The probabilities do not depend on the cut-offs, so
// every row below comes from the same scores: false positives, recall and unsure for each
// spamAbove (hamBelow at its default) and each hamBelow (spamAbove at its default), then where the
// ham nearest the spam cut-off sits and the spam just under it, so a cut-off can be chosen on
// training data with its margin to the nearest ham in view.
import { opt } from "./classifier-common.mjs"

const numbers = (name, fallback) => opt(name, fallback).split(",").filter(Boolean).map(Number)

/** The cut-offs `--sweep` tries: `--sweep-spam 0.8,...` and `--sweep-ham 0.1,...` override them. */
export const sweepCutoffs = () => ({
  spamAbove: numbers("sweep-spam", "0.8,0.82,0.84,0.85,0.86,0.87,0.88,0.89,0.9,0.91,0.92,0.93,0.95"),
  hamBelow: numbers("sweep-ham", "0.05,0.1,0.15,0.2,0.25,0.3,0.4")
})

const pct = (n, d) => `${((100 * n) / Math.max(1, d)).toFixed(2)}%`

/**
 * Lines describing one cell. `scored` is `[{ name, label: "ham" | "spam", p }]`; `defaults` the
 * shipped cut-offs, which each sweep holds fixed while it moves the other one.
 */
export const sweepLines = (scored, defaults) => {
  const { spamAbove, hamBelow } = sweepCutoffs()
  const ham = scored.filter((s) => s.label === "ham")
  const spam = scored.filter((s) => s.label === "spam")
  const row = (h, s) => {
    const fp = ham.filter((x) => x.p >= s).length
    const caught = spam.filter((x) => x.p >= s).length
    const unsure = scored.filter((x) => x.p >= h && x.p < s).length
    const spamAsHam = spam.filter((x) => x.p < h).length
    return `ham<${h} spam>=${s}: FP ${fp} (${pct(fp, ham.length)}), recall ${pct(caught, spam.length)} (${caught}), unsure ${pct(unsure, scored.length)} (${unsure}), spam as ham ${spamAsHam}`
  }
  const lines = []
  for (const s of spamAbove) lines.push(`  sweep ${row(defaults.hamBelow, s)}`)
  for (const h of hamBelow) if (h !== defaults.hamBelow) lines.push(`  sweep ${row(h, defaults.spamAbove)}`)
  const byP = (a, b) => b.p - a.p
  const hamHigh = ham.filter((x) => x.p >= 0.5).sort(byP)
  // The last bin takes p = 1 too.
  const edges = [0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95, 1]
  const bins = edges.slice(0, -1).map((lo, i) => {
    const hi = edges[i + 1]
    const n = hamHigh.filter((x) => x.p >= lo && (x.p < hi || hi === 1)).length
    return `${lo}-${hi}: ${n}`
  })
  lines.push(`  ham at or above 0.5: ${hamHigh.length} (${bins.join(", ")})`)
  const under = hamHigh.filter((x) => x.p < defaults.spamAbove)
  lines.push(
    `  nearest ham under ${defaults.spamAbove}: ${
      under.length
        ? under
            .slice(0, 5)
            .map((x) => `${x.name} ${x.p.toFixed(4)}`)
            .join(", ")
        : "none at or above 0.5"
    }`
  )
  lines.push(
    `  ham at or above ${defaults.spamAbove}: ${
      hamHigh
        .filter((x) => x.p >= defaults.spamAbove)
        .map((x) => `${x.name} ${x.p.toFixed(4)}`)
        .join(", ") || "none"
    }`
  )
  const lowest = Math.min(...spamAbove)
  const near = spam.filter((x) => x.p >= lowest && x.p < defaults.spamAbove + 0.01).sort(byP)
  lines.push(
    `  spam in [${lowest}, ${defaults.spamAbove + 0.01}): ${near.length}${near.length ? `: ${near.map((x) => `${x.name} ${x.p.toFixed(4)}`).join(", ")}` : ""}`
  )
  return lines
}
