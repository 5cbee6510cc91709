// The false-positive candidate benches' table (rounds 58 and 61): each candidate's count per corpus
// subset, the shipped model's class of its carriers with all words known (ham called spam / unsure,
// spam called spam) and the base's false positives carrying it, as `marks(name)` names them.
import { countCandidates, SUBSETS } from "./classifier-common.mjs"

/**
 * Counts `candidates` over the corpus and prints the table, headed `head`; then, with `show`, the
 * files of that candidate. `files(k)` says which candidates keep their files' names (`show`'s
 * always). Returns the rows (each with `files`).
 */
export const printFalsePositiveTable = ({
  Classifier,
  corpus,
  model,
  candidates,
  marks,
  head,
  show,
  files = () => false
}) => {
  const { totals, rows } = countCandidates(
    Classifier,
    corpus,
    candidates,
    () => ({ hamSpam: 0, hamUnsure: 0, spamCaught: 0, fps: [], files: [] }),
    (row, k, message) => {
      const { label, name } = message
      message.p ??= Classifier.score(model, Classifier.tokenize(message.message)).probability
      if (k === show || files(k)) row.files.push(name)
      if (label === "ham") {
        row.fps.push(...marks(name))
        if (message.p >= 0.9) row.hamSpam++
        else if (message.p >= 0.2) row.hamUnsure++
      } else if (message.p >= 0.9) row.spamCaught++
    }
  )
  console.log(
    `| ${head} | ${SUBSETS.map((s) => `${s} (${totals[s]})`).join(" | ")} | ham called spam / unsure | spam called spam | false positives carrying it |`
  )
  console.log(`|---|${SUBSETS.map(() => "---:").join("|")}|---:|---:|---|`)
  for (const [k, row] of Object.entries(rows))
    console.log(
      `| ${k} | ${SUBSETS.map((s) => row[s]).join(" | ")} | ${row.hamSpam} / ${row.hamUnsure} | ${row.spamCaught} | ${row.fps.join(" ") || "none"} |`
    )
  if (show) console.log(rows[show]?.files.join("\n") ?? `no candidate named ${show}`)
  return rows
}
