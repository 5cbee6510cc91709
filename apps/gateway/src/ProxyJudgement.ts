/**
 * How the IMAP/POP3 proxies judge spam: always with the configuration in force, as SMTP does, so
 * a reload reaches downloads and SMTP transactions at once (the `antispam` section's lists,
 * zones and scores, and the classifier).
 *
 * - Each wiring (one per accepted configuration) builds a `ClientJudgement` when the proxies tag
 *   spam: the antispam client profile of its configuration, on its protection's resolver and
 *   imported lists and with its protection's classifier stage; when it has no protection
 *   (`antispam.enabled: false` for SMTP) on a resolver and lists of its own, with a classifier of
 *   its own set up from the `classifier` section (`ownClassifier`). It opens and closes with the
 *   wiring.
 * - Each scan holds the wiring in force (`JudgementSource.hold`) while it judges, so a reload
 *   never closes a judgement under a message being judged: the replaced configuration stays open
 *   until its last SMTP transaction and its last proxy scan are over.
 *
 * **Gotchas**
 * - A scan that outlives its hold (the gateway is shutting down) may meet a closed learning store:
 *   the classifier then falls back to the model alone and notes the store error; the scanner
 *   fails open on anything worse (the download passes unchanged).
 *
 * @category constructors
 * @since 0.1.0
 */
import type { GatewayLog } from "./Log.ts"
import { Classifier, type ClientAntispam, type GatewayConfig, ListStore, makeClientAntispam } from "@mailmoat/antispam"
import type { Protection } from "./Protection.ts"
import type { SwappableHandler } from "./reload/SwappableHandler.ts"
import type { SharedState } from "./SharedState.ts"
import { listStore, resolver, stateSettings, tokenStore } from "./StateStores.ts"

/** One configuration's spam judgement of downloads. */
export interface ClientJudgement {
  readonly module: ClientAntispam
  /** Whether this configuration judges with the content classifier (status). */
  readonly classifier: boolean
  readonly close: () => Promise<void>
}

export interface HeldJudgement {
  /** Undefined when the configuration in force does not judge downloads for spam. */
  readonly judgement: ClientJudgement | undefined
  readonly release: () => void
}

export interface JudgementSource {
  /** The judgement in force, kept open until `release`. */
  readonly hold: () => HeldJudgement
  /** The judgement in force now (status). */
  readonly current: () => ClientJudgement | undefined
  /** Calls `f` when a reload puts another judgement in force; returns the unsubscribe. */
  readonly onChange: (f: () => void) => () => void
}

/** The proxies judge spam: filtering on, listeners configured, `onSpam: tag`. */
export const proxiesTagSpam = (config: GatewayConfig.Config): boolean =>
  config.protocols.filtering && config.protocols.listeners.length > 0 && config.protocols.onSpam === "tag"

interface JudgementServices {
  readonly dataDir: string
  readonly base: string
  readonly logger: GatewayLog
  /** The fleet's lists and DNS answers; used when the configuration has no protection. */
  readonly shared: Pick<SharedState, "lists" | "dnsCache">
}

/** The proxies' own classifier for a configuration without the SMTP side's protection. */
const ownClassifier = (
  config: GatewayConfig.Config,
  services: JudgementServices
): Classifier.ClassifierRuntime | undefined =>
  config.classifier.enabled
    ? // No auto-learning from downloads: a message a client fetches has no verdict the gateway acts on.
      Classifier.setup(
        { ...config.classifier, autolearn: undefined },
        {
          dataDir: services.dataDir,
          // The antispam package reports free text (what loaded, what failed).
          log: services.logger.lines("info"),
          store: tokenStore(stateSettings(config.state, services.base))
        }
      )
    : undefined

/**
 * The judgement of downloads under `config`: on `protection`'s resolver, lists and classifier
 * when SMTP has one, else on its own. A model that cannot be loaded throws, and nothing stays open.
 */
export const buildClientJudgement = (
  config: GatewayConfig.Config,
  antispam: GatewayConfig.AntispamConfig,
  protection: Protection | undefined,
  services: JudgementServices
): ClientJudgement => {
  const own = protection === undefined ? ownClassifier(config, services) : undefined
  const stage = protection === undefined ? own?.stage : protection.classifierStage
  const dns =
    protection === undefined
      ? resolver(antispam.dns, { limits: config.state.dnsCache, shared: services.shared.dnsCache })
      : undefined
  try {
    const lists =
      protection?.services.lists ??
      (services.shared.lists !== undefined ? ListStore.make(services.shared.lists) : listStore(services.dataDir))
    const module = makeClientAntispam(antispam, {
      dns: protection?.services.dns ?? dns!,
      listStore: lists,
      stages: stage === undefined ? [] : [stage],
      // The antispam package reports free text (lists loaded, health, failures).
      log: services.logger.lines("info")
    })
    return {
      module,
      classifier: stage !== undefined,
      close: async () => {
        await module.close()
        dns?.close()
        await own?.close()
      }
    }
  } catch (error) {
    dns?.close()
    void own?.close()
    throw error
  }
}

/** The judgements of the wirings `handler` swaps in. */
export const judgementSource = (handler: SwappableHandler): JudgementSource => ({
  hold: () => {
    const held = handler.hold()
    return { judgement: held.wiring.clientJudgement, release: held.release }
  },
  current: () => handler.current().clientJudgement,
  onChange: (f) =>
    handler.watch((next, previous) => {
      if (next.clientJudgement !== previous.clientJudgement) f()
    })
})
