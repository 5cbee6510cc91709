/**
 * Wiring from configuration (`classifier` and `state` sections) to a running classifier: the
 * model (configured file, else an update downloaded earlier, else the shipped model), learned
 * counts (the store the caller passes, Redis when `state.backend` is `redis`; else memory), the
 * stage, the updater and auto-learning (`classifier.autolearn`).
 * The input types are structural, so the gateway passes its decoded config as is.
 *
 * @category constructors
 * @since 0.1.0
 */
import { existsSync } from "node:fs"
import { join } from "node:path"
import type { Stage } from "@mailmoat/core"
import { type AutoLearner, make as makeAutoLearner } from "./AutoLearner.ts"
import * as Classifier from "./Classifier.ts"
import { make as makeStage } from "./ClassifierStage.ts"
import type { Model } from "./Model.ts"
import { load } from "./ModelFile.ts"
import { defaultCutoffs } from "./Score.ts"
import { makeMemory, type TokenStore } from "./TokenStore.ts"
import { make as makeUpdater, type Updater } from "./Updater.ts"

export interface ClassifierInput {
  readonly hamBelow?: number | undefined
  readonly spamAbove?: number | undefined
  readonly model?: string | undefined
  readonly updateUrl?: string | undefined
  readonly updateIntervalMinutes?: number | undefined
  readonly updateSha256?: string | undefined
  /** `classifier.autolearn`; absent or not enabled: no auto-learning. */
  readonly autolearn?:
    | {
        readonly enabled: boolean
        readonly spamAbove: number
        readonly hamBelow: number
        readonly maxPerHour: number
      }
    | undefined
}

export interface SetupOptions {
  /** Where downloaded updates are kept when `classifier.model` is not set (default `./data`). */
  readonly dataDir?: string | undefined
  /** The shipped model's path (default: the package's). */
  readonly shippedModel: string
  readonly log?: ((line: string) => void) | undefined
  /** Where learned counts live (default: memory, this process only). */
  readonly store?: TokenStore | undefined
}

export interface ClassifierRuntime {
  readonly classifier: Classifier.Classifier
  readonly stage: Stage
  /** The same stage without auto-learning, for verdicts nothing acts on (the proxies' downloads). */
  readonly judgeStage: Stage
  readonly store: TokenStore
  readonly updater?: Updater | undefined
  /** Auto-learning, when `classifier.autolearn.enabled`. */
  readonly autolearner?: AutoLearner | undefined
  /** The file the current model came from (and updates are written to). */
  readonly modelPath: string
  readonly close: () => Promise<void>
}

const UPDATED_NAME = "classifier.model.gz"

export const setup = (config: ClassifierInput, options: SetupOptions): ClassifierRuntime => {
  const log = options.log ?? (() => {})
  const updatePath = config.model ?? join(options.dataDir ?? "./data", UPDATED_NAME)
  let model: Model
  let modelPath = options.shippedModel
  if (config.model) {
    model = load(config.model)
    modelPath = config.model
  } else if (existsSync(updatePath)) {
    try {
      model = load(updatePath)
      modelPath = updatePath
    } catch (e) {
      log(`classifier: ignoring downloaded model ${updatePath}: ${(e as Error).message}; using the shipped model`)
      model = load(options.shippedModel)
    }
  } else model = load(options.shippedModel)
  const store = options.store ?? makeMemory()
  const ref = Classifier.ref(model)
  const classifier = Classifier.make({
    model: ref,
    store,
    cutoffs: {
      hamBelow: config.hamBelow ?? defaultCutoffs.hamBelow,
      spamAbove: config.spamAbove ?? defaultCutoffs.spamAbove
    }
  })
  const updater = config.updateUrl
    ? makeUpdater({
        url: config.updateUrl,
        path: updatePath,
        model: ref,
        sha256: config.updateSha256,
        intervalMillis: (config.updateIntervalMinutes ?? 360) * 60_000,
        log
      })
    : undefined
  updater?.start()
  const plain = makeStage({ model: classifier })
  const a = config.autolearn
  const autolearner = a?.enabled
    ? makeAutoLearner({
        classifier,
        settings: { spamAbove: a.spamAbove, hamBelow: a.hamBelow, maxPerHour: a.maxPerHour },
        log
      })
    : undefined
  return {
    classifier,
    stage: autolearner === undefined ? plain : makeStage({ model: classifier, autolearn: autolearner }),
    judgeStage: plain,
    store,
    updater,
    autolearner,
    modelPath,
    close: async () => {
      updater?.stop()
      await store.close()
    }
  }
}
