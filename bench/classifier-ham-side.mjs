// Shared by the benches that count ham-side candidates (classifier-split-candidates.mjs, round 34;
// classifier-split29-candidates.mjs, round 36): addresses and registrable domains of header
// values, and the table of counts per corpus subset with what the model does with the mail
// carrying each candidate.
import { countCandidates, SUBSETS } from "./classifier-common.mjs"

const ADDRESS = /([A-Za-z0-9._%+=-]{1,64})@([A-Za-z0-9.-]{1,253})/g

/** Every address in a header value, local part and domain lower-cased. */
export const addresses = (v) =>
  [...String(v ?? "").matchAll(ADDRESS)].map((a) => ({ local: a[1].toLowerCase(), domain: a[2].toLowerCase() }))

/** From's first address. */
export const fromAddress = (m) => addresses(m.headers.get("from"))[0]

/**
 * Registrable domain, by the last two labels (three under a two-letter country's second level);
 * none for an address literal.
 */
export const regDomain = (host) => {
  const l = String(host ?? "")
    .toLowerCase()
    .replace(/\.$/, "")
    .split(".")
  if (l.length < 2 || /^\d+$/.test(l[l.length - 1])) return undefined
  const n =
    l.length >= 3 && l[l.length - 1].length === 2 && /^(?:co|com|net|org|ac|gov|edu|ne|or)$/.test(l[l.length - 2])
      ? 3
      : 2
  return l.slice(-n).join(".")
}

/**
 * Counts `candidates` (name -> test of a parsed message) over the corpus and prints the table: the
 * count per subset, how many ham carrying each the model calls spam / unsure, how many spam
 * carrying each it calls spam, and the first ham it calls spam; with `show` a candidate's name, the
 * files that carry it, ham first.
 */
export const printHamSideTable = (Classifier, corpus, model, candidates, show) => {
  const { totals, rows } = countCandidates(
    Classifier,
    corpus,
    candidates,
    () => ({ hamSpam: 0, hamUnsure: 0, spamCaught: 0, files: [] }),
    (row, k, message) => {
      const { label, name } = message
      message.p ??= Classifier.score(model, Classifier.tokenize(message.message)).probability
      if (k === show) row.files.push(`${label} ${name.slice(0, 22)} ${message.p.toFixed(3)}`)
      if (label === "ham") {
        if (message.p >= 0.9) {
          row.hamSpam++
          row.files.push(`${name.slice(0, 16)}(${message.subset === "eval ham" ? "eval" : "train"})`)
        } else if (message.p >= 0.2) row.hamUnsure++
      } else if (message.p >= 0.9) row.spamCaught++
    }
  )
  console.log(
    `| candidate | ${SUBSETS.map((s) => `${s} (${totals[s]})`).join(" | ")} | ham called spam / unsure | spam called spam | ham called spam |`
  )
  console.log(`|---|${SUBSETS.map(() => "---:").join("|")}|---:|---:|---|`)
  for (const [k, row] of Object.entries(rows))
    console.log(
      `| ${k} | ${SUBSETS.map((s) => row[s]).join(" | ")} | ${row.hamSpam} / ${row.hamUnsure} | ${row.spamCaught} | ${k === show ? "" : row.files.slice(0, 6).join(" ")} |`
    )
  if (show) console.log(rows[show]?.files.join("\n") ?? `no candidate named ${show}`)
}
