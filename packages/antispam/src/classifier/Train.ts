/**
 * Training from labelled directories.
 *
 * `train` counts tokens of every message, then fits the logistic layer by stacking: the
 * training set is cut into `folds` parts; each part is scored by a token table counted on the
 * other parts, so the layer learns from chi-square evidence on mail the table has not seen
 * (as in production), never from the optimistic scores of training messages. The final table is
 * counted on everything, pruned, and written as a model file. Asked for, a discriminative token
 * model (Discriminative.ts) is fitted the same way, per fold, and its margin is one more input.
 *
 * @category constructors
 * @since 0.1.0
 */
import { mkdirSync } from "node:fs"
import { dirname } from "node:path"
import { paddedTokens, TWIN_WEIGHT, wordTokens } from "./Augment.ts"
import type { ChiOptions } from "./Chi2.ts"
import { counter, listFiles, readMessage } from "./Corpus.ts"
import { fitTokens, margin, restrict, type TokenFitOptions, type TokenWeights } from "./Discriminative.ts"
import { LATE_INPUT_STAGES } from "./FeatureSigns.ts"
import { MARGIN_INPUT } from "./LayerInputs.ts"
import { type FitOptions, fit, type Sample } from "./Logistic.ts"
import { type OneSided, oneSided, setAside, tallyLine } from "./OneSidedLanguages.ts"
import * as ModelData from "./Model.ts"
import type { Label, Logistic, Model } from "./Model.ts"
import * as ModelFile from "./ModelFile.ts"
import { chiScore, INPUT_PRIORS, INPUT_SIGNS, inputs } from "./Score.ts"
import { type Tokens, tokenize } from "./Tokenizer.ts"
import { writeAtomic } from "./Updater.ts"

export interface TrainOptions {
  readonly hamDir: string
  readonly spamDir: string
  /** Output model file; not written when absent. */
  readonly out?: string | undefined
  readonly options?: Partial<ChiOptions> | undefined
  /** Without the logistic layer the model is plain Robinson/Fisher (the baseline). */
  readonly logistic?: boolean | undefined
  readonly folds?: number | undefined
  readonly fit?: FitOptions | undefined
  /** Shares of the token table kept for the vocabulary-shift samples (default [0.3, 0.1, 0]). */
  readonly shift?: ReadonlyArray<number> | undefined
  /** Weight of each spam sample's padded twin (default `TWIN_WEIGHT`; 0: no twins). */
  readonly twinWeight?: number | undefined
  /**
   * The discriminative token model (Discriminative.ts) as one more layer input, with these fit
   * options; false or absent: none. Off by default: measured in round 15 (docs/classifier.md), it
   * added a false positive on the evaluation split and on 2002 -> 2003-05.
   */
  readonly discriminative?: TokenFitOptions | false | undefined
  /**
   * Layer inputs fitted in a second stage, with the bias and every other weight held as the first
   * stage (without them) fitted them (empty: one joint fit). Shorthand for one `lateStages` stage.
   */
  readonly lateInputs?: ReadonlyArray<string> | undefined
  /**
   * Layer inputs fitted in later stages, in order: each stage's weights are fitted with the bias
   * and every weight of the stages before held (default `LATE_INPUT_STAGES`; empty: one joint
   * fit). Overrides `lateInputs`.
   */
  readonly lateStages?: ReadonlyArray<ReadonlyArray<string>> | undefined
  /**
   * Whether tokens bound to a language the training holds in one class only are set aside from
   * the shipped table (OneSidedLanguages.ts); on by default, `false` keeps them. The layer is
   * fitted without the rule either way (`stackedSamples` counts the folds' tables whole): round 45
   * (docs/classifier.md) refitted it with the rule, and its bias, moved by the non-English spam
   * the rule leaves to their form, took an English ham across the cut-off in two drift cells.
   * Fitted without it, the layer is the one a training without the rule gives, and a message that
   * holds no bound token scores exactly as it would without the rule (round 49).
   */
  readonly oneSided?: boolean | undefined
  /** Layer inputs left out of the fit (so the layer gives them no weight), e.g. `chi:logit`. */
  readonly dropInputs?: ReadonlyArray<string> | undefined
  /** Pruning: tokens seen fewer times are dropped (default 2), at most `maxTokens` kept (default 200000). */
  readonly minCount?: number | undefined
  readonly maxTokens?: number | undefined
  readonly gzip?: boolean | undefined
  readonly meta?: Record<string, string | number> | undefined
  readonly log?: ((line: string) => void) | undefined
  /** Called after each message is read and tokenized (a progress display). */
  readonly progress?: ((done: number, total: number) => void) | undefined
}

export interface LabelledTokens {
  readonly tokens: Tokens
  readonly label: Label
}

export const tokenizeDir = (dir: string, label: Label, onMessage?: () => void): Array<LabelledTokens> =>
  listFiles(dir).map((p) => {
    const tokens = tokenize(readMessage(p))
    onMessage?.()
    return { tokens, label }
  })

/**
 * Counts a token table from tokenized messages; with `oneSided`, without the tokens bound to a
 * language they hold in one class only (OneSidedLanguages.ts).
 */
export const countAll = (
  items: ReadonlyArray<LabelledTokens>,
  options?: Partial<ChiOptions>,
  oneSidedRule = false
): Model => countFound(items, options, oneSidedRule).model

const countFound = (
  items: ReadonlyArray<LabelledTokens>,
  options: Partial<ChiOptions> | undefined,
  oneSidedRule: boolean
): { model: Model; found?: OneSided } => {
  const model = ModelData.empty(options)
  for (const it of items) ModelData.addMessage(model, it.tokens.tokens, it.label)
  if (!oneSidedRule) return { model }
  const found = oneSided(
    model,
    items.map((it) => ({ tokens: it.tokens.tokens, label: it.label }))
  )
  return { model: setAside(model, found), found }
}

/**
 * Keeps a token with probability `keep`, decided by a hash of the token (the same tokens for
 * every message): a stand-in for mail whose vocabulary the table has never seen.
 */
export const knownTokens = (model: Model, keep: number, seed: number): Model => {
  const tokens = new Map<string, [number, number]>()
  for (const [t, c] of model.tokens) if (isKnown(t, keep, seed)) tokens.set(t, c)
  return { ...model, tokens }
}

/** Whether `knownTokens(…, keep, seed)` keeps the token `t`. */
export const isKnown = (t: string, keep: number, seed: number): boolean => hash(t, seed) % 1000 < keep * 1000

const hash = (s: string, seed: number): number => {
  let h = 2166136261 ^ seed
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619)
  return h >>> 0
}

/**
 * A layer sample; for a message that carries a late input, `stageInputs[j]` holds its inputs as
 * stage `j` of a staged fit sees them (stage 0 the first, without any late input; see
 * `stagedFit`), for each stage before the last one whose inputs it carries. Later stages see `x`.
 */
export interface StackedSample extends Sample {
  readonly stageInputs?: ReadonlyArray<ReadonlyMap<string, number>> | undefined
}

/**
 * Out-of-fold samples for the logistic layer (deterministic fold assignment by position).
 * Each message is also scored with most of the table forgotten (`shift` samples): the layer
 * then learns what the structural features are worth when the tokens say little, as they do on
 * mail from another era or source, instead of leaning on the tokens alone. Each spam message
 * also gets a padded twin (Augment.ts) of weight `twinWeight`: the same message with the
 * words of a ham message of the other folds added, for tokens that say "ham". A message that
 * carries an input of `lateStages` also gets its samples as the earlier stages of `stagedFit`
 * see them.
 */
export const stackedSamples = (
  items: ReadonlyArray<LabelledTokens>,
  folds: number,
  options?: Partial<ChiOptions>,
  shift: ReadonlyArray<number> = [0.3, 0.1, 0],
  twinWeight: number = TWIN_WEIGHT,
  discriminative: TokenFitOptions | false = false,
  lateStages: ReadonlyArray<ReadonlyArray<string>> = []
): Array<StackedSample> => {
  // The stage (1, 2, ...) that fits each late input; the first stage (0) fits every other one.
  const stageOf = new Map(
    lateStages.filter((names) => names.length > 0).flatMap((names, j) => names.map((n) => [n, j + 1] as const))
  )
  const samples: Array<StackedSample> = []
  for (let k = 0; k < folds; k++) {
    const model = countAll(
      items.filter((_, i) => i % folds !== k),
      options
    )
    const shifted = shift.map((keep, j) => knownTokens(model, keep, 7 + j))
    // The token weights of the other folds, and the same weights with the shifted tables' share
    // of tokens known: the margin is forgotten exactly where the table is.
    const weights = discriminative === false ? undefined : fitFold(items, folds, k, discriminative)
    const shiftedWeights = shift.map((keep, j) =>
      weights ? restrict(weights, (t) => isKnown(t, keep, 7 + j)) : undefined
    )
    const marginOf = (w: TokenWeights | undefined, tokens: ReadonlyArray<string>) => w && margin(w, tokens)
    const hamWords =
      twinWeight > 0
        ? items.filter((h, i) => i % folds !== k && h.label === "ham").map((h) => wordTokens(h.tokens.tokens))
        : []
    // One message's samples as the layer sees them from these tokens and features: the message,
    // its padded twin (spam only) and its shifted views, always in that order.
    const views = (
      tokens: ReadonlyArray<string>,
      features: ReadonlyArray<string>,
      i: number,
      y: 0 | 1
    ): Array<{ x: Map<string, number>; weight?: number }> => {
      const x = inputs(chiScore(model, tokens).chi, features, marginOf(weights, tokens))
      const out: Array<{ x: Map<string, number>; weight?: number }> = [{ x }]
      const padded = y === 1 && twinWeight > 0 ? paddedTokens(tokens, i, hamWords) : undefined
      if (padded) {
        const twin = inputs(chiScore(model, padded).chi, features, marginOf(weights, padded))
        // The twin keeps the original's amount of evidence: the added words would otherwise
        // teach the layer that many tokens mean spam.
        twin.set("chi:evidence", x.get("chi:evidence")!)
        out.push({ x: twin, weight: twinWeight })
      }
      shifted.forEach((m, j) => {
        const margin = marginOf(shiftedWeights[j], tokens)
        out.push({ x: inputs(chiScore(m, tokens).chi, features, margin), weight: 0.5 })
      })
      return out
    }
    items.forEach((it, i) => {
      if (i % folds !== k) return
      const y = it.label === "spam" ? 1 : 0
      const all = views(it.tokens.tokens, it.tokens.features, i, y)
      // A message with a late feature is seen by each stage before that feature's as if the
      // feature were not computed: without its input and without its token in the chi-square
      // evidence. `top`: the last stage whose features it carries.
      let top = 0
      for (const f of it.tokens.features) top = Math.max(top, stageOf.get(`feat:${f}`) ?? 0)
      const earlier: Array<ReturnType<typeof views>> = []
      for (let j = top - 1; j >= 0; j--) {
        const later = (name: string) => (stageOf.get(name) ?? 0) > j
        const carried = it.tokens.features.filter((f) => later(`feat:${f}`)).length
        const carriedNext = it.tokens.features.filter((f) => (stageOf.get(`feat:${f}`) ?? 0) > j + 1).length
        // The same features taken out as for the stage after: the same views.
        earlier[j] =
          j + 1 < top && carried === carriedNext
            ? earlier[j + 1]!
            : views(
                it.tokens.tokens.filter((t) => !later(t)),
                it.tokens.features.filter((f) => !later(`feat:${f}`)),
                i,
                y
              )
      }
      all.forEach((v, j) => {
        samples.push({ ...v, y, ...(top > 0 ? { stageInputs: earlier.map((views) => views[j]!.x) } : {}) })
      })
    })
  }
  return samples
}

/**
 * The samples with the inputs `drop` names removed, so the layer gets no weight for them (the
 * margin in place of `chi:logit`, measured in round 15). In place: the samples are this fit's own.
 */
const withoutInputs = (
  samples: Array<StackedSample>,
  drop: ReadonlyArray<string> | undefined
): Array<StackedSample> => {
  if (!drop?.length) return samples
  for (const s of samples)
    for (const name of drop) {
      ;(s.x as Map<string, number>).delete(name)
      for (const x of s.stageInputs ?? []) (x as Map<string, number>).delete(name)
    }
  return samples
}

/**
 * The layer fitted in stages: first on the samples as if the inputs of `stages` were not computed
 * (their `stageInputs` where given; no late input, no late prior), then each stage's inputs in
 * turn, with the bias and every weight fitted before held (Logistic.ts, `frozen`), on the samples
 * as if the later stages' inputs were not computed. Each stage is then the fit without the later
 * stages' features, and a message without them scores as it would without them. With no stage it
 * is one fit. The late inputs keep their signs and priors in their own stage.
 */
export const stagedFit = (
  samples: ReadonlyArray<StackedSample>,
  stages: ReadonlyArray<ReadonlyArray<string>>,
  options: FitOptions
): Logistic => {
  const late = stages.filter((names) => names.length > 0)
  if (late.length === 0) return fit(samples, options)
  let layer: Logistic | undefined
  for (let j = 0; j <= late.length; j++) {
    const after = new Set(late.slice(j).flat())
    const seen = (name: string) => !after.has(name)
    layer = fit(
      after.size === 0
        ? samples
        : samples.map((s) => ({ ...s, x: new Map([...(s.stageInputs?.[j] ?? s.x)].filter(([name]) => seen(name))) })),
      {
        ...options,
        priors: Object.fromEntries(Object.entries(options.priors ?? {}).filter(([name]) => seen(name))),
        ...(layer === undefined ? {} : { frozen: layer })
      }
    )
  }
  return layer!
}

/** Token weights fitted on every fold but `k`. */
const fitFold = (
  items: ReadonlyArray<LabelledTokens>,
  folds: number,
  k: number,
  options: TokenFitOptions
): TokenWeights => fitTokens(tokenSamples(items.filter((_, i) => i % folds !== k)), options)

const tokenSamples = (items: ReadonlyArray<LabelledTokens>) =>
  items.map((it) => ({ tokens: it.tokens.tokens, y: it.label === "spam" ? (1 as const) : (0 as const) }))

/**
 * Share of spam the logistic layer is fitted for, whatever the training set's own ratio. The
 * layer's bias otherwise carries the ratio of the mail it was trained on: trained on 2002 mail
 * (17 % spam) it called too little spam on 2003-05 mail, trained on 2003-05 mail (50 % spam) it
 * called 2002 newsletters spam. One third is about the ratio of the shipped training split (32 %),
 * so the shipped model's operating point stays where it was measured (docs/classifier.md).
 */
export const SPAM_SHARE = 1 / 3

/** Trains a model from tokenized messages (see the module header). */
export const trainTokens = (
  items: ReadonlyArray<LabelledTokens>,
  o: Omit<TrainOptions, "hamDir" | "spamDir" | "out"> = {}
): Model => {
  const { model: full, found } = countFound(items, o.options, o.oneSided ?? true)
  const discriminative = o.logistic === false ? false : (o.discriminative ?? false)
  const late = (o.lateStages ?? (o.lateInputs === undefined ? LATE_INPUT_STAGES : [o.lateInputs]))
    .map((names) => names.filter((name) => !o.dropInputs?.includes(name)))
    .filter((names) => names.length > 0)
  const logistic =
    o.logistic === false
      ? undefined
      : stagedFit(
          withoutInputs(
            stackedSamples(items, o.folds ?? 5, o.options, o.shift, o.twinWeight, discriminative, late),
            o.dropInputs
          ),
          late,
          {
            // A larger margin may only mean more spam, as a larger chi-square logit does.
            signs: { ...INPUT_SIGNS, [MARGIN_INPUT]: 1 },
            priors: INPUT_PRIORS,
            spamShare: SPAM_SHARE,
            ...o.fit
          }
        )
  const pruned = ModelData.prune(full, o.minCount ?? 2, o.maxTokens ?? 200_000)
  const weights =
    discriminative === false
      ? undefined
      : restrict(fitTokens(tokenSamples(items), discriminative), (t) => pruned.tokens.has(t))
  // The file's layer is bias and weights either way; the meta records which were fitted late.
  const stages: Record<string, string> =
    logistic !== undefined && late.length > 0 ? { lateInputs: late.map((names) => names.join(",")).join("/") } : {}
  // The languages the training saw, and how many tokens stood for those it saw in one class only.
  const languages: Record<string, string | number> =
    found === undefined ? {} : { languages: tallyLine(found), languageBound: found.bound.size }
  return { ...pruned, logistic, discriminative: weights, meta: { ...o.meta, ...stages, ...languages } }
}

export const train = (o: TrainOptions): Model => {
  const log = o.log ?? (() => {})
  const t0 = Date.now()
  const tick = counter(o.progress, o.progress ? listFiles(o.hamDir).length + listFiles(o.spamDir).length : 0)
  const ham = tokenizeDir(o.hamDir, "ham", tick)
  const spam = tokenizeDir(o.spamDir, "spam", tick)
  log(`tokenized ${ham.length} ham and ${spam.length} spam in ${((Date.now() - t0) / 1000).toFixed(1)} s`)
  // Interleave classes so every fold gets its share of both.
  const items = interleave(ham, spam)
  const model = trainTokens(items, { ...o, meta: { trainedAt: new Date().toISOString().slice(0, 10), ...o.meta } })
  log(`model: ${model.nham} ham, ${model.nspam} spam, ${model.tokens.size} tokens kept`)
  if (o.out) {
    mkdirSync(dirname(o.out), { recursive: true })
    writeAtomic(o.out, ModelFile.serialise(model, { gzip: o.gzip ?? o.out.endsWith(".gz") }))
  }
  return model
}

export const interleave = <T>(a: ReadonlyArray<T>, b: ReadonlyArray<T>): Array<T> => {
  const out: Array<T> = []
  const ratio = a.length / Math.max(1, a.length + b.length)
  let i = 0
  let j = 0
  while (i < a.length || j < b.length) {
    if (j >= b.length || (i < a.length && i / (i + j + 1) <= ratio)) out.push(a[i++]!)
    else out.push(b[j++]!)
  }
  return out
}
