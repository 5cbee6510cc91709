/**
 * The content classifier the IMAP/POP3 proxies judge downloads with: always the one of the
 * configuration in force, the same one SMTP uses, so a reload reaches both at once.
 *
 * - Each wiring (one per accepted configuration) carries its `classifierStage`: its protection's,
 *   or, when it has none (`antispam.enabled: false` for SMTP) while the proxies tag spam, one of
 *   its own set up from the `classifier` section (`ownClassifier`). It opens and closes with the
 *   wiring.
 * - The proxies' client engine is built once, with `followingClassifier` in the classifier's
 *   place: same name, phase, order, budget and symbols; each run holds the wiring in force
 *   (`ClassifierSource.hold`) and runs its stage, or reports nothing when that configuration has
 *   the classifier off. The hold keeps a replaced wiring open until the run is over, so a message
 *   in flight during a reload is judged by a classifier that is still open.
 *
 * **Gotchas**
 * - A run that outlives its hold (the pipeline's deadline interrupted it, or the gateway is
 *   shutting down) may meet a closed learning store: the classifier then falls back to the model
 *   alone and notes the store error, and anything worse is a failed stage the pipeline records;
 *   either way the message gets an answer (fail open), never a refusal.
 *
 * @category constructors
 * @since 0.1.0
 */
import type { GatewayLog } from "./Log.ts"
import { Classifier, type GatewayConfig } from "@mailmoat/antispam"
import type { Stage, StageResult } from "@mailmoat/core"
import { Effect } from "effect"
import type { SwappableHandler } from "./reload/SwappableHandler.ts"
import { stateSettings, tokenStore } from "./StateStores.ts"

export interface HeldClassifier {
  /** Undefined when the configuration in force has the classifier off. */
  readonly stage: Stage | undefined
  readonly release: () => void
}

export interface ClassifierSource {
  /** The classifier stage in force, kept open until `release`. */
  readonly hold: () => HeldClassifier
  /** Whether the configuration in force has a classifier (status). */
  readonly on: () => boolean
  /** Calls `f` when a reload puts another classifier in force; returns the unsubscribe. */
  readonly onChange: (f: () => void) => () => void
}

/** The proxies judge spam: filtering on, listeners configured, `onSpam: tag`. */
export const proxiesTagSpam = (config: GatewayConfig.Config): boolean =>
  config.protocols.filtering && config.protocols.listeners.length > 0 && config.protocols.onSpam === "tag"

/** The proxies' own classifier for a configuration without the SMTP side's protection. */
export const ownClassifier = (
  config: GatewayConfig.Config,
  services: { readonly dataDir: string; readonly base: string; readonly logger: GatewayLog }
): Classifier.ClassifierRuntime | undefined =>
  config.classifier.enabled
    ? Classifier.setup(config.classifier, {
        dataDir: services.dataDir,
        // The antispam package reports free text (what loaded, what failed).
        log: services.logger.lines("info"),
        store: tokenStore(stateSettings(config.state, services.base))
      })
    : undefined

/** The classifier stages of the wirings `handler` swaps in. */
export const classifierSource = (handler: SwappableHandler): ClassifierSource => ({
  hold: () => {
    const held = handler.hold()
    return { stage: held.wiring.classifierStage, release: held.release }
  },
  on: () => handler.current().classifierStage !== undefined,
  onChange: (f) =>
    handler.watch((next, previous) => {
      if (next.classifierStage !== previous.classifierStage) f()
    })
})

/** What `Classifier.setup`'s stage declares; the client engine is assembled with these. */
const SHAPE = { name: "classifier", phase: "data", order: 1, budgetMillis: 2000 } as const
const NOTHING: StageResult = { symbols: [] }

/** The classifier's place in an engine built once: each run uses the classifier in force. */
export const followingClassifier = (source: ClassifierSource): Stage => ({
  ...SHAPE,
  symbols: Classifier.ClassifierSymbols,
  run: (input) =>
    Effect.acquireUseRelease(
      Effect.sync(source.hold),
      (held) => (held.stage === undefined ? Effect.succeed(NOTHING) : held.stage.run(input)),
      (held) => Effect.sync(held.release)
    )
})
