/**
 * The imported lists (end-user blocklist, zones, allowed IPs) and the recipient directory (safe
 * senders) as documents in Redis, with a local copy on every node: the per-message path reads
 * memory only, and an edit on any node (CLI, admin API) reaches every node at once through a
 * pub/sub message that makes each one reload the changed document.
 *
 * Layout: one hash per document, `<prefix>lists:<name>` (fields `text`, `version`); a write is
 * one Lua script (set the text, bump the version) followed by a PUBLISH of the name on
 * `<prefix>lists:events`.
 *
 * **Gotchas**
 * - Pub/sub is fire-and-forget: a node that was disconnected when an edit was published would
 *   miss it, so every (re)subscription reloads every document it holds.
 * - Redis failing never empties a list: the last local copy stays in force (and `lastError`
 *   says why it may be stale). A write that Redis refused is undone locally by a reload, and
 *   `settled()` rejects so the editor hears about it.
 * - The subscriber needs its own connection: a duplicate of the client's (`duplicateOf`) unless one is given.
 *
 * @category services
 * @since 0.1.0
 */
import type { ListDocumentsShape } from "@mailmoat/core"
import { callWithin, type RedisClient } from "./Deadline.ts"
import { duplicateOf } from "./RedisClient.ts"

export interface RedisListDocumentsOptions {
  readonly client: RedisClient
  /** The subscribing connection (default a duplicate of `client`, closed with the store). */
  readonly subscriber?: RedisClient | undefined
  /** Key prefix (`state.keyPrefix`, default `mailmoat:`). */
  readonly prefix?: string | undefined
  /** Documents loaded before `ready` resolves (others load on first use). */
  readonly names: ReadonlyArray<string>
  /** Deadline of each call (ms, default 2000: edits and reloads, never on the message path). */
  readonly timeoutMillis?: number | undefined
  readonly log?: ((line: string) => void) | undefined
}

export interface RedisListDocuments extends ListDocumentsShape {
  /** Resolves once the named documents are loaded (or could not be: then they start empty). */
  readonly ready: Promise<void>
  /** Resolves when every write so far is in Redis and announced; rejects if one was refused. */
  readonly settled: () => Promise<void>
  /** Reloads every document held (done on each resubscription). */
  readonly reload: () => Promise<void>
  readonly lastError: () => string | undefined
  readonly close: () => Promise<void>
}

/** KEYS[1]: the document; ARGV[1]: its new text. Returns the new version. */
const WRITE_SCRIPT = `
redis.call('HSET', KEYS[1], 'text', ARGV[1])
return redis.call('HINCRBY', KEYS[1], 'version', 1)`

export const make = (options: RedisListDocumentsOptions): RedisListDocuments => {
  const { client } = options
  const prefix = options.prefix ?? "mailmoat:"
  const timeout = options.timeoutMillis ?? 2000
  const log = options.log ?? (() => {})
  const channel = `${prefix}lists:events`
  const keyOf = (name: string) => `${prefix}lists:${name}`
  const local = new Map<string, { text: string | undefined; stamp: string | undefined }>()
  let localWrites = 0
  let lastError: string | undefined
  let pending: Array<Promise<void>> = []
  const ownSubscriber = options.subscriber === undefined
  const subscriber = options.subscriber ?? duplicateOf(client)

  const load = async (name: string): Promise<void> => {
    try {
      const h = await callWithin(client, "lists load", timeout, () => client.hgetall(keyOf(name)))
      const text = typeof h.text === "string" ? h.text : undefined
      local.set(name, { text, stamp: text === undefined ? undefined : `v${h.version ?? "0"}` })
    } catch (error) {
      lastError = `lists ${name}: ${(error as Error).message}; keeping the last copy`
      log(lastError)
      if (!local.has(name)) local.set(name, { text: undefined, stamp: undefined })
    }
  }
  const reload = async () => {
    await Promise.all([...local.keys()].map(load))
  }
  subscriber.on("message", (ch: string, name: string) => {
    if (ch === channel && local.has(name)) void load(name)
  })
  // `ready` fires after every (re)connection; ioredis resubscribes by itself, we reload what
  // may have changed while we were not listening.
  let subscribedOnce = false
  subscriber.on("ready", () => {
    if (subscribedOnce) void reload().then(() => log("lists reloaded after reconnecting to redis"))
  })
  subscriber.on("error", () => {})
  const ready = Promise.all([
    callWithin(subscriber, "lists subscribe", timeout, () => subscriber.subscribe(channel)).then(
      () => {
        subscribedOnce = true
      },
      (error: Error) => {
        lastError = `lists: cannot subscribe (${error.message}); edits on other nodes arrive after a reconnection`
        log(lastError)
      }
    ),
    ...options.names.map((n) => {
      local.set(n, { text: undefined, stamp: undefined })
      return load(n)
    })
  ]).then(() => {})

  const entry = (name: string) => {
    const e = local.get(name)
    if (e !== undefined) return e
    local.set(name, { text: undefined, stamp: undefined })
    void load(name)
    return local.get(name)!
  }

  return {
    describe: `redis ${channel}`,
    ready,
    stampIsLocal: true,
    stamp: (name) => entry(name).stamp,
    read: (name) => entry(name).text,
    write: (name, text) => {
      // Applied here at once (this node answers with the new list), then stored and announced.
      const previous = local.get(name)
      local.set(name, { text, stamp: `w${++localWrites}` })
      const stored = callWithin(client, "lists write", timeout, async () => {
        await client.eval(WRITE_SCRIPT, 1, keyOf(name), text)
        await client.publish(channel, name)
      }).catch(async (error: Error) => {
        lastError = `lists ${name}: write refused (${error.message})`
        log(lastError)
        // Back to what Redis holds: the copy before this write, then a reload if Redis answers.
        if (previous !== undefined) local.set(name, { ...previous, stamp: `w${++localWrites}` })
        else local.delete(name)
        await load(name)
        throw error
      })
      stored.catch(() => {}) // handled by `settled()`; a write nobody waits for is logged above
      pending.push(stored)
    },
    settled: async () => {
      const waiting = pending
      pending = []
      await Promise.all(waiting)
    },
    reload,
    lastError: () => lastError,
    close: async () => {
      if (ownSubscriber) subscriber.disconnect()
      else await subscriber.unsubscribe(channel).catch(() => {})
    }
  }
}
