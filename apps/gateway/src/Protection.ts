/**
 * The gateway's protection: the server antispam module built from the configuration, on the
 * engine's services from the context (`StateStores.layer`: the resolver, the temporary-rejection
 * and learned-count stores, embedded or Redis shared by several gateways, and the imported
 * lists), with the content classifier stage (the shipped
 * model, a configured one, or the last verified download). `evaluate` turns the spooled message's
 * scan view into a core `Message` and asks the module for one outcome per recipient, with what
 * the session's connect, mail and rcpt phases gave (the module's `engine` runs those).
 *
 * **Gotchas**
 * - The module never fails (a failing stage is a symbol, a failing module answers tempfail), so
 *   `evaluate` only throws or rejects on a bug; the SMTP handler answers 451 then.
 * - With `state.backend: redis` an unreachable Redis never stops mail: the temporary-rejection
 *   step fails open, logged and counted.
 *
 * @category constructors
 * @since 0.1.0
 */
import type { GatewayLog } from "./Log.ts"
import {
  type AntispamInput,
  Classifier,
  ListStore,
  makeServerAntispam,
  type Reputation,
  type ServerAntispam
} from "@mailmoat/antispam"
import type {
  BlocklistProvider,
  DnsShape,
  Engine,
  Envelope,
  Stage,
  TempRejectStoreShape,
  TokenStoreShape
} from "@mailmoat/core"
import { DnsService, ListDocuments, MessageModel, TempRejectStore, TokenStore } from "@mailmoat/core"
import type { Smtp } from "@mailmoat/protocols"
import { Context, Effect } from "effect"
import type { Evaluate } from "./GatewayHandler.ts"
import * as Runner from "./runtime/Runner.ts"
import { type SharedState, sharedDirectory } from "./SharedState.ts"
import type { EngineServices, StateSettings } from "./StateStores.ts"

export type { StateSettings } from "./StateStores.ts"

export interface ProtectionSettings {
  readonly dataDir: string
  /** `smtp.hostname`: our authserv-id in Authentication-Results. */
  readonly hostname: string
  readonly antispam: AntispamInput
  readonly state: StateSettings
  /** The `classifier` section; `enabled: false` runs without the content classifier. */
  readonly classifier: Classifier.ClassifierInput & { readonly enabled?: boolean | undefined }
  /** Extra stages of any phase (plugins). */
  readonly stages?: ReadonlyArray<Stage> | undefined
  /** Plugin blocklist providers (the module's plugin-lists stage). */
  readonly providers?: ReadonlyArray<BlocklistProvider> | undefined
  /** Addresses of this gateway besides the connection's local address (Received walk). */
  readonly ownAddresses?: ReadonlyArray<string> | undefined
  /** How often list health is probed (ms; 0 = never). */
  readonly healthIntervalMillis?: number | undefined
  /** The fleet's shared state (its recipient directory); absent: the directory file. */
  readonly shared?: SharedState | undefined
  /** Reputation counts (Redis, the primary's or this process's memory); absent: the module's own memory. */
  readonly reputation?: Reputation.ReputationStoreShape | undefined
}

export interface Protection {
  readonly evaluate: Evaluate
  readonly module: ServerAntispam
  /** The classifier stage (shared with the IMAP/POP3 client protection), when enabled. */
  readonly classifierStage?: Stage | undefined
  /**
   * The resolver and the imported lists the module asks: the IMAP/POP3 client protection of the
   * same configuration asks them too, so a download is judged with SMTP's answers.
   */
  readonly services: { readonly dns: DnsShape; readonly lists: ListStore.ListStore }
  readonly status: () => Readonly<Record<string, unknown>>
  readonly close: () => Promise<void>
}

/** Builds the protection on the engine's services; the stores themselves close with their layer. */
export const startProtection = (
  settings: ProtectionSettings,
  logger: GatewayLog
): Effect.Effect<Protection, never, EngineServices> =>
  Effect.gen(function* () {
    const dns = yield* DnsService
    const stateStore = yield* TempRejectStore
    const tokens = yield* TokenStore
    const documents = yield* ListDocuments
    // The antispam package reports free text (lists loaded, health, failures).
    return build(settings, { dns, stateStore, tokens, lists: ListStore.make(documents) }, logger.lines("info"))
  })

interface Services {
  readonly dns: DnsShape
  readonly stateStore: TempRejectStoreShape
  readonly tokens: TokenStoreShape
  readonly lists: ListStore.ListStore
}

const build = (settings: ProtectionSettings, services: Services, log: (line: string) => void): Protection => {
  const classifier =
    settings.classifier.enabled === false
      ? undefined
      : Classifier.setup(settings.classifier, { dataDir: settings.dataDir, log, store: services.tokens })
  const module = makeServerAntispam(settings.antispam, {
    dns: services.dns,
    stateStore: services.stateStore,
    reputationStore: settings.reputation,
    listStore: services.lists,
    directoryDocument: sharedDirectory(settings.shared),
    stages: [...(classifier ? [classifier.stage] : []), ...(settings.stages ?? [])],
    providers: settings.providers,
    ownAddresses: settings.ownAddresses,
    ...(settings.healthIntervalMillis !== undefined ? { healthIntervalMillis: settings.healthIntervalMillis } : {}),
    authservId: settings.hostname,
    log
  })
  // The data phase runs on the default services, as `Effect.runPromise` would, without its
  // promise chain: the outcomes at once when every stage answered at once, else one promise.
  const run = Runner.make(Context.empty())
  // The message's parsed parts are dropped once the phase is done: nothing reads them later, and
  // old objects that are dead but not yet collected can keep the message reachable for the next
  // young-generation collections, which would copy all of it (`MessageModel.release`).
  const evaluate: Evaluate = (envelope: Envelope.Envelope, spool: Smtp.Spool, earlier?: Engine.Earlier) => {
    const message = MessageModel.fromBytes(spool.head, { envelope, size: spool.size })
    const outcomes = run(module.data(message, earlier))
    if (!(outcomes instanceof Promise)) {
      MessageModel.release(message)
      return outcomes
    }
    return outcomes.finally(() => MessageModel.release(message))
  }
  return {
    evaluate,
    module,
    // The proxies judge downloads, which the gateway never learns: their stage offers nothing.
    classifierStage: classifier?.judgeStage,
    services: { dns: services.dns, lists: services.lists },
    status: () => {
      const s = module.status()
      const model = classifier
        ? {
            classifier: {
              model: classifier.modelPath,
              ...(classifier.updater ? { updates: classifier.updater.status() } : {}),
              ...(classifier.autolearner ? { autolearn: classifier.autolearner.status() } : {})
            }
          }
        : { classifier: "off" }
      return { state: s.state, ...s.modules, ...model, lists: s.lists, counters: s.counters }
    },
    close: async () => {
      await module.close()
      await classifier?.close()
    }
  }
}
