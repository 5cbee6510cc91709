/**
 * Increments of a prom-client `Counter` kept as plain numbers per label set and handed to the
 * counter when it is read (its `collect`, run by the registry at each scrape).
 *
 * `counter.inc({ class, action })` hashes its label object on every call; here a label set's
 * entry (its label object, built once, and the count not yet handed over) is found through two
 * `Map` lookups. The counter then holds the same totals at every scrape as if each increment had
 * gone to it directly. Label values come from the configuration and the code (stage names,
 * verdict classes, actions), so the entries are as many as the counter's own series.
 *
 * @category services
 * @since 0.1.0
 */

interface Entry {
  readonly labels: Readonly<Record<string, string>>
  pending: number
}

export class PendingCounts {
  private readonly entries = new Map<string, Map<string, Entry>>()
  // In first-counted order, which is the order the counter lists its series in.
  private readonly ordered: Array<Entry> = []

  /** `labelNames` are the counter's (one or two); `add`'s values are in their order. */
  constructor(private readonly labelNames: readonly [string] | readonly [string, string]) {}

  /** Counts `n` for the label values `first` (and `second` for a two-label counter). */
  add(first: string, second = "", n = 1): void {
    let inner = this.entries.get(first)
    if (inner === undefined) {
      inner = new Map()
      this.entries.set(first, inner)
    }
    let entry = inner.get(second)
    if (entry === undefined) {
      const [a, b] = this.labelNames
      entry = { labels: b === undefined ? { [a]: first } : { [a]: first, [b]: second }, pending: 0 }
      inner.set(second, entry)
      this.ordered.push(entry)
    }
    entry.pending += n
  }

  /** Hands every label set's pending count to `inc` (the counter's) and starts again from zero. */
  flush(inc: (labels: Readonly<Record<string, string>>, n: number) => void): void {
    for (const entry of this.ordered)
      if (entry.pending > 0) {
        const n = entry.pending
        entry.pending = 0
        inc(entry.labels, n)
      }
  }
}
