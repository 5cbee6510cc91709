/**
 * The quarantine in Redis, for several gateway nodes sharing one Redis: any node (or the CLI on
 * any machine) can list, release or confirm what any node quarantined, because the message
 * bytes are in Redis too, not on the node that received them.
 *
 * Keys, all under the stem `<s>` = `{<prefix>quarantine}` (one Cluster hash slot, because a put,
 * a remove and a release touch an entry and the index together):
 * - `<s>:meta:<id>` hash: `json` (the `QuarantineMeta` without `confirmedAt` and `virusFound`),
 *   `confirmedAt`, `virusFound` (JSON)
 * - `<s>:msg:<id>` string: the message bytes
 * - `<s>:index` sorted set: id scored by the store time (ms), for newest-first paging
 * - `<s>:received`, `<s>:rcpt:<recipient>`, `<s>:rows`: the listing's other indexes
 *   (`RedisQuarantineIndex.ts`), so a filtered page reads its own entries only
 * A put writes the entry and every index in one MULTI/EXEC, so no reader sees half an entry;
 * remove deletes them the same way (one script).
 * - `<s>:claim:<id>` string: who is releasing the entry, then for a while that it was released
 *   (`RedisReleaseClaim.ts`), so one of several concurrent releases delivers
 *
 * **Gotchas**
 * - The message is gathered in memory before the MULTI (Redis has no streaming SET); the gateway
 *   bounds message size (`smtp.maxMessageSizeKB`). Reads stream in 1 MiB GETRANGE slices.
 * - Unlike the temporary-rejection records, this is not soft state: Redis must be configured to
 *   persist (AOF or RDB) if quarantined mail must survive a Redis restart.
 * - Commands fail within the connection's deadlines when Redis is unreachable or paused
 *   (`Unavailable`): the gateway then answers 4xx for a message it wanted to quarantine, so
 *   nothing is lost.
 * - On a Cluster the whole quarantine lives on the shard owning its slot.
 *
 * @category services
 * @since 0.1.0
 */
import type {
  QuarantineListOptions as ListOptions,
  QuarantineListPage as ListPage,
  QuarantineMeta,
  QuarantineStoreShape
} from "@mailmoat/core"
import { Quarantine, QuarantineStore } from "@mailmoat/core"
import { Effect, Layer } from "effect"
import { acquire, type RedisConnection, type RedisConnectionOptions } from "./RedisConnection.ts"
import * as Index from "./RedisQuarantineIndex.ts"
import { claim } from "./RedisReleaseClaim.ts"
import { tagged } from "./RedisKeys.ts"

export interface RedisQuarantineOptions {
  /**
   * Replicas a stored message must reach (Redis WAIT) before `put` succeeds; fewer in time is
   * `Unavailable`, so the gateway answers 4xx. 0 (default) does not wait. With Sentinel, 1 keeps
   * a failover from losing a message the gateway already took (replication is asynchronous).
   */
  readonly waitReplicas?: number | undefined
  readonly now?: (() => number) | undefined
  /** Entries one listing script looks at before it hands back (default `RedisQuarantineIndex.BUDGET`). */
  readonly scriptBudget?: number | undefined
}

const SLICE = 1024 * 1024

// Sets a field (confirmedAt, virusFound) only on an entry that exists (a concurrent remove must
// not resurrect it).
const SET_FIELD = `if redis.call('EXISTS', KEYS[1]) == 1 then redis.call('HSET', KEYS[1], ARGV[1], ARGV[2]) return 1 else return 0 end`

// KEYS: meta, msg, then the entry's indexes. ARGV: id. Returns what was deleted (0: no entry).
const REMOVE = `
local n = redis.call('DEL', KEYS[1], KEYS[2]) + redis.call('ZREM', KEYS[3], ARGV[1])
${Index.unindexLua(3, "ARGV[1]")}
return n`

/** Times a page is asked again after it found entries its index still named. */
const HEAL_ATTEMPTS = 2

/** The store on `connection`; `close` closes that connection handle. */
export const make = (connection: RedisConnection, options: RedisQuarantineOptions = {}): QuarantineStoreShape => {
  const stem = tagged(connection.keyPrefix, "quarantine")
  const now = options.now ?? Date.now
  const client = connection.client
  const metaKey = (id: string) => `${stem}:meta:${Quarantine.checkId(id)}`
  const msgKey = (id: string) => `${stem}:msg:${Quarantine.checkId(id)}`
  const keys = Index.keysOf(stem)
  const indexKey = keys.stored
  const describe = connection.describe

  const call = async <A>(what: string, f: () => Promise<A>, id?: string): Promise<A> => {
    try {
      return await connection.call(what, f)
    } catch (e) {
      const cause = (e as { cause?: unknown }).cause ?? e
      if (cause instanceof Quarantine.QuarantineError) throw cause
      throw new Quarantine.QuarantineError(
        "Unavailable",
        `quarantine (${describe}): ${what}: ${(cause as Error).message}`,
        id,
        e
      )
    }
  }
  const notFound = (id: string) =>
    new Quarantine.QuarantineError("NotFound", `no quarantined message with id ${id}`, id)

  const decode = (id: string, h: Record<string, string>): QuarantineMeta => {
    let meta: QuarantineMeta
    try {
      meta = JSON.parse(h.json ?? "") as QuarantineMeta
    } catch (e) {
      throw new Quarantine.QuarantineError("Corrupt", `quarantine: metadata of ${id} is not valid JSON`, id, e)
    }
    let virusFound: QuarantineMeta["virusFound"]
    try {
      virusFound = h.virusFound ? (JSON.parse(h.virusFound) as QuarantineMeta["virusFound"]) : undefined
    } catch (e) {
      throw new Quarantine.QuarantineError("Corrupt", `quarantine: the virus record of ${id} is not valid JSON`, id, e)
    }
    return {
      ...meta,
      ...(h.confirmedAt ? { confirmedAt: h.confirmedAt } : {}),
      ...(virusFound ? { virusFound } : {})
    }
  }

  // A pipeline whose keyed command routes the WAIT to the node (Cluster shard) holding the entry.
  const waitReplicas = options.waitReplicas ?? 0
  const replicated = async (id: string): Promise<void> => {
    const waitMillis = Math.max(1, Math.floor(connection.commandTimeoutMillis / 2))
    const result = await call(
      "waiting for replicas",
      () => client.pipeline().zscore(indexKey, id).wait(waitReplicas, waitMillis).exec(),
      id
    )
    const reached = Number(result?.[1]?.[1] ?? 0)
    if (reached < waitReplicas) {
      // Not taken after all (the sender retries): best effort, so the retry leaves no duplicate.
      await removeEntry(id).catch(() => undefined)
      throw new Quarantine.QuarantineError(
        "Unavailable",
        `quarantine (${describe}): ${id} reached ${reached} of ${waitReplicas} replicas in ${waitMillis} ms`,
        id
      )
    }
  }

  /** The entry's recipients as its indexes hold them (its row, else its metadata). */
  const recipientsOf = async (id: string): Promise<ReadonlyArray<string>> => {
    const [row, json] = (await client.pipeline().hget(keys.rows, id).hget(metaKey(id), "json").exec()) ?? []
    const fromRow = typeof row?.[1] === "string" ? Index.recipientsOfRow(row[1]) : undefined
    if (fromRow) return fromRow
    const meta = typeof json?.[1] === "string" ? parsed(id, json[1]) : undefined
    return meta ? Index.entryOf(id, 0, meta).recipients : []
  }

  /** Deletes the entry and its index entries in one script; the number of keys deleted. */
  const removeEntry = async (id: string): Promise<number> => {
    const indexes = Index.indexKeys(keys, await recipientsOf(id))
    const k = [metaKey(id), msgKey(id), ...indexes]
    return Number(await client.eval(REMOVE, k.length, ...k, id))
  }

  const parsed = (id: string, json: string | null): QuarantineMeta | undefined => {
    try {
      return json === null ? undefined : decode(id, { json })
    } catch {
      return undefined
    }
  }

  /** Metadata of `ids` in order; `missing` for an entry that is gone, undefined for a damaged one. */
  const metasOf = async (ids: ReadonlyArray<string>): Promise<Array<QuarantineMeta | "missing" | undefined>> => {
    if (ids.length === 0) return []
    const hashes = await call("listing", async () => {
      const pipe = client.pipeline()
      for (const id of ids) pipe.hgetall(metaKey(id))
      return (await pipe.exec()) ?? []
    })
    return ids.map((id, i) => {
      const h = hashes[i]?.[1] as Record<string, string> | undefined
      if (!h || Object.keys(h).length === 0) return "missing"
      try {
        return decode(id, h)
      } catch {
        return undefined // a damaged entry must not hide the others; `show` on it reports the damage
      }
    })
  }

  /** Every entry (or `ids`), paged as `pageOf` does: where the indexes cannot answer. */
  const loaded = async (o: ListOptions, ids?: ReadonlyArray<string>) => {
    const all = ids ?? (await call("listing", () => client.zrevrange(indexKey, 0, -1)))
    const metas = await metasOf(all)
    return Quarantine.pageOf(
      metas.filter((m): m is QuarantineMeta => typeof m === "object"),
      o
    )
  }

  /** True when the indexes cover every entry, rebuilt first when they do not (false: another process rebuilds). */
  const indexed = async (): Promise<boolean> => {
    if (await call("listing", () => Index.current(client, keys))) return true
    const done = await call("indexing the quarantine", () =>
      Index.rebuild(client, keys, metaKey, (id, json) => parsed(id, json))
    )
    return done && (await call("listing", () => Index.current(client, keys)))
  }

  /** A filtered or receipt-ordered page from the indexes; entries found gone are forgotten and the page asked again. */
  const indexedPage = async (o: ListOptions): Promise<ListPage> => {
    const plan = Index.planOf(keys, o)
    if (!(await indexed())) return loaded(o)
    if (plan === undefined) {
      // The store order for one recipient: that recipient's entries, read and paged here.
      const recipient = o.filter?.recipient
      if (!recipient) return loaded(o)
      return loaded(o, await call("listing", () => client.zrange(keys.recipient(recipient.toLowerCase()), 0, -1)))
    }
    for (let attempt = 0; ; attempt++) {
      const { total, ids } = await call("listing", () => Index.walk(client, keys, plan, options.scriptBudget))
      const metas = await metasOf(ids)
      const gone = ids.filter((_, i) => metas[i] === "missing")
      if (gone.length === 0 || attempt === HEAL_ATTEMPTS)
        return { total, entries: metas.filter((m): m is QuarantineMeta => typeof m === "object") }
      await call("listing", () => Index.forget(client, keys, metaKey, gone))
    }
  }

  const setField = async (id: string, what: string, field: string, value: string): Promise<void> => {
    const ok = await call(what, () => client.eval(SET_FIELD, 1, metaKey(id), field, value), id)
    if (Number(ok) !== 1) throw notFound(id)
  }

  const readMeta = async (id: string): Promise<QuarantineMeta> => {
    const h = await call("reading metadata", () => client.hgetall(metaKey(id)), id)
    if (!h || Object.keys(h).length === 0) throw notFound(id)
    return decode(id, h)
  }

  const store: QuarantineStoreShape = {
    describe,

    put: async (entry) => {
      const parts: Array<Uint8Array> = []
      let size = 0
      for await (const c of Quarantine.toStream(entry.message)()) {
        parts.push(c)
        size += c.length
      }
      const bytes = Buffer.concat(parts, size)
      const id = Quarantine.newId(now())
      const envelope = Quarantine.storeEnvelope(entry.envelope)
      const meta: QuarantineMeta = {
        id,
        storedAt: new Date(now()).toISOString(),
        envelope,
        recipients: [...(entry.recipients ?? envelope.rcptTo)],
        reason: entry.reason,
        ...(entry.verdict ? { verdict: Quarantine.summarise(entry.verdict) } : {}),
        size,
        ...Quarantine.headerSummary(bytes.subarray(0, Quarantine.HEAD_BYTES))
      }
      const stored = Date.parse(meta.storedAt)
      const result = await call(
        "storing a message",
        () =>
          Index.addTo(
            client
              .multi()
              .set(msgKey(id), bytes)
              .hset(metaKey(id), "json", JSON.stringify(meta))
              .zadd(indexKey, stored, id),
            keys,
            Index.entryOf(id, stored, meta)
          ).exec(),
        id
      )
      const failed = result?.find(([err]) => err !== null)
      if (!result || failed)
        throw new Quarantine.QuarantineError(
          "Unavailable",
          `quarantine (${describe}): storing ${id} failed: ${failed?.[0]?.message ?? "transaction aborted"}`,
          id
        )
      if (waitReplicas > 0) await replicated(id)
      return id
    },

    list: async (o = {}) => {
      if (o.filter !== undefined || o.after !== undefined || o.order === "received") return indexedPage(o)
      const offset = Math.max(0, o.offset ?? 0)
      const limit = Math.max(0, o.limit ?? 50)
      const [total, ids] = await call("listing", async () => {
        const total = await client.zcard(indexKey)
        const ids = limit === 0 ? [] : await client.zrevrange(indexKey, offset, offset + limit - 1)
        return [total, ids] as const
      })
      const metas = await metasOf(ids)
      return { total, entries: metas.filter((m): m is QuarantineMeta => typeof m === "object") }
    },

    get: async (id) => {
      const meta = await readMeta(id)
      const key = msgKey(id)
      const stream = async function* (): AsyncIterable<Uint8Array> {
        const length = await call("reading a message", () => client.strlen(key), id)
        if (length === 0 && meta.size > 0) throw notFound(id)
        for (let start = 0; start < length; start += SLICE) {
          const end = Math.min(length, start + SLICE) - 1
          yield await call("reading a message", () => client.getrangeBuffer(key, start, end), id)
        }
      }
      return { meta, stream }
    },

    remove: async (id) => {
      Quarantine.checkId(id)
      const removed = await call("removing", () => removeEntry(id), id)
      if (removed === 0) throw notFound(id)
    },

    markConfirmed: async (id) => {
      await setField(id, "confirming", "confirmedAt", new Date(now()).toISOString())
      return readMeta(id)
    },

    markVirusFound: async (id, signature) => {
      const virusFound = { signature, at: new Date(now()).toISOString() }
      await setField(id, "recording a virus in", "virusFound", JSON.stringify(virusFound))
      return readMeta(id)
    },

    claim: async (id) => {
      Quarantine.checkId(id)
      const indexes = Index.indexKeys(keys, await call("claiming", () => recipientsOf(id), id))
      return claim(
        client,
        call,
        { claim: `${stem}:claim:${id}`, meta: metaKey(id), msg: msgKey(id), indexes },
        id,
        now()
      )
    },

    close: () => connection.close()
  }
  return store
}

/** A layer providing core's `QuarantineStore` with the Redis store on the process's shared connection for `options`. */
export const layer = (options: RedisConnectionOptions): Layer.Layer<QuarantineStore> =>
  Layer.effect(
    QuarantineStore,
    Effect.acquireRelease(
      Effect.sync(() => make(acquire(options))),
      (store) => Effect.promise(() => store.close())
    )
  )
