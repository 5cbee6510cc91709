/**
 * A bounded map that forgets the least recently used entries first, bounded both by how many
 * entries it holds and by their total weight (e.g. the bytes of the rewritten messages a verdict
 * store keeps). `Map` keeps insertion order: a hit re-inserts its key at the end, so the oldest
 * entry is always the first.
 *
 * **Gotchas**
 * - An entry heavier than `maxWeight` on its own is not kept (`set` answers false, and forgets
 *   what the key held before): keeping it would break the bound, and evicting everything else for
 *   it would too.
 * - A weight is taken once, when the entry is set: a value mutated afterwards keeps its weight.
 *
 * @category models
 * @since 0.1.0
 */

export interface WeightedLruOptions<V> {
  /** Most entries kept (an integer >= 0; 0 keeps nothing). */
  readonly maxEntries: number
  /** Most total weight kept (default: no bound). */
  readonly maxWeight?: number
  /** An entry's weight (a number >= 0); default 0, so only `maxEntries` bounds the map. */
  readonly weigh?: (value: V) => number
}

interface Entry<V> {
  readonly value: V
  readonly weight: number
}

const ZERO = (): number => 0

export class WeightedLru<K, V> {
  private readonly map = new Map<K, Entry<V>>()
  private total = 0
  readonly maxEntries: number
  readonly maxWeight: number
  private readonly weigh: (value: V) => number

  constructor(options: WeightedLruOptions<V>) {
    const { maxEntries, maxWeight = Number.POSITIVE_INFINITY } = options
    if (!Number.isInteger(maxEntries) || maxEntries < 0)
      throw new RangeError(`LRU maxEntries must be an integer >= 0, got ${maxEntries}`)
    if (Number.isNaN(maxWeight) || maxWeight < 0)
      throw new RangeError(`LRU maxWeight must be a number >= 0, got ${maxWeight}`)
    this.maxEntries = maxEntries
    this.maxWeight = maxWeight
    this.weigh = options.weigh ?? ZERO
  }

  /** Entries held now. */
  get size(): number {
    return this.map.size
  }

  /** Total weight held now. */
  get weight(): number {
    return this.total
  }

  /** The value of `key`, which becomes the most recently used. */
  get(key: K): V | undefined {
    const entry = this.map.get(key)
    if (entry === undefined) return undefined
    this.map.delete(key)
    this.map.set(key, entry)
    return entry.value
  }

  /**
   * Keeps `value` under `key` as the most recently used, forgetting the least recently used
   * entries until both bounds hold again. False: the value is not kept (see Gotchas).
   */
  set(key: K, value: V): boolean {
    this.delete(key)
    const weight = this.weigh(value)
    if (!(weight >= 0)) throw new RangeError(`LRU weight must be a number >= 0, got ${weight}`)
    if (weight > this.maxWeight) return false
    this.map.set(key, { value, weight })
    this.total += weight
    for (const [oldest, entry] of this.map) {
      if (this.map.size <= this.maxEntries && this.total <= this.maxWeight) break
      this.map.delete(oldest)
      this.total -= entry.weight
    }
    return this.map.has(key)
  }

  /** Forgets `key`; whether it was held. */
  delete(key: K): boolean {
    const entry = this.map.get(key)
    if (entry === undefined) return false
    this.map.delete(key)
    this.total -= entry.weight
    return true
  }

  clear(): void {
    this.map.clear()
    this.total = 0
  }
}
