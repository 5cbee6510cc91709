/**
 * What the proxy judged of each message of the selected mailbox in one IMAP session, by UID, so
 * that a client reading a message in pieces (or part by part) costs one whole fetch and one
 * scan, not one per piece. A UID names the same bytes for as long as the mailbox's UIDVALIDITY
 * holds (RFC 9051 §2.3.1.1); the store is emptied whenever the server announces a UIDVALIDITY
 * (every SELECT and EXAMINE), so two mailboxes never share entries.
 *
 * Bounded: at most `maxEntries` verdicts, and rewritten messages up to `maxRewrittenBytes` (the
 * least recently used go first; a forgotten one is fetched again when asked for; a rewrite larger
 * than the bound alone is not kept, the command it was fetched for still answers from it).
 * `clear` is for another mailbox (or the same one anew) selected.
 *
 * @category models
 * @since 0.1.0
 */
import { WeightedLru } from "../cache/WeightedLru.ts"

export type Judged =
  /** Clean, or not scanned (over the size limit, or the scanner failed open): served as it is. */
  | { readonly kind: "pass" }
  /** Served from `bytes`; `sameBody`: the rewrite changed the header alone. */
  | { readonly kind: "rewrite"; readonly bytes: Uint8Array; readonly sameBody: boolean }

const weigh = (j: Judged): number => (j.kind === "rewrite" ? j.bytes.length : 0)

export class SessionVerdicts extends WeightedLru<number, Judged> {
  constructor(maxEntries = 10_000, maxRewrittenBytes = 32 * 1024 * 1024) {
    super({ maxEntries, maxWeight: maxRewrittenBytes, weigh })
  }
}
