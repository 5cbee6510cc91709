/**
 * Where reputation counts live: per key, the messages judged ham and spam in each time bucket.
 * Embedded memory (`MemoryReputationStore.ts`), the primary's memory for the workers of a
 * multi-process gateway, or Redis (`@mailmoat/redis`'s `RedisReputationStore`, which has this
 * shape without importing it).
 *
 * Counts only ever grow by increments (never a read-modify-write), so gateways sharing a store
 * never lose each other's updates; old buckets are dropped by the store (memory) or expire
 * (Redis).
 *
 * **Gotchas**
 * - Calls may fail (Redis down, the primary not answering): the stage then scores without
 *   reputation and the update is skipped; neither ever changes the SMTP reply.
 *
 * @category services
 * @since 0.1.0
 */

export type Label = "ham" | "spam"

/** One time bucket of a key: its number, the messages judged ham and spam in it. */
export type Bucket = readonly [bucket: number, ham: number, spam: number]

/** The buckets in force at a time (`Decay.windowAt`). */
export interface Window {
  /** The current bucket's number (time / `bucketSeconds`). */
  readonly bucket: number
  /** How many buckets count, the current one included; older ones are dropped. */
  readonly keep: number
  /** A bucket's width; a history of another width is another history. */
  readonly bucketSeconds: number
}

export interface ReputationStoreShape {
  readonly describe: string
  /** Each key's buckets within `window` (in the order of `keys`; none for an unknown key). */
  readonly lookup: (keys: ReadonlyArray<string>, window: Window) => Promise<ReadonlyArray<ReadonlyArray<Bucket>>>
  /** Adds one message judged `label` to the current bucket of every key. */
  readonly record: (keys: ReadonlyArray<string>, label: Label, window: Window) => Promise<void>
  /**
   * Deletes every key's history of `window`'s bucket width (an admin's reset); resolves with how
   * many of them had one.
   */
  readonly forget: (keys: ReadonlyArray<string>, window: Window) => Promise<number>
  /**
   * The next keys of `window`'s bucket width starting with `prefix` (`ip:`, `net:`, `domain:`),
   * each with its buckets in the window, walking the store from `cursor` (undefined: the start):
   * at most `sample` keys per call and a bounded amount of work, whatever the store holds. The
   * walk has no order of its own (memory: least recently used first; Redis: SCAN's) and does not
   * count as a use of the keys.
   */
  readonly list: (query: WalkQuery, window: Window) => Promise<WalkPage>
  readonly close: () => Promise<void>
}

export interface WalkQuery {
  readonly prefix: string
  /** Where the previous page stopped; undefined for the first. */
  readonly cursor?: string | undefined
  /** Most keys returned. */
  readonly sample: number
}

export interface WalkPage {
  readonly keys: ReadonlyArray<{ readonly key: string; readonly buckets: ReadonlyArray<Bucket> }>
  /** Where the next call goes on; undefined when the walk is over. */
  readonly next: string | undefined
}

/** The oldest bucket `window` counts. */
export const oldest = (window: Window): number => window.bucket - window.keep + 1
