/**
 * The gateway's protection: the server antispam module built from the configuration, with the
 * state store the configuration names (embedded memory, or Redis shared by several gateways),
 * the imported lists under the data directory, and the content classifier stage (the shipped
 * model, a configured one, or the last verified download). `evaluate` turns the spooled message's scan view into a core `Message` and asks
 * the module for one outcome per recipient.
 *
 * **Gotchas**
 * - The module never fails (a failing stage is a symbol, a failing module answers tempfail), so
 *   `evaluate` only rejects on a bug; the SMTP handler answers 451 then.
 * - With `state.backend: redis` an unreachable Redis never stops mail: the temporary-rejection
 *   step fails open, logged and counted.
 *
 * @category constructors
 * @since 0.1.0
 */
import { type AntispamInput, Classifier, ListStore, makeServerAntispam, type ServerAntispam } from "@mailmoat/antispam"
import type { BlocklistProvider, Envelope, Stage } from "@mailmoat/core"
import { MessageModel } from "@mailmoat/core"
import type { Smtp } from "@mailmoat/protocols"
import { Effect } from "effect"
import type { Evaluate } from "./GatewayHandler.ts"
import { type SharedState, sharedDirectory } from "./SharedState.ts"
import { type DnsCacheSettings, listStore, resolver, type StateSettings, tempRejectStore, tokenStore } from "./StateStores.ts"

export type { StateSettings } from "./StateStores.ts"

export interface ProtectionSettings {
  readonly dataDir: string
  /** `smtp.hostname`: our authserv-id in Authentication-Results. */
  readonly hostname: string
  readonly antispam: AntispamInput
  readonly state: StateSettings
  /** The `classifier` section; `enabled: false` runs without the content classifier. */
  readonly classifier: Classifier.ClassifierInput & { readonly enabled?: boolean | undefined }
  /** Extra data-phase stages (plugins). */
  readonly stages?: ReadonlyArray<Stage> | undefined
  /** Plugin blocklist providers (the module's plugin-lists stage). */
  readonly providers?: ReadonlyArray<BlocklistProvider> | undefined
  /** Addresses of this gateway besides the connection's local address (Received walk). */
  readonly ownAddresses?: ReadonlyArray<string> | undefined
  /** How often list health is probed (ms; 0 = never). */
  readonly healthIntervalMillis?: number | undefined
  /** The fleet's shared state (DNS cache, lists, directory); absent: files and this process's memory. */
  readonly shared?: SharedState | undefined
  /** `state.dnsCache`. */
  readonly dnsCache?: DnsCacheSettings["limits"]
}

export interface Protection {
  readonly evaluate: Evaluate
  readonly module: ServerAntispam
  /** The classifier stage (shared with the IMAP/POP3 client protection), when enabled. */
  readonly classifierStage?: Stage | undefined
  readonly status: () => Readonly<Record<string, unknown>>
  readonly close: () => Promise<void>
}

export const startProtection = (settings: ProtectionSettings, log: (line: string) => void): Protection => {
  const stateStore = tempRejectStore(settings.state)
  const classifier =
    settings.classifier.enabled === false ? undefined : Classifier.setup(settings.classifier, { dataDir: settings.dataDir, log, store: tokenStore(settings.state) })
  const module = makeServerAntispam(settings.antispam, {
    dns: resolver(settings.antispam.dns?.servers, { limits: settings.dnsCache, shared: settings.shared?.dnsCache }),
    stateStore,
    listStore: settings.shared?.lists !== undefined ? ListStore.make(settings.shared.lists) : listStore(settings.dataDir),
    directory: sharedDirectory(settings.shared),
    stages: [...(classifier ? [classifier.stage] : []), ...(settings.stages ?? [])],
    providers: settings.providers,
    ownAddresses: settings.ownAddresses,
    ...(settings.healthIntervalMillis !== undefined ? { healthIntervalMillis: settings.healthIntervalMillis } : {}),
    authservId: settings.hostname,
    log
  })
  const evaluate: Evaluate = (envelope: Envelope.Envelope, spool: Smtp.Spool) =>
    Effect.runPromise(module.evaluate(MessageModel.fromBytes(spool.head, { envelope, size: spool.size })))
  return {
    evaluate,
    module,
    classifierStage: classifier?.stage,
    status: () => {
      const s = module.status()
      const model = classifier ? { classifier: { model: classifier.modelPath, ...(classifier.updater ? { updates: classifier.updater.status() } : {}) } } : { classifier: "off" }
      return { state: s.state, ...s.modules, ...model, lists: s.lists, counters: s.counters }
    },
    close: async () => {
      await module.close()
      await classifier?.close()
      await stateStore?.close()
    }
  }
}
