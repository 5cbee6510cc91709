/**
 * Tokens that stand for a language the training mail holds in one class only, set aside from the
 * token table: they carry no evidence.
 *
 * A token's probability compares how often spam and ham hold it. When a language's training mail
 * is all spam (the corpus's French, Korean, Chinese, Portuguese and Russian mail), its function
 * words, its charset and its country's domain are in spam only, and the table learns them as
 * strong spam clues: what it measured is the language's share of spam in the corpus, not anything
 * a word says within the language, and a gateway in front of a French or Korean company would
 * quarantine its ordinary mail. Within such a language the class a word leans to cannot be
 * measured at all. So: each training message is tagged with its language (Language.ts); a
 * language is `measured` when the training holds at least `MEASURED` messages of each class; a
 * token is bound to the unmeasured languages when at least `BOUND_SHARE` of the messages holding
 * it are in them (tokens of English and of mail in no determined language count as measured), and
 * bound tokens are removed from the table, as if the model had never seen them. English, with its
 * thousands of ham and spam, is untouched, and so is every token English mail holds as often.
 *
 * **Gotchas**
 * On by default (`TrainOptions.oneSided`; `scripts/train-model.mjs --no-one-sided` and `mailmoat
 * train --no-one-sided` turn it off), applied to the shipped table only: the stacking folds' tables
 * are counted whole, so the layer is the one a training without the rule fits. Round 45
 * (docs/classifier.md) applied it to the folds too and refitted the layer: the non-English spam,
 * left to their form, moved the bias, and an English ham crossed the cut-off in two drift cells.
 * With the layer fitted without it, a message that holds no bound token scores exactly as it
 * would without the rule (round 49). Learning on the gateway (`Model.addMessage`) counts every
 * token as it comes: a site's own French ham teaches French words, as it should.
 *
 * @category models
 * @since 0.1.0
 */
import { languageOf, UNDETERMINED } from "./Language.ts"
import type { Label, Model } from "./Model.ts"

/** Messages of each class a language's training needs before its words' class can be measured. */
export const MEASURED = 20

/** Share of a token's messages in unmeasured languages at which the token stands for them. */
export const BOUND_SHARE = 0.5

export interface TaggedMessage {
  readonly tokens: ReadonlyArray<string>
  readonly label: Label
}

/** How many ham and spam messages of each language the training saw. */
export type LanguageTally = ReadonlyMap<string, { readonly ham: number; readonly spam: number }>

export interface OneSided {
  readonly languages: LanguageTally
  /** The languages with fewer than `MEASURED` messages of a class. */
  readonly unmeasured: ReadonlySet<string>
  /** The tokens bound to them (see the module header). */
  readonly bound: ReadonlySet<string>
}

/** Tags made once per token list: training counts the same messages once per fold. */
const tags = new WeakMap<ReadonlyArray<string>, string>()
const tagOf = (tokens: ReadonlyArray<string>): string => {
  let tag = tags.get(tokens)
  if (tag === undefined) {
    tag = languageOf(tokens)
    tags.set(tokens, tag)
  }
  return tag
}

/** The languages' tally, the unmeasured ones and their bound tokens, for a table counted from `items`. */
export const oneSided = (model: Model, items: ReadonlyArray<TaggedMessage>): OneSided => {
  const languages = new Map<string, { ham: number; spam: number }>()
  const tagged = items.map((it) => tagOf(it.tokens))
  tagged.forEach((tag, i) => {
    const c = languages.get(tag) ?? { ham: 0, spam: 0 }
    c[items[i]!.label]++
    languages.set(tag, c)
  })
  let ham = 0
  for (const it of items) if (it.label === "ham") ham++
  const enough = Math.min(MEASURED, Math.min(ham, items.length - ham) / 2)
  const unmeasured = new Set<string>()
  for (const [tag, c] of languages) if (tag !== UNDETERMINED && Math.min(c.ham, c.spam) < enough) unmeasured.add(tag)
  // Messages in unmeasured languages holding each token (distinct per message, as the table counts).
  const held = new Map<string, number>()
  tagged.forEach((tag, i) => {
    if (!unmeasured.has(tag)) return
    for (const t of new Set(items[i]!.tokens)) held.set(t, (held.get(t) ?? 0) + 1)
  })
  const bound = new Set<string>()
  for (const [t, n] of held) {
    const c = model.tokens.get(t)
    if (c !== undefined && n >= BOUND_SHARE * (c[0] + c[1])) bound.add(t)
  }
  return { languages, unmeasured, bound }
}

/** Removes the bound tokens from the table (in place: the table is the caller's own count). */
export const setAside = (model: Model, found: OneSided): Model => {
  for (const t of found.bound) model.tokens.delete(t)
  return model
}

/** The tally as one line for the model file's meta: `tag ham/spam` by tag, unmeasured ones starred. */
export const tallyLine = (found: OneSided): string =>
  [...found.languages]
    .sort((a, b) => (a[0] < b[0] ? -1 : 1))
    .map(([tag, c]) => `${tag}${found.unmeasured.has(tag) ? "*" : ""} ${c.ham}/${c.spam}`)
    .join(", ")
