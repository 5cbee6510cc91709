/**
 * The content classifier as the commands use it, built from the configuration the way the
 * gateway uses it: `classifier.model` (relative to the configuration file) or the model bundled
 * with @mailmoat/antispam, the `hamBelow`/`spamAbove` cutoffs, and with `state.backend: redis`
 * the shared learned counts under `<state.keyPrefix>classifier:`.
 *
 * @since 0.1.0
 */
import { existsSync } from "node:fs"
import { resolve } from "node:path"
import { Classifier } from "@mailmoat/antispam"
import { RedisConnection, RedisTokenStore } from "@mailmoat/redis"
import { Policy, type Stage } from "@mailmoat/core"
import { messageOf } from "./Common.ts"
import { type LoadedConfig, section, stateSettings } from "./Config.ts"
import { InputError } from "./Errors.ts"

export interface ClassifierSetup {
  readonly enabled: boolean
  /** The model file in use (configured or bundled). */
  readonly modelPath: string
  /** True when `classifier.model` names the file (it may then be written by learning). */
  readonly configured: boolean
  readonly hamBelow: number
  readonly spamAbove: number
  /** `classifier.autolearn`'s gate and cap (`mailmoat eval --autolearn` measures them). */
  readonly autolearn: Classifier.AutoLearn.AutoLearnSettings
}

const numberOr = (v: unknown, fallback: number): number => (typeof v === "number" ? v : fallback)

export const classifierSetup = (config: LoadedConfig): ClassifierSetup => {
  const c = section(config.raw, "classifier")
  const model = typeof c.model === "string" ? resolve(config.base, c.model) : undefined
  return {
    enabled: c.enabled !== false,
    modelPath: model ?? Classifier.shippedModelPath(),
    configured: model !== undefined,
    // The policy's own defaults, so a command and the gateway never cut at different places.
    hamBelow: typeof c.hamBelow === "number" ? c.hamBelow : Policy.defaults.hamBelow,
    spamAbove: typeof c.spamAbove === "number" ? c.spamAbove : Policy.defaults.spamAbove,
    autolearn: ((a) => ({
      spamAbove: numberOr(a.spamAbove, Classifier.AutoLearn.defaults.spamAbove),
      hamBelow: numberOr(a.hamBelow, Classifier.AutoLearn.defaults.hamBelow),
      maxPerHour: numberOr(a.maxPerHour, Classifier.AutoLearn.defaults.maxPerHour)
    }))(section(c, "autolearn"))
  }
}

export const loadModel = (path: string): Classifier.Model => {
  try {
    return Classifier.loadModel(path)
  } catch (e) {
    throw new InputError([`${path}: ${messageOf(e)}`], "mailmoat: the classifier model cannot be loaded:")
  }
}

export interface OpenClassifier {
  readonly classifier?: Classifier.Classifier | undefined
  readonly stages: ReadonlyArray<Stage>
  /** Why the classifier did not take part, or where its learned counts live. */
  readonly note?: string | undefined
  readonly setup: ClassifierSetup
  readonly close: () => Promise<void>
}

export const openClassifier = (config: LoadedConfig): OpenClassifier => {
  const setup = classifierSetup(config)
  const none = (note: string): OpenClassifier => ({ stages: [], note, setup, close: async () => {} })
  if (!setup.enabled) return none("disabled (classifier.enabled: false)")
  if (!existsSync(setup.modelPath)) {
    if (setup.configured)
      throw new InputError([`classifier.model: ${setup.modelPath} does not exist (make one with mailmoat train)`])
    return none(`no model (${setup.modelPath} is missing from this installation)`)
  }
  const model = loadModel(setup.modelPath)
  const state = stateSettings(config)
  const store =
    state.backend === "redis" && state.redis !== undefined
      ? RedisTokenStore.make(RedisConnection.acquire(state.redis))
      : undefined
  const classifier = Classifier.make({
    model,
    store,
    cutoffs: { hamBelow: setup.hamBelow, spamAbove: setup.spamAbove }
  })
  return {
    classifier,
    stages: [Classifier.makeClassifierStage({ model: classifier })],
    setup,
    note: store ? `learned counts in ${store.describe}` : undefined,
    close: async () => {
      await store?.close()
    }
  }
}
