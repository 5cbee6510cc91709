/**
 * Least-recently-used cache of scan outcomes by message key, bounded by entry count and by the
 * bytes of rewritten messages it holds, so a client re-fetching a mailbox does not rescan it.
 * Concurrent scans of the same key (two connections fetching one message) share one scanner call.
 *
 * @category models
 * @since 0.1.0
 */
import { WeightedLru } from "../cache/WeightedLru.ts"
import type { ScanOutcome } from "./Scanner.ts"

export interface VerdictCacheOptions {
  /** Default 10 000. */
  readonly maxEntries?: number
  /** Bytes of rewritten content kept (default 64 MiB); "pass" entries count 0. */
  readonly maxBytes?: number
}

const weigh = (outcome: ScanOutcome): number => (outcome.kind === "rewrite" ? outcome.bytes.length : 0)

export class VerdictCache {
  private readonly entries: WeightedLru<string, ScanOutcome>
  private readonly inFlight = new Map<string, Promise<ScanOutcome | undefined>>()
  /** Bumped by `clear`: a scan that began before it does not store its outcome. */
  private generation = 0

  constructor(options: VerdictCacheOptions = {}) {
    this.entries = new WeightedLru({
      maxEntries: options.maxEntries ?? 10_000,
      maxWeight: options.maxBytes ?? 64 * 1024 * 1024,
      weigh
    })
  }

  get size(): number {
    return this.entries.size
  }

  get(key: string): ScanOutcome | undefined {
    return this.entries.get(key)
  }

  set(key: string, outcome: ScanOutcome): void {
    this.entries.set(key, outcome)
  }

  /**
   * Forgets every outcome (the scanner's judgement changed) and returns how many there were.
   * Scans in flight still answer their callers, but store nothing and are not joined by later
   * callers, who scan again.
   */
  clear(): number {
    const n = this.entries.size
    this.entries.clear()
    this.inFlight.clear()
    this.generation++
    return n
  }

  /**
   * The cached outcome, or the result of `compute` (shared with concurrent callers for the same
   * key). `compute` resolving `undefined` means "no verdict" (e.g. the scanner failed): nothing is
   * cached.
   */
  async resolve(key: string, compute: () => Promise<ScanOutcome | undefined>): Promise<ScanOutcome | undefined> {
    const hit = this.get(key)
    if (hit !== undefined) return hit
    const running = this.inFlight.get(key)
    if (running !== undefined) return running
    const generation = this.generation
    const promise = compute().then((outcome) => {
      if (outcome !== undefined && generation === this.generation) this.set(key, outcome)
      return outcome
    })
    this.inFlight.set(key, promise)
    try {
      return await promise
    } finally {
      if (this.inFlight.get(key) === promise) this.inFlight.delete(key)
    }
  }
}
