/**
 * Bytes of fetched messages held in memory for scanning, across the proxy connections that share
 * it (every listener of a gateway). Each connection holds at most one message at a time, up to
 * `maxMessageBytes`; without a shared bound, 500 connections fetching at once could hold 500 times
 * that. A message that does not fit is not held: a full fetch streams through unscanned (logged),
 * a partial or section fetch is answered `NO [UNAVAILABLE]` (see `FetchGuard`).
 *
 * @category models
 * @since 0.1.0
 */
export class ScanBudget {
  private held = 0

  constructor(readonly maxBytes: number) {}

  /** Takes `bytes` from the budget if they fit. */
  tryReserve(bytes: number): boolean {
    if (this.held + bytes > this.maxBytes) return false
    this.held += bytes
    return true
  }

  release(bytes: number): void {
    this.held = Math.max(0, this.held - bytes)
  }

  /** Bytes held now. */
  get used(): number {
    return this.held
  }
}
