/**
 * Maps from message sequence numbers to UIDs, kept in step with the mailbox as the server's
 * untagged responses change it (RFC 3501 §7.4.1, RFC 9051 §7.5.1): `* n EXPUNGE` removes message n
 * and moves every later one down by one; `* n EXISTS` tells the mailbox's size, so a number above
 * it names no message any more. A `* VANISHED` (QRESYNC, RFC 7162 §3.2.10) removes messages by
 * UID, moving numbers the proxy may not know: every number is forgotten then (`VANISHED
 * (EARLIER)` reports messages already gone, and moves nothing).
 *
 * The server's responses reach the proxy in order, so a number applied to the response being read
 * means what the server meant by it when it wrote the response.
 *
 * @category models
 * @since 0.1.0
 */

/** What an untagged response's start does to sequence numbers. */
export type SequenceChange =
  | { readonly kind: "expunge"; readonly seq: number }
  | { readonly kind: "exists"; readonly count: number }
  | { readonly kind: "forget" }

const EXPUNGE = /^\* (\d{1,10}) (EXPUNGE|EXISTS)\r?\n$/i
const VANISHED = /^\* VANISHED (?!\(EARLIER\))/i

/** The change the untagged response starting with `head` (its first line) makes, if any. */
export const sequenceChange = (head: string): SequenceChange | undefined => {
  const m = EXPUNGE.exec(head)
  if (m !== null)
    return m[2]!.toUpperCase() === "EXPUNGE"
      ? { kind: "expunge", seq: Number(m[1]) }
      : { kind: "exists", count: Number(m[1]) }
  return VANISHED.test(head) ? { kind: "forget" } : undefined
}

/** Applies `change` to `seqs` (sequence number -> UID) in place. */
export const applyChange = (seqs: Map<number, number>, change: SequenceChange): void => {
  if (seqs.size === 0) return
  switch (change.kind) {
    case "forget":
      seqs.clear()
      return
    case "exists":
      for (const seq of seqs.keys()) if (seq > change.count) seqs.delete(seq)
      return
    case "expunge": {
      const moved = [...seqs].sort((a, b) => a[0] - b[0])
      seqs.clear()
      for (const [seq, uid] of moved) if (seq !== change.seq) seqs.set(seq > change.seq ? seq - 1 : seq, uid)
    }
  }
}
