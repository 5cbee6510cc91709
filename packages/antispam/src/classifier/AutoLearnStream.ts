/**
 * Auto-learning measured as a stream (prequential): each message is classified with what was
 * learned before it, then offered to the gate (AutoLearn.ts) and learned when the gate and the
 * cap allow, as the gateway does with its mail. The same messages with learning off give the
 * figure to compare with. Learned counts go to a memory `TokenStore`, as in one gateway.
 *
 * @category models
 * @since 0.3.0
 */
import { readFileSync } from "node:fs"
import { type AutoLearnSettings, balanced, gate, makeCap } from "./AutoLearn.ts"
import { listFiles, parseMessage } from "./Corpus.ts"
import type { Label, Model } from "./Model.ts"
import { type ClassName, type Cutoffs, classOf, defaultCutoffs, score } from "./Score.ts"
import { hasGtube } from "./Classifier.ts"
import { type Tokens, tokenize } from "./Tokenizer.ts"
import { makeMemory } from "./TokenStore.ts"

export interface StreamItem {
  readonly label: Label
  readonly tokens: Tokens
  /** GTUBE in the message: spam at probability 1, never learned. */
  readonly gtube?: boolean | undefined
}

export interface StreamOptions {
  /** Undefined: learning off (the stream's figure without auto-learning). */
  readonly autolearn?: AutoLearnSettings | undefined
  readonly cutoffs?: Cutoffs | undefined
  /** Tolerance of the class balance (`AutoLearn.BALANCE`; Infinity: none). */
  readonly balance?: number | undefined
  /** Minutes between two messages of the stream, for the hourly cap (default 1). */
  readonly minutesApart?: number | undefined
}

export interface StreamResult<T extends StreamItem = StreamItem> {
  /** The ham called spam, with their place in the stream (0-based). */
  readonly falsePositives: ReadonlyArray<{ readonly at: number; readonly item: T }>
  /** The class each message got when it arrived, per true label, in stream order. */
  readonly classes: { readonly ham: ReadonlyArray<ClassName>; readonly spam: ReadonlyArray<ClassName> }
  /** Messages learned, by the label they were learned as and whether that was their true label. */
  readonly learned: {
    readonly ham: number
    readonly spam: number
    /** Spam learned as ham. */
    readonly wrongHam: number
    /** Ham learned as spam. */
    readonly wrongSpam: number
    /** Messages the gate passed that the cap held back. */
    readonly capped: number
    /** Messages the gate passed that the class balance held back. */
    readonly unbalanced: number
  }
}

export const stream = async <T extends StreamItem>(
  model: Model,
  items: Iterable<T>,
  options: StreamOptions = {}
): Promise<StreamResult<T>> => {
  const cutoffs = options.cutoffs ?? defaultCutoffs
  const settings = options.autolearn
  const store = makeMemory()
  let clock = 0
  const cap = makeCap(settings?.maxPerHour ?? 0, () => clock)
  const step = (options.minutesApart ?? 1) * 60_000
  const classes = { ham: [] as Array<ClassName>, spam: [] as Array<ClassName> }
  const learned = { ham: 0, spam: 0, wrongHam: 0, wrongSpam: 0, capped: 0, unbalanced: 0 }
  const falsePositives: Array<{ at: number; item: T }> = []
  let at = -1
  for (const item of items) {
    at++
    clock += step
    if (item.gtube === true) {
      classes[item.label].push("spam")
      continue
    }
    const extra = store.learnedNothing?.() === true ? undefined : await store.lookup(item.tokens.tokens)
    const s = score(model, item.tokens, extra)
    const c = classOf(s.probability, cutoffs)
    classes[item.label].push(c)
    if (c === "spam" && item.label === "ham") falsePositives.push({ at, item })
    if (settings === undefined) continue
    const g = gate(model, { class: c, features: s.features }, settings)
    if (!("learn" in g)) continue
    if (!balanced(model, { nham: learned.ham, nspam: learned.spam }, g.learn, options.balance)) {
      learned.unbalanced++
      continue
    }
    if (!cap.take(g.learn)) {
      learned.capped++
      continue
    }
    await store.add(item.tokens.tokens, g.learn, 1)
    learned[g.learn]++
    if (g.learn !== item.label) learned[g.learn === "ham" ? "wrongHam" : "wrongSpam"]++
  }
  return { classes, learned, falsePositives }
}

/**
 * The model's layer and totals with a token table that knows no word: only its `feat:` tokens.
 * Mail from another source and era, whose words the table has never seen, starts here.
 */
export const withoutWords = (model: Model): Model => ({
  ...model,
  tokens: new Map([...model.tokens].filter(([t]) => t.startsWith("feat:")).map(([t, c]) => [t, [c[0], c[1]]]))
})

/**
 * Ham and spam in one stream, each class in its own order, spread evenly: the share of ham so far
 * stays the share of ham overall, as mail arrives mixed rather than a class at a time.
 */
export const interleave = <T extends { readonly label: Label }>(items: ReadonlyArray<T>): Array<T> => {
  const ham = items.filter((i) => i.label === "ham")
  const spam = items.filter((i) => i.label === "spam")
  const out: Array<T> = []
  const share = ham.length / Math.max(1, items.length)
  let i = 0
  let j = 0
  while (i < ham.length || j < spam.length) {
    if (j >= spam.length || (i < ham.length && i / (i + j + 1) <= share)) out.push(ham[i++]!)
    else out.push(spam[j++]!)
  }
  return out
}

/** Every message file of `dir` (one per file, in file order) as a stream item labelled `label`. */
export const readDir = (dir: string, label: Label): Array<StreamItem> =>
  listFiles(dir).map((path) => {
    const message = parseMessage(readFileSync(path))
    return { label, tokens: tokenize(message), gtube: hasGtube(message) }
  })
