/**
 * The state a fleet of gateways shares beyond the stores of `StateStores`: the DNS answer cache,
 * the rate-limit and AUTH-failure counters, the imported lists with the recipient directory
 * (safe senders), and the quarantine page's login sessions and digest-link key. Embedded
 * (`state.backend: embedded`): rate counters and sessions in memory, DNS cache in each wiring's
 * memory, lists and directory in files, the key in `<dataDir>/digest.key`. Redis: all of them on
 * one connection, the lists loaded before the gateway listens and kept current by change
 * messages.
 *
 * **Gotchas**
 * - Opened once per process (not per configuration reload): a reload keeps the counters and
 *   the lists' subscription.
 * - With Redis the recipient directory is the `directory` document; the first gateway to start
 *   with an empty one seeds it from `antispam.bypass.directory` when that file exists.
 * - Failures: a DNS cache failure means "ask DNS", a counter failure lets the attempt through
 *   (logged), a list failure keeps the last copy (docs/scale-out.md).
 *
 * @category constructors
 * @since 0.1.0
 */
import { existsSync, readFileSync } from "node:fs"
import { join, resolve } from "node:path"
import { ListFile, RecipientDirectory, Reputation } from "@mailmoat/antispam"
import { type DnsCacheStore, type ListDocumentsShape, type RateCounterShape, State } from "@mailmoat/core"
import { FileListDocuments } from "@mailmoat/platform-node"
import type { Smtp } from "@mailmoat/protocols"
import {
  RedisAuthFailureStore,
  RedisConnection,
  RedisDigestLedger,
  RedisDnsCacheStore,
  RedisExpiringValues,
  RedisListDocuments,
  RedisRateCounter
} from "@mailmoat/redis"
import type { GatewayLog } from "./Log.ts"
import type { GatewaySettings } from "./Settings.ts"
import type { StateSettings } from "./StateStores.ts"

export interface SharedStateSettings {
  /** `state`, resolved (`StateStores.stateSettings`): how to reach Redis, secrets read. */
  readonly state: StateSettings
  /** `antispam.bypass.directory` (absolute), the seed of the shared directory. */
  readonly directoryFile?: string | undefined
}

/** The shared state's settings from the gateway's: `state`, and the directory file to seed from. */
export const sharedStateSettings = (s: GatewaySettings, base: string): SharedStateSettings => {
  const directory = s.config.antispam.bypass.directory
  return { state: s.state, directoryFile: directory === undefined ? undefined : resolve(base, directory) }
}

/** The recipient directory's document name in the shared list store. */
export const DIRECTORY_DOCUMENT = "directory"

export interface SharedState {
  readonly backend: "embedded" | "redis"
  /** The fleet's DNS answer cache; undefined when embedded (each wiring keeps its own). */
  readonly dnsCache?: DnsCacheStore | undefined
  readonly rateCounter: RateCounterShape
  /** AUTH failures across the fleet; undefined when embedded (the listener's memory store). */
  readonly authFailures?: Smtp.AuthFailureStore | undefined
  /** Lists and directory in Redis; undefined when embedded (files). */
  readonly lists?: RedisListDocuments.RedisListDocuments | undefined
  /** The quarantine page's sessions and digest-link key in Redis; undefined when embedded. */
  readonly web?: SharedWeb | undefined
  /**
   * Embedded: this process's reputation memory, made on first use with the configuration's
   * `maxEntries` and kept across reloads (a reload's cap applies); undefined with Redis.
   */
  readonly reputation?: ((maxEntries: number) => Reputation.ReputationStoreShape) | undefined
  /** Keys that memory holds (0 before its first use); undefined with Redis. */
  readonly reputationSize?: (() => number) | undefined
  readonly close: () => Promise<void>
}

export interface SharedWeb {
  readonly sessions: RedisExpiringValues.RedisExpiringValues
  /** The fleet's digest-link key (made by the first node that needs it). */
  readonly digestKey: () => Promise<Buffer>
  /** What the fleet's digest runs sent, and the lease of the one running. */
  readonly digestLedger: RedisDigestLedger.RedisDigestLedger
}

/** Sessions, the digest key and the digest ledger over one Redis client. */
const sharedWeb = (client: RedisConnection.RedisConnection["client"], prefix: string): SharedWeb => {
  let key: Promise<Buffer> | undefined
  return {
    sessions: RedisExpiringValues.make({ client, prefix, area: "websession" }),
    digestLedger: RedisDigestLedger.make({ client, prefix }),
    digestKey: () => {
      // Asked once; a failure is not kept, so the next request asks again.
      key ??= RedisExpiringValues.secret({ client, prefix, name: "digest-key", bytes: 32 }).catch((e: unknown) => {
        key = undefined
        throw e
      })
      return key
    }
  }
}

/** One memory store for the process's life, resized to each configuration's cap. */
const keptReputation = () => {
  let store: Reputation.MemoryReputationStore.MemoryReputationStore | undefined
  return {
    reputation: (maxEntries: number): Reputation.ReputationStoreShape => {
      store ??= Reputation.MemoryReputationStore.make(maxEntries)
      store.resize(maxEntries)
      return store
    },
    reputationSize: () => store?.size() ?? 0
  }
}

export const embedded = (): SharedState => ({
  backend: "embedded",
  rateCounter: State.makeMemoryRateCounter(),
  ...keptReputation(),
  close: async () => {}
})

export const openSharedState = async (settings: SharedStateSettings, logger: GatewayLog): Promise<SharedState> => {
  const options = settings.state.backend === "redis" ? settings.state.redis : undefined
  if (options === undefined) return embedded()
  // A handle on the process's one connection (standalone, TLS, ACL, Sentinel or Cluster).
  const connection = RedisConnection.acquire(options)
  const { client, keyPrefix: prefix } = connection
  const lists = RedisListDocuments.make({
    client,
    prefix,
    names: [...ListFile.listKinds, DIRECTORY_DOCUMENT],
    log: (line) => logger.warn("shared_lists", { detail: line })
  })
  await lists.ready
  seedDirectory(lists, settings.directoryFile, logger)
  return {
    backend: "redis",
    dnsCache: RedisDnsCacheStore.make({
      client,
      prefix,
      onError: (error, operation) => logger.debug("dns_cache_failed", { operation, error: String(error) })
    }),
    rateCounter: RedisRateCounter.make({ client, prefix }),
    authFailures: RedisAuthFailureStore.make({ client, prefix }),
    lists,
    web: sharedWeb(client, prefix),
    close: async () => {
      await lists.close()
      await connection.close()
    }
  }
}

/**
 * The quarantine page's shared sessions, digest key and digest ledger alone, for a command that
 * sends the digest (`mailmoat quarantine digest`): undefined when the state is embedded; `close`
 * when done.
 */
export const openSharedWeb = (
  state: StateSettings
): (SharedWeb & { readonly close: () => Promise<void> }) | undefined => {
  if (state.backend !== "redis" || state.redis === undefined) return undefined
  const connection = RedisConnection.acquire(state.redis)
  return { ...sharedWeb(connection.client, connection.keyPrefix), close: () => connection.close() }
}

/**
 * The list documents the CLI edits (`mailmoat lists import|export`): files under
 * `<dataDir>/lists`, or the shared store in Redis (loaded; `close` when done).
 */
export const openListDocuments = async (
  state: StateSettings,
  dataDir: string
): Promise<{ readonly documents: ListDocumentsShape; readonly where: string; readonly close: () => Promise<void> }> => {
  if (state.backend !== "redis" || state.redis === undefined) {
    const dir = join(dataDir, "lists")
    return { documents: FileListDocuments.make(dir), where: dir, close: async () => {} }
  }
  const connection = RedisConnection.acquire(state.redis)
  const documents = RedisListDocuments.make({
    client: connection.client,
    prefix: connection.keyPrefix,
    names: [...ListFile.listKinds]
  })
  await documents.ready
  return {
    documents,
    where: `redis (prefix ${connection.keyPrefix})`,
    close: async () => {
      await documents.close()
      await connection.close()
    }
  }
}

/** An empty shared directory takes the configured file's text (once, by the first node up). */
const seedDirectory = (
  lists: RedisListDocuments.RedisListDocuments,
  file: string | undefined,
  logger: GatewayLog
): void => {
  if (file === undefined || lists.read(DIRECTORY_DOCUMENT) !== undefined || !existsSync(file)) return
  const text = readFileSync(file, "utf8")
  RecipientDirectory.parseDirectory(text) // a broken file refuses the start, as it does without Redis
  lists.write(DIRECTORY_DOCUMENT, text)
  logger.info("shared_directory_seeded", { file })
}

/** Where the antispam module reads the recipient directory with Redis: the shared document. */
export const sharedDirectory = (shared: SharedState | undefined): RecipientDirectory.DirectoryDocument | undefined =>
  shared?.lists === undefined ? undefined : { documents: shared.lists, name: DIRECTORY_DOCUMENT }
