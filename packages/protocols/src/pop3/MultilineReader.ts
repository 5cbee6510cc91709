/**
 * Reads the body of one POP3 multi-line response (RFC 1939 §3): lines end with CRLF, the body ends
 * with a line holding a single `.`, and a line that starts with `.` had one `.` prepended
 * (byte-stuffing) which the reader removes.
 *
 * For each pushed chunk it reports the raw bytes that belong to the body (a prefix of the chunk,
 * terminator included), the unstuffed content pieces, and whether the terminator was reached; the
 * rest of the chunk belongs to what follows. Raw bytes are always exactly the input, so a caller
 * that does not rewrite the message can pass them on untouched.
 *
 * **Gotchas**
 * - Only CRLF ends a line (our SMTP rule): after a bare LF or bare CR a `.` is
 *   content, never a terminator and never unstuffed, so `A\n.\r\n` does not end the body.
 * - A line `.x` (a dot not followed by a dot or CRLF) is malformed; as RFC 1939 says, the first dot
 *   is stripped from the content. The raw bytes keep it.
 * - Content pieces are subarrays of the chunk; a `.` or `.\r` held across a chunk boundary is
 *   re-created from constants.
 *
 * @category models
 * @since 0.1.0
 */

export interface MultilineStep {
  /** Bytes of the chunk consumed by the body (a prefix of the chunk). */
  readonly raw: Uint8Array
  readonly content: Array<Uint8Array>
  readonly done: boolean
  /** Unconsumed bytes after the terminator. */
  readonly rest: Uint8Array
}

const CR = 0x0d
const LF = 0x0a
const DOT = 0x2e
const CR_BYTES = new Uint8Array([CR])
const EMPTY = new Uint8Array(0)

type State =
  /** At the start of a line. */
  | "lineStart"
  /** Saw `.` at the start of a line. */
  | "dot"
  /** Saw `.\r` at the start of a line. */
  | "dotCr"
  /** Inside a line. */
  | "inLine"

export class MultilineReader {
  private state: State = "lineStart"
  /** The last content byte was CR (so an LF now ends the line). */
  private cr = false
  private finished = false

  push(chunk: Uint8Array): MultilineStep {
    if (this.finished) return { raw: EMPTY, content: [], done: true, rest: chunk }
    const content: Array<Uint8Array> = []
    let i = 0
    /** Start of the content run not yet pushed. */
    let run = 0
    while (i < chunk.length) {
      switch (this.state) {
        case "lineStart": {
          if (chunk[i] === DOT) {
            if (i > run) content.push(chunk.subarray(run, i))
            this.state = "dot"
            i++
            run = i
          } else {
            this.state = "inLine"
            this.cr = false
          }
          break
        }
        case "dot": {
          const b = chunk[i]!
          if (b === CR) {
            this.state = "dotCr"
            i++
            run = i
          } else {
            // `..x` → `.x`; `.x` → `x`: either way the stuffed dot is dropped and this byte is content.
            this.state = "inLine"
            this.cr = false
            run = i
          }
          break
        }
        case "dotCr": {
          if (chunk[i] === LF) {
            this.finished = true
            i++
            return { raw: chunk.subarray(0, i), content, done: true, rest: chunk.subarray(i) }
          }
          // `.\r` then something else: the CR was content.
          content.push(CR_BYTES)
          this.state = "inLine"
          this.cr = true
          run = i
          break
        }
        case "inLine": {
          const lf = chunk.indexOf(LF, i)
          if (lf === -1) {
            this.cr = chunk[chunk.length - 1] === CR
            i = chunk.length
            break
          }
          const crlf = lf > i ? chunk[lf - 1] === CR : this.cr
          i = lf + 1
          if (crlf) this.state = "lineStart"
          else this.cr = false
          break
        }
      }
    }
    if (i > run && this.state !== "dot" && this.state !== "dotCr") content.push(chunk.subarray(run, i))
    return { raw: chunk, content, done: false, rest: EMPTY }
  }
}
