/**
 * The imported lists (end-user blocklist, zones, allowed IPs) and the recipient directory (safe
 * senders) as documents in Redis, with a local copy on every node: the per-message path reads
 * memory only, and an edit on any node (CLI, admin API) reaches every node at once through a
 * pub/sub message that makes each one reload the changed document.
 *
 * Layout: one hash per document, `<prefix>lists:<name>` (fields `text`, `version`, `token`); a
 * write is one Lua script (check the token, set the text and token, bump the version) followed
 * by a PUBLISH of the name on `<prefix>lists:events`.
 *
 * **Gotchas**
 * - Pub/sub is fire-and-forget: a node that was disconnected when an edit was published would
 *   miss it, so every (re)subscription reloads every document it holds.
 * - Redis failing never empties a list: the last local copy stays in force (and `lastError`
 *   says why it may be stale). A write that Redis refused is undone locally by a reload, and
 *   `settled()` rejects so the editor hears about it.
 * - An edit is made on the local copy and written whole, so a write is stored only if Redis
 *   still holds the text that copy was read at: each write stores a token of its own
 *   (`<writer>.<n>`, field `token`) and names the one it expects. Two nodes adding an entry
 *   each at the same moment, or a node whose copy is stale (a load that timed out, a change
 *   message not yet arrived), would otherwise replace the other's entries. A refused write
 *   rejects `settled()` with `ListDocumentChanged` once the copy was read again. A counter
 *   cannot stand in for the token: a node's second write, chained on its first, would expect
 *   the count another node's write reached.
 * - The subscriber needs its own connection: a duplicate of the client's (`duplicateOf`) unless one is given.
 *
 * @category services
 * @since 0.1.0
 */
import { randomBytes } from "node:crypto"
import { type ListDocumentsShape, State } from "@mailmoat/core"
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

/**
 * KEYS[1]: the document; ARGV[1]: its new text; ARGV[2]: the token the writer's copy was read
 * with ("" for no document, or one written before tokens); ARGV[3]: this write's token. Returns
 * the new version, or -1 (nothing written) when the stored token differs.
 */
const WRITE_SCRIPT = `
local stored = redis.call('HGET', KEYS[1], 'token') or ''
if stored ~= ARGV[2] then return -1 end
redis.call('HSET', KEYS[1], 'text', ARGV[1], 'token', ARGV[3])
return redis.call('HINCRBY', KEYS[1], 'version', 1)`

/** The token of a copy that could not be read: never stored, so a write from it is refused (and reads again). */
const UNKNOWN = "?"

interface LocalCopy {
  readonly text: string | undefined
  readonly stamp: string | undefined
  /** The stored token the text goes with (this node's own while its write is on the way). */
  readonly token: string
}

export const make = (options: RedisListDocumentsOptions): RedisListDocuments => {
  const { client } = options
  const prefix = options.prefix ?? "mailmoat:"
  const timeout = options.timeoutMillis ?? 2000
  const log = options.log ?? (() => {})
  const channel = `${prefix}lists:events`
  const keyOf = (name: string) => `${prefix}lists:${name}`
  const local = new Map<string, LocalCopy>()
  /** What Redis is known to hold of each document: the copy a refused write goes back to. */
  const confirmed = new Map<string, LocalCopy>()
  const unread = (): LocalCopy => ({ text: undefined, stamp: undefined, token: UNKNOWN })
  const writer = randomBytes(6).toString("hex")
  let localWrites = 0
  let lastError: string | undefined
  /** Writes not settled yet; each leaves once settled, so every editor waiting sees a refusal. */
  const pending = new Set<Promise<void>>()
  const ownSubscriber = options.subscriber === undefined
  const subscriber = options.subscriber ?? duplicateOf(client)

  const load = async (name: string): Promise<void> => {
    try {
      const h = await callWithin(client, "lists load", timeout, () => client.hgetall(keyOf(name)))
      const text = typeof h.text === "string" ? h.text : undefined
      const copy = { text, stamp: text === undefined ? undefined : `v${h.version ?? "0"}`, token: h.token ?? "" }
      local.set(name, copy)
      confirmed.set(name, copy)
    } catch (error) {
      lastError = `lists ${name}: ${(error as Error).message}; keeping the last copy`
      log(lastError)
      if (!local.has(name)) local.set(name, unread())
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
      local.set(n, unread())
      return load(n)
    })
  ]).then(() => {})

  const entry = (name: string) => {
    const e = local.get(name)
    if (e !== undefined) return e
    local.set(name, unread())
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
      const expected = local.get(name)?.token ?? UNKNOWN
      // The next write on this node builds on this one: it expects this one's token.
      const mine: LocalCopy = { text, stamp: `w${++localWrites}`, token: `${writer}.${localWrites}` }
      local.set(name, mine)
      const stored = callWithin(client, "lists write", timeout, async () => {
        const version = await client.eval(WRITE_SCRIPT, 1, keyOf(name), text, expected, mine.token)
        if (version === -1) throw new State.ListDocumentChanged(name)
        confirmed.set(name, mine)
        await client.publish(channel, name)
      }).catch(async (error: Error) => {
        lastError = `lists ${name}: write refused (${error.message})`
        log(lastError)
        // Back to what Redis was known to hold, then a reload if Redis answers. (Writes chained
        // on this one expect its token, so they are refused too.)
        const known = confirmed.get(name)
        if (known !== undefined) local.set(name, { ...known, stamp: `w${++localWrites}` })
        else local.delete(name)
        await load(name)
        throw error
      })
      pending.add(stored)
      // Handled by `settled()`; a write nobody waits for is logged above.
      stored.then(
        () => pending.delete(stored),
        () => pending.delete(stored)
      )
    },
    settled: async () => {
      await Promise.all([...pending])
    },
    reload,
    lastError: () => lastError,
    close: async () => {
      if (ownSubscriber) subscriber.disconnect()
      else await subscriber.unsubscribe(channel).catch(() => {})
    }
  }
}
