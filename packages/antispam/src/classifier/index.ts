/**
 * The content classifier: tokenizer, Robinson/Fisher chi-square token statistics with
 * a logistic layer over structural features, the model file, training and evaluation, shared
 * learning (memory / Redis), the updater and the `classifier` stage.
 *
 * @since 0.1.0
 */
import { fileURLToPath } from "node:url"
import * as ModelFile from "./ModelFile.ts"
import * as Setup from "./Setup.ts"
import type { ClassifierInput, ClassifierRuntime } from "./Setup.ts"
import type { TokenStore } from "./TokenStore.ts"

export * as AutoLearn from "./AutoLearn.ts"
export * as AutoLearnStream from "./AutoLearnStream.ts"
export type { AutoLearner, AutoLearnerStatus, Candidate as AutoLearnCandidate } from "./AutoLearner.ts"
export { type ChiOptions, type ChiResult, chi2Q, combine, defaultChiOptions, tokenProbability } from "./Chi2.ts"
export {
  type Classification,
  type Classifier,
  type ClassifierOptions,
  classifyWith,
  hasGtube,
  learn,
  make,
  type ModelRef,
  ref
} from "./Classifier.ts"
export { ClassifierSymbols, type ClassifierStageOptions, make as makeClassifierStage } from "./ClassifierStage.ts"
export { listFiles, parseMessage, stripMboxFrom } from "./Corpus.ts"
export { languageOf, UNDETERMINED } from "./Language.ts"
export { inUnmeasuredLanguage, measuredLanguages } from "./MeasuredLanguages.ts"
export { addMessage, empty, type Label, type Logistic, MODEL_VERSION, type Model, prune } from "./Model.ts"
export { wilson } from "./Interval.ts"
export { FORMAT, ModelFormatError, parse as parseModel, serialise as serialiseModel } from "./ModelFile.ts"
export { oneSided, type OneSided } from "./OneSidedLanguages.ts"
export { type ClassName, type Cutoffs, classOf, defaultCutoffs, type Score, score } from "./Score.ts"
export {
  byForm,
  decide,
  FEW_CLUES,
  formProbability,
  leansOnForm,
  restsOnFewWords,
  spamCutoffFor,
  THIN_DROP,
  THIN_SHARE
} from "./Decision.ts"
export type { ClassifierInput, ClassifierRuntime } from "./Setup.ts"
export { type LearnedCounts, makeMemory as makeMemoryTokenStore, type TokenStore } from "./TokenStore.ts"
export { GTUBE, MAX_TOKENS, type Tokens, tokenize } from "./Tokenizer.ts"
export { type Explanation, explain } from "./Explain.ts"
export {
  type Evaluation,
  type EvaluateOptions,
  type EvaluationError,
  evaluate,
  type Rate,
  type SteadyRate,
  summarise,
  type Throughput
} from "./Evaluate.ts"
export { dynamicOrigin, looksDynamic, originHop } from "./OriginHop.ts"
export { type TrainOptions, train, trainTokens } from "./Train.ts"
export {
  make as makeUpdater,
  type UpdateResult,
  type Updater,
  type UpdaterOptions,
  type UpdaterStatus,
  writeAtomic
} from "./Updater.ts"

/** File name of the shipped model inside the package's `model/` directory. */
export const SHIPPED_MODEL = "mailmoat-classifier.model.gz"

/**
 * Path of the model shipped with the package. Works from `src/classifier/` (tests) and from
 * `dist/` (the built package): both sit two or one levels under the package root.
 */
export const shippedModelPath = (): string => {
  const here = import.meta.url
  const up = here.includes("/src/classifier/") ? "../../model/" : "../model/"
  return fileURLToPath(new URL(up + SHIPPED_MODEL, here))
}

/** Loads a model file (plain or gzip), checking format, version and checksum. */
export const loadModel = (path: string = shippedModelPath()) => ModelFile.load(path)

/**
 * A running classifier from the `classifier` config section: model (configured, previously
 * downloaded, or shipped), learned counts (`options.store`, default memory), the
 * `classifier` stage for `makeServerAntispam(config, { stages: [runtime.stage] })`, and the
 * updater when `classifier.updateUrl` is set.
 */
export const setup = (
  config: ClassifierInput,
  options: { dataDir?: string; log?: (line: string) => void; store?: TokenStore } = {}
): ClassifierRuntime => Setup.setup(config, { ...options, shippedModel: shippedModelPath() })
