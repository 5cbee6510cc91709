/**
 * What the proxy judged of each message of the selected mailbox in one IMAP session, by UID, so
 * that a client reading a message in pieces (or part by part) costs one whole fetch and one
 * scan, not one per piece. A UID names the same bytes for as long as the mailbox's UIDVALIDITY
 * holds (RFC 9051 §2.3.1.1); the store is emptied whenever the server announces a UIDVALIDITY
 * (every SELECT and EXAMINE), so two mailboxes never share entries.
 *
 * Bounded: at most `maxEntries` verdicts, and rewritten messages up to `maxRewrittenBytes` (the
 * least recently used go first; a forgotten one is fetched again when asked for).
 *
 * @category models
 * @since 0.1.0
 */

export type Judged =
  /** Clean, or not scanned (over the size limit, or the scanner failed open): served as it is. */
  | { readonly kind: "pass" }
  /** Served from `bytes`; `sameBody`: the rewrite changed the header alone. */
  | { readonly kind: "rewrite"; readonly bytes: Uint8Array; readonly sameBody: boolean }

const weight = (j: Judged): number => (j.kind === "rewrite" ? j.bytes.length : 0)

export class SessionVerdicts {
  private readonly entries = new Map<number, Judged>()
  private bytes = 0

  constructor(
    private readonly maxEntries = 10_000,
    private readonly maxRewrittenBytes = 32 * 1024 * 1024
  ) {}

  get(uid: number): Judged | undefined {
    const hit = this.entries.get(uid)
    if (hit === undefined) return undefined
    this.entries.delete(uid)
    this.entries.set(uid, hit)
    return hit
  }

  set(uid: number, judged: Judged): void {
    const old = this.entries.get(uid)
    if (old !== undefined) {
      this.bytes -= weight(old)
      this.entries.delete(uid)
    }
    this.entries.set(uid, judged)
    this.bytes += weight(judged)
    for (const [k, v] of this.entries) {
      if (this.entries.size <= this.maxEntries && this.bytes <= this.maxRewrittenBytes) break
      if (k === uid) continue
      this.entries.delete(k)
      this.bytes -= weight(v)
    }
  }

  /** Another mailbox (or the same one anew) is selected. */
  clear(): void {
    this.entries.clear()
    this.bytes = 0
  }

  get size(): number {
    return this.entries.size
  }
}
