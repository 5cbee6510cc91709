/**
 * Counts the `Received:` header fields of a message while it streams in, for mail-loop detection
 * (RFC 5321 §6.3: a server should count the Received headers and refuse a message past a limit of
 * at least 100 hops).
 *
 * **Gotchas**
 * - Input is the canonical output of `DataDecoder` (every LF follows a CR), so a line starts after
 *   each LF and the header section ends at the first empty line (a line that starts with CR).
 * - Only the header section is scanned, and within it only the start of each line byte by byte
 *   (the rest of a line is skipped with a native LF search); after it every chunk costs O(1). State is a few numbers,
 *   whatever the size of the message: 800 000 Received headers cost no memory.
 * - The field name is matched case-insensitively and may be followed by spaces or tabs before the
 *   colon (RFC 5322 §4.5.3 obsolete syntax). Folded continuation lines start with white space and
 *   never match. The count does not depend on how the input was chunked.
 *
 * @category models
 * @since 0.1.0
 */

const CR = 0x0d
const LF = 0x0a
const COLON = 0x3a
const SP = 0x20
const HTAB = 0x09
const NAME = Array.from("received", (c) => c.charCodeAt(0))
/** `match` value while the line cannot be a Received field. */
const NO_MATCH = -1

export class HopCounter {
  private count = 0
  private lineStart = true
  private match = NO_MATCH
  private headersDone = false

  /** Received header fields seen so far. */
  get hops(): number {
    return this.count
  }

  push(bytes: Uint8Array): void {
    if (this.headersDone) return
    for (let i = 0; i < bytes.length; i++) {
      // The rest of a line that cannot be a Received field: on to its LF in one native scan.
      if (this.match === NO_MATCH && !this.lineStart) {
        const lf = bytes.indexOf(LF, i)
        if (lf === -1) return
        i = lf
      }
      const b = bytes[i]!
      if (b === LF) {
        this.lineStart = true
        this.match = NO_MATCH
        continue
      }
      if (this.lineStart) {
        this.lineStart = false
        if (b === CR) {
          this.headersDone = true
          return
        }
        this.match = 0
      }
      if (this.match === NO_MATCH) continue
      if (this.match < NAME.length) {
        // ASCII letters only: setting bit 0x20 lower-cases A-Z and leaves a-z alone.
        this.match = (b | 0x20) === NAME[this.match] ? this.match + 1 : NO_MATCH
      } else if (b === COLON) {
        this.count++
        this.match = NO_MATCH
      } else if (b !== SP && b !== HTAB) {
        this.match = NO_MATCH
      }
    }
  }
}
