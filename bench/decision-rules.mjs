// Decision rules tried on dumped scores (`--dump FILE` of classifier-drift.mjs and
// classifier-cv.mjs, one object per scored message): bench/classifier-rules.mjs prints them; kept
// apart so that the test can check them (test/decision-rules.test.ts). Round 36 in
// docs/classifier.md.
//
// A rule's name: `plain` (the probability's band), `few:N` (round 30's rule with N clues: a spam
// verdict is unsure when fewer than N clues decided the words, the words alone call it spam and the
// form alone calls it ham), `alone:X` (a spam verdict the form does not back is unsure below
// probability X, however many clues), `near:N:X` (the same, under N clues), `backed:X:F` (an unsure
// verdict at probability X or more whose form alone is at F or more is spam: a lower spam cut-off
// for what the form backs), `thin:K:X:F` (the same, only for a message of which the model knows
// less than the share K of its words: `knownShare`), `lean:K:X:F` (the same with the cut-off
// rising from X at no word known to the band's at K, in proportion: the build's rule since round
// 37 is `lean:0.05:0.85:0.5`), `bare:N:A/B/...` (round 41: `few:N` with the form weighed
// without the features A, B, ...: the traits a legitimate company's bulk mail shares with spam's
// layout; a dump with the form's terms, `bias` and `weights`, else never), `lang:N:F` (round 53,
// the build's `byForm` since as `lang:25:0.9`: a message tagged with a language other than `en`
// and `und`, on fewer than N clues, that the band calls spam is spam only when its form alone
// reaches 0.9, one it calls unsure spam only when its form reaches F, else unsure, whatever the
// other parts say; `tag`, a dump's own or classifier-rules `--tag`'s, else never), `langham:N:F`
// (the same, and a ham verdict of such a message ham only when its form is below the bias's alone,
// else unsure: measured, not built), `A+B` (both parts apply: a spam verdict is unsure when an unsure part
// holds for it, an unsure one spam when a `backed` part does), `tagged` (round 58's rule, measured
// and not built, docs/classifier.md: after every other part, a spam verdict on a message whose features include
// `to_tagged_for_sender` or `to_tagged_for_sender_host` is unsure; classifier-rules `--features`
// gives a dump of an older build the traits it did not read). The cut-offs are the build's: ham
// below 0.2, spam at or above 0.9. Every run of the corpus's train/ measures `en` and `und` only (no
// other language has 20 messages of each class there), so `lang` asks the tag alone.

export const HAM_BELOW = 0.2
export const SPAM_ABOVE = 0.9

const band = (p) => (p < HAM_BELOW ? "ham" : p >= SPAM_ABOVE ? "spam" : "unsure")
/** The form alone calls the message ham (a dump from a build before round 30 has no form: never). */
const against = (r) => typeof r.form === "number" && r.form < HAM_BELOW
/**
 * The share of the message's distinct words (tokens other than features) that are clues in the
 * model, from a dump that counts them (`clueWords` of `words`); a message with no word has nothing
 * unknown: 1. A dump without the counts: undefined.
 */
export const knownShare = (r) => (typeof r.words !== "number" ? undefined : r.words === 0 ? 1 : r.clueWords / r.words)
/**
 * The form's probability without the features `layout` (a set of names), from the dumped terms:
 * with no word known the chi-square inputs are 0, so the form's log-odds is the bias and the
 * weights of the features present. A dump without the terms: 1 (no rule on it moves anything).
 */
export const bareForm = (r, layout) => {
  if (typeof r.bias !== "number" || typeof r.weights !== "object") return 1
  let z = r.bias
  for (const [f, w] of Object.entries(r.weights)) if (!layout.has(f)) z += w
  return 1 / (1 + Math.exp(-z))
}
const parts = {
  plain: () => () => false,
  backed: (x, f) => (r) => r.p >= x && typeof r.form === "number" && r.form >= f,
  thin: (k, x, f) => (r) => knownShare(r) < k && parts.backed(x, f)(r),
  lean: (k, x, f) => (r) => knownShare(r) < k && parts.backed(x + ((SPAM_ABOVE - x) * knownShare(r)) / k, f)(r),
  few: (n) => (r) => r.used < n && r.chi >= SPAM_ABOVE && against(r),
  bare: (n, layout) => (r) => r.used < n && r.chi >= SPAM_ABOVE && bareForm(r, layout) < HAM_BELOW,
  alone: (x) => (r) => r.p < x && against(r),
  near: (n, x) => (r) => r.used < n && r.p < x && against(r)
}
/** A message in a language the corpus's training never measures (`lang`, `langham`), on under `n` clues. */
const unmeasured = (r, n) => typeof r.tag === "string" && !["en", "und"].includes(r.tag) && r.used < n
/** `lang:N:F` and `langham:N:F`: the class by the form, or undefined where the part does not apply. */
const byForm = (n, up, ham) => (r) => {
  if (!unmeasured(r, n) || typeof r.form !== "number") return undefined
  const c = band(r.p)
  if (c === "spam") return r.form >= SPAM_ABOVE ? c : "unsure"
  if (c === "unsure") return r.form >= up ? "spam" : c
  if (!ham) return undefined
  return typeof r.bias === "number" && r.form < 1 / (1 + Math.exp(-r.bias)) ? c : "unsure"
}
const OVERRIDES = { lang: (n, f) => byForm(n, f, false), langham: (n, f) => byForm(n, f, true) }
/** `tagged`: the message went to an address its recipient tagged for the sender. */
const TAGS = ["to_tagged_for_sender", "to_tagged_for_sender_host"]
const tagged = (r) => Array.isArray(r.features) && r.features.some((f) => TAGS.includes(f))
const ARITY = {
  plain: 0,
  few: 1,
  alone: 1,
  near: 2,
  backed: 2,
  thin: 3,
  lean: 3,
  bare: 2,
  lang: 2,
  langham: 2,
  tagged: 0
}
const TO_SPAM = new Set(["backed", "thin", "lean"])

/** The class of a dumped score under the rule named `name`; throws on a name it does not know. */
export const ruleOf = (name) => {
  const toUnsure = []
  const toSpam = []
  const overrides = []
  let lastly = false
  for (const part of String(name).split("+")) {
    const [kind, ...values] = part.split(":")
    if (kind === "tagged" && values.length === 0) {
      lastly = true
      continue
    }
    // `bare`'s second value is a list of feature names, `/` between them; every other value a number.
    const names = kind === "bare" && values.length === 2 ? new Set(values.pop().split("/").filter(Boolean)) : undefined
    const numbers = values.map(Number)
    if (names !== undefined) numbers.push(0)
    const known = Object.hasOwn(parts, kind) || Object.hasOwn(OVERRIDES, kind)
    if (!known || numbers.length !== ARITY[kind] || numbers.some(Number.isNaN))
      throw new Error(
        `no rule ${part} (plain, few:N, alone:X, near:N:X, backed:X:F, thin:K:X:F, lean:K:X:F, bare:N:A/B, lang:N:F, langham:N:F, tagged, A+B)`
      )
    const args = names === undefined ? numbers : [numbers[0], names]
    if (Object.hasOwn(OVERRIDES, kind)) overrides.push(OVERRIDES[kind](...args))
    else (TO_SPAM.has(kind) ? toSpam : toUnsure).push(parts[kind](...args))
  }
  const decide = (r) => {
    for (const o of overrides) {
      const c = o(r)
      if (c !== undefined) return c
    }
    const c = band(r.p)
    if (c === "spam") return toUnsure.some((t) => t(r)) ? "unsure" : c
    return c === "unsure" && toSpam.some((t) => t(r)) ? "spam" : c
  }
  if (!lastly) return decide
  return (r) => {
    const c = decide(r)
    return c === "spam" && tagged(r) ? "unsure" : c
  }
}

/** The dumped scores by run, a CV's folds as one run. */
export const runsOf = (rows) => {
  const runs = new Map()
  for (const r of rows) {
    const run = r.run.startsWith("CV fold") ? "CV (all folds)" : r.run
    if (!runs.has(run)) runs.set(run, [])
    runs.get(run).push(r)
  }
  return runs
}

/** False positives, spam caught and unsure of `items` by `classOf`, with recall and the unsure rate in %. */
export const figures = (items, classOf) => {
  let fp = 0
  let caught = 0
  let unsure = 0
  let ham = 0
  for (const r of items) {
    const c = classOf(r)
    if (r.label === "ham") ham++
    if (c === "unsure") unsure++
    else if (c === "spam") r.label === "ham" ? fp++ : caught++
  }
  const spam = items.length - ham
  return {
    falsePositives: fp,
    caught,
    unsure,
    recall: (100 * caught) / Math.max(1, spam),
    unsureRate: (100 * unsure) / Math.max(1, items.length)
  }
}

/** `figures` as the tables print them: false positives / recall % / unsure %. */
export const figureText = (f) => `${f.falsePositives} / ${f.recall.toFixed(2)} / ${f.unsureRate.toFixed(2)}`
