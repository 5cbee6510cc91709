/**
 * Reputation counts in Redis, shared by every gateway pointing at the same server: a source
 * that spreads its mail over the fleet has one history.
 *
 * One hash per key and bucket width, `<prefix>reputation:<bucketSeconds>:<key>` (no hash tag:
 * the keys spread over a Cluster's shards), fields `h<bucket>` and `s<bucket>` (messages
 * judged ham and spam in that time bucket). Counting is HINCRBY, so gateways counting at once
 * never lose an update (no read-modify-write); each write also drops the fields that have left
 * the window (HDEL) and sets the key's expiry to the window's length, so an idle key vanishes
 * and an active one holds at most `2 x keep` fields. A message's keys are read or counted in one
 * pipeline (one round trip); on a Cluster, where keys of different slots cannot share a
 * pipeline, as concurrent commands.
 *
 * An admin's reset deletes a key's hash (`forget`, DEL). An admin's listing walks the keys with
 * SCAN over the store's own key pattern (`list`: at most `MAX_SCANS` SCANs of COUNT
 * `SCAN_COUNT` per page, then one HGETALL pipeline for what they found), never KEYS; the cursor
 * is SCAN's. Not on a Cluster, where SCAN runs per shard and one cursor cannot say where.
 *
 * Calls run within the connection's deadlines: Redis down or paused fails the call quickly,
 * and the stage scores without reputation (the update is skipped).
 *
 * @category services
 * @since 0.1.0
 */
import { isCluster, type RedisClient } from "./RedisClient.ts"
import type { RedisConnection } from "./RedisConnection.ts"
import { key as keyOf } from "./RedisKeys.ts"

/** A key's counts in one time bucket: [bucket, ham, spam]. */
export type Bucket = readonly [bucket: number, ham: number, spam: number]

/** The buckets in force (the `Window` of `@mailmoat/antispam`'s reputation store contract). */
export interface Window {
  readonly bucket: number
  readonly keep: number
  readonly bucketSeconds: number
}

export interface RedisReputationStore {
  readonly describe: string
  readonly lookup: (keys: ReadonlyArray<string>, window: Window) => Promise<ReadonlyArray<ReadonlyArray<Bucket>>>
  readonly record: (keys: ReadonlyArray<string>, label: "ham" | "spam", window: Window) => Promise<void>
  /** Deletes the keys' hashes of `window`'s bucket width (DEL); resolves with how many existed. */
  readonly forget: (keys: ReadonlyArray<string>, window: Window) => Promise<number>
  /**
   * About `sample` keys of `window`'s width whose name starts with `prefix` (`ip:`…), with their
   * buckets, from SCAN cursor `cursor`; `next` is SCAN's cursor, undefined when it is back at 0.
   */
  readonly list: (
    query: { readonly prefix: string; readonly cursor?: string | undefined; readonly sample: number },
    window: Window
  ) => Promise<{
    readonly keys: ReadonlyArray<{ readonly key: string; readonly buckets: ReadonlyArray<Bucket> }>
    readonly next: string | undefined
  }>
  readonly close: () => Promise<void>
}

/** Slots a listing's SCAN asks Redis to look at per call. */
export const SCAN_COUNT = 250
/** SCAN calls per listing page at most, so a page is bounded work whatever the key space holds. */
export const MAX_SCANS = 8

/** `text` matched literally by a SCAN MATCH pattern. */
export const globLiteral = (text: string): string => text.replace(/[\\*?[\]]/g, "\\$&")

type Command = readonly [name: string, ...args: ReadonlyArray<string | number>]

/** Runs `commands` as one pipeline (standalone, Sentinel) or concurrently (Cluster); rejects on any error. */
const batch = async (client: RedisClient, commands: ReadonlyArray<Command>): Promise<ReadonlyArray<unknown>> => {
  if (isCluster(client)) return Promise.all(commands.map(([name, ...args]) => client.call(name, ...args)))
  const replies = (await client.pipeline(commands.map((c) => [...c])).exec()) ?? []
  const failed = replies.find(([error]) => error)
  if (failed || replies.length !== commands.length)
    throw new Error(`pipeline failed${failed ? `: ${failed[0]?.message}` : ""}`)
  return replies.map(([, value]) => value)
}

/** The buckets of one HGETALL reply within [first, last]. */
export const bucketsOf = (hash: unknown, first: number, last: number): ReadonlyArray<Bucket> => {
  const byBucket = new Map<number, [number, number]>()
  const fields: ReadonlyArray<string> = Array.isArray(hash)
    ? (hash as ReadonlyArray<string>)
    : hash !== null && typeof hash === "object"
      ? Object.entries(hash as Record<string, string>).flat()
      : []
  for (let i = 0; i + 1 < fields.length; i += 2) {
    const field = String(fields[i])
    const side = field[0]
    const bucket = Number(field.slice(1))
    const count = Number(fields[i + 1])
    if ((side !== "h" && side !== "s") || !Number.isInteger(bucket) || bucket < first || bucket > last) continue
    if (!Number.isFinite(count) || count <= 0) continue
    const c = byBucket.get(bucket) ?? [0, 0]
    c[side === "h" ? 0 : 1] += count
    byBucket.set(bucket, c)
  }
  return [...byBucket].map(([b, [h, s]]) => [b, h, s] as const)
}

/** The store on `connection`; `close` closes that connection handle. */
export const make = (connection: RedisConnection): RedisReputationStore => {
  const k = (key: string, window: Window) =>
    keyOf(connection.keyPrefix, "reputation", String(window.bucketSeconds), key)
  return {
    describe: connection.describe,
    lookup: async (keys, window) => {
      if (keys.length === 0) return []
      const first = window.bucket - window.keep + 1
      const hashes = await connection.call("reading reputation", (c) =>
        batch(
          c,
          keys.map((key) => ["hgetall", k(key, window)] as const)
        )
      )
      return hashes.map((h) => bucketsOf(h, first, window.bucket))
    },
    record: async (keys, label, window) => {
      if (keys.length === 0) return
      const field = `${label === "ham" ? "h" : "s"}${window.bucket}`
      const ttl = Math.max(1, window.keep * window.bucketSeconds)
      // Fields that left the window since the key's last write (an idler key has expired).
      const first = window.bucket - window.keep + 1
      const stale: Array<string> = []
      for (let b = first - window.keep; b < first; b++) stale.push(`h${b}`, `s${b}`)
      const commands: Array<Command> = []
      for (const key of keys) {
        const name = k(key, window)
        commands.push(["hincrby", name, field, 1], ["hdel", name, ...stale], ["expire", name, ttl])
      }
      await connection.call("counting reputation", (c) => batch(c, commands))
    },
    forget: async (keys, window) => {
      if (keys.length === 0) return 0
      // One DEL per key: on a Cluster the keys of one call may sit in different slots.
      const deleted = await connection.call("resetting reputation", (c) =>
        batch(
          c,
          keys.map((key) => ["del", k(key, window)] as const)
        )
      )
      return deleted.reduce<number>((n, d) => n + Number(d), 0)
    },
    list: async (query, window) => {
      const stem = k("", window)
      const pattern = `${globLiteral(stem + query.prefix)}*`
      const first = window.bucket - window.keep + 1
      return connection.call("listing reputation", async (c) => {
        if (isCluster(c)) throw new Error("listing keys is not available on a Redis Cluster (SCAN runs per shard)")
        const names = new Set<string>()
        let cursor = query.cursor ?? "0"
        let scans = 0
        do {
          const [next, found] = await c.scan(cursor, "MATCH", pattern, "COUNT", SCAN_COUNT)
          cursor = next
          for (const name of found) names.add(name)
          scans++
        } while (cursor !== "0" && names.size < query.sample && scans < MAX_SCANS)
        const listed = [...names]
        const hashes =
          listed.length === 0
            ? []
            : await batch(
                c,
                listed.map((name) => ["hgetall", name] as const)
              )
        return {
          keys: listed.map((name, i) => ({
            key: name.slice(stem.length),
            buckets: bucketsOf(hashes[i], first, window.bucket)
          })),
          next: cursor === "0" ? undefined : cursor
        }
      })
    },
    close: () => connection.close()
  }
}
