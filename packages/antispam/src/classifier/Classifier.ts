/**
 * The classifier at run time: a model reference (swapped by the updater), optional shared
 * learned counts (TokenStore) and the cutoffs. `classify` never needs the network when no store
 * is given; with a store it adds the learned counts, and falls back to the model alone (with a
 * note) when the store cannot be reached, so Redis trouble never blocks mail.
 *
 * @category constructors
 * @since 0.1.0
 */
import type { Message } from "@mailmoat/core"
import { decide } from "./Decision.ts"
import * as ModelData from "./Model.ts"
import type { Label, Model } from "./Model.ts"
import { type ClassName, type Cutoffs, defaultCutoffs, type Score, score, scoreSet } from "./Score.ts"
import type { TokenStore } from "./TokenStore.ts"
import { collect, GTUBE, tokenize } from "./Tokenizer.ts"

/** A swappable holder for the current model (the updater replaces it atomically). */
export interface ModelRef {
  readonly get: () => Model
  readonly set: (model: Model) => void
}

export const ref = (model: Model): ModelRef => {
  let current = model
  return {
    get: () => current,
    set: (m) => {
      current = m
    }
  }
}

export const isRef = (m: Model | ModelRef): m is ModelRef => typeof (m as ModelRef).get === "function"

export interface Classification {
  readonly probability: number
  readonly class: ClassName
  readonly gtube: boolean
  readonly score?: Score | undefined
  /** Set when learned counts could not be read and the model alone decided. */
  readonly storeError?: string | undefined
}

const gtubeBytes = Buffer.from(GTUBE, "latin1")

/** GTUBE anywhere in the scan view or the decoded texts. */
export const hasGtube = (message: Message): boolean => {
  const view = message.scanView
  if (view instanceof Uint8Array && Buffer.from(view.buffer, view.byteOffset, view.byteLength).includes(gtubeBytes))
    return true
  return message.body.texts.some((t) => typeof t === "string" && t.includes(GTUBE))
}

/** Classifies with the model alone (synchronous; used by evaluation and the stage without a store). */
export const classifyWith = (model: Model, message: Message, cutoffs: Cutoffs = defaultCutoffs): Classification => {
  if (hasGtube(message)) return { probability: 1, class: "spam", gtube: true }
  const s = scoreAlone(model, message)
  return { probability: s.probability, class: decide(model, s, cutoffs), gtube: false, score: s }
}

/**
 * `score(model, tokenize(message))`, through the tokenizer's set: no string per word. Tokenizing
 * and scoring run back to back, as the set is the tokenizer's and the next message empties it.
 */
const scoreAlone = (model: Model, message: Message): Score => {
  const set = collect(message)
  const s = scoreSet(model, set)
  set.release()
  return s
}

export interface Classifier {
  readonly model: ModelRef
  readonly store?: TokenStore | undefined
  readonly cutoffs: Cutoffs
  readonly classify: (message: Message) => Promise<Classification>
  /**
   * `classify`'s answer itself when no store has to be asked (no store, or one that knows it
   * learned nothing): the model alone is synchronous work. Else the promise of the answer with
   * the learned counts. A throw is `classify`'s rejection, thrown.
   */
  readonly classifyNow: (message: Message) => Classification | Promise<Classification>
  /** Incremental learning: quarantine release = "ham", confirm = "spam". */
  readonly learn: (message: Message, label: Label) => Promise<void>
}

export interface ClassifierOptions {
  readonly model: Model | ModelRef
  readonly store?: TokenStore | undefined
  readonly cutoffs?: Partial<Cutoffs> | undefined
}

export const make = (options: ClassifierOptions): Classifier => {
  const model = isRef(options.model) ? options.model : ref(options.model)
  const cutoffs = { ...defaultCutoffs, ...options.cutoffs }
  if (!(cutoffs.hamBelow >= 0 && cutoffs.hamBelow <= cutoffs.spamAbove && cutoffs.spamAbove <= 1)) {
    throw new Error(
      `classifier cutoffs need 0 <= hamBelow <= spamAbove <= 1 (got ${cutoffs.hamBelow}, ${cutoffs.spamAbove})`
    )
  }
  const store = options.store
  // `scored` is the model the score came from: the updater may swap the reference meanwhile.
  const classOfScore = (scored: Model, s: Score, storeError?: string): Classification => ({
    probability: s.probability,
    class: decide(scored, s, cutoffs),
    gtube: false,
    score: s,
    storeError
  })
  const withLearned = async (message: Message, asked: TokenStore): Promise<Classification> => {
    const tokens = tokenize(message)
    let extra: Awaited<ReturnType<TokenStore["lookup"]>> | undefined
    let storeError: string | undefined
    try {
      extra = await asked.lookup(tokens.tokens)
    } catch (e) {
      storeError = `learned counts unavailable (${asked.describe}): ${(e as Error).message}`
    }
    const current = model.get()
    return classOfScore(current, score(current, tokens, extra), storeError)
  }
  const classifyNow = (message: Message): Classification | Promise<Classification> => {
    if (hasGtube(message)) return { probability: 1, class: "spam", gtube: true }
    // A store that knows it learned nothing would answer no counts: the model alone scores the
    // tokenizer's set, and no token becomes a string.
    if (store !== undefined && store.learnedNothing?.() !== true) return withLearned(message, store)
    const current = model.get()
    return classOfScore(current, scoreAlone(current, message))
  }
  return {
    model,
    store,
    cutoffs,
    classify: async (message) => classifyNow(message),
    classifyNow,
    learn: async (message, label) => {
      const tokens = tokenize(message).tokens
      if (store) await store.add(tokens, label, 1)
      else ModelData.addMessage(model.get(), tokens, label)
    }
  }
}

/**
 * Learns one message: into the classifier's store when it has one (shared by every gateway),
 * otherwise into the in-memory model's counts.
 */
export const learn = (target: Model | Classifier, message: Message, label: Label): Promise<void> => {
  if ("classify" in target) return target.learn(message, label)
  ModelData.addMessage(target, tokenize(message).tokens, label)
  return Promise.resolve()
}
