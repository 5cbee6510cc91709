// DataDecoder.ts as it was before the scan for CR, LF and NUL moved to native Buffer.indexOf: a
// byte-at-a-time loop, the oracle DataDecoder.oracle.test.ts compares the decoder with. Kept
// verbatim (without decodeAll and concat, which did not change).
/**
 * Streaming decoder for the SMTP DATA phase (RFC 5321 §4.1.1.4, §4.5.2), a byte-level state
 * machine whose output never depends on how the input was chunked.
 *
 * Rules:
 * - Only `CRLF . CRLF` ends DATA; at the very start, `. CRLF` right after the 354 does too (the
 *   354 counts as the preceding line end). `\n.\n`, `\r.\r`, `\n.\r\n`, `\r\n.\r`, `\r.\r\n` ...
 *   never end it, so one DATA can never yield two messages (SMTP smuggling, CVE-2023-51764).
 * - Dot-unstuffing happens only at the start of a wire line, i.e. after a real CRLF. After a bare
 *   LF the dot is kept, so we never manufacture a `<LF>.<CR><LF>` that was not on the wire.
 * - Bare CR and bare LF are normalised to CRLF (Postfix 3.9 style) and counted; the session rejects
 *   the message with 550 5.5.2 instead when configured `reject`.
 * - NUL bytes are removed (and counted): scanners and delivery see the same, NUL-free bytes. We
 *   picked removal over rejection because NUL occurs in real broken mail and carries no meaning.
 * - The size limit is enforced while streaming: past `maxSize` decoded bytes nothing more is
 *   emitted (the output is then the first `maxSize` bytes, independent of chunking), but the
 *   decoder keeps reading to the terminator so the session can answer 552 in sync.
 *
 * The output is "canonical": every CR and LF is part of a CRLF pair, there is no NUL, and it is
 * either empty or ends with CRLF.
 *
 * @category models
 * @since 0.1.0
 */

export interface DataStats {
  /** Decoded size in bytes (counted even past the limit). */
  readonly size: number
  readonly tooBig: boolean
  readonly bareLf: number
  readonly bareCr: number
  readonly nul: number
  /** Longest line seen, in bytes without its CRLF (RFC 5322 §2.1.1 allows 998). */
  readonly longestLine: number
}

const CR = 0x0d
const LF = 0x0a
const DOT = 0x2e
const CRLF = new Uint8Array([CR, LF])

/** Decoder states (a plain object, not an enum, so every TS toolchain strips it the same way). */
const S = { LineStart: 0, Mid: 1, AfterCr: 2, AfterDot: 3, AfterDotCr: 4, Done: 5 } as const
type S = (typeof S)[keyof typeof S]

export class DataDecoderBefore {
  private state: S = S.LineStart
  private size = 0
  private bareLf = 0
  private bareCr = 0
  private nul = 0
  private lineLength = 0
  private longestLine = 0

  constructor(readonly maxSize: number = Number.POSITIVE_INFINITY) {}

  get done(): boolean {
    return this.state === S.Done
  }

  stats(): DataStats {
    return {
      size: this.size,
      tooBig: this.size > this.maxSize,
      bareLf: this.bareLf,
      bareCr: this.bareCr,
      nul: this.nul,
      longestLine: this.longestLine
    }
  }

  /**
   * Decodes `chunk`, passing decoded bytes to `emit` (views into `chunk` or constants: copy them if
   * kept). Returns the bytes after the terminator once DATA has ended (possibly empty), else
   * undefined.
   *
   * Hot loop: a CRLF inside the chunk stays part of the current run, so ordinary mail is emitted
   * as one view per chunk; runs are only cut where bytes are dropped or rewritten.
   */
  push(chunk: Uint8Array, emit: (bytes: Uint8Array) => void): Uint8Array | undefined {
    let state = this.state
    if (state === S.Done) return chunk
    const n = chunk.length
    let run = 0
    for (let i = 0; i < n; i++) {
      const b = chunk[i]!
      if (state === S.Mid || state === S.LineStart) {
        if (b === DOT && state === S.LineStart) {
          if (i > run) this.out(chunk.subarray(run, i), emit)
          run = i + 1
          state = S.AfterDot
        } else if (b === CR) {
          if (i + 1 < n && chunk[i + 1] === LF) {
            i++
            state = S.LineStart
          } else {
            if (i > run) this.out(chunk.subarray(run, i), emit)
            run = i + 1
            state = S.AfterCr
          }
        } else if (b === LF) {
          if (i > run) this.out(chunk.subarray(run, i), emit)
          run = i + 1
          this.bareLf++
          this.out(CRLF, emit)
          state = S.Mid
        } else if (b === 0) {
          if (i > run) this.out(chunk.subarray(run, i), emit)
          run = i + 1
          this.nul++
          state = S.Mid
        } else {
          state = S.Mid
        }
      } else if (state === S.AfterCr) {
        // A CR that ended the previous chunk.
        if (b === LF) {
          this.out(CRLF, emit)
          run = i + 1
          state = S.LineStart
        } else {
          this.bareCr++
          this.out(CRLF, emit)
          run = i
          state = S.Mid
          i--
        }
      } else if (state === S.AfterDot) {
        // A leading dot followed by anything but CRLF was stuffing: it stays dropped.
        if (b === CR) {
          run = i + 1
          state = S.AfterDotCr
        } else {
          run = i
          state = S.Mid
          i--
        }
      } else {
        // AfterDotCr
        if (b === LF) {
          this.state = S.Done
          return chunk.subarray(i + 1)
        }
        this.bareCr++
        this.out(CRLF, emit)
        run = i
        state = S.Mid
        i--
      }
    }
    if ((state === S.Mid || state === S.LineStart) && n > run) this.out(chunk.subarray(run, n), emit)
    this.state = state
    return undefined
  }

  private out(bytes: Uint8Array, emit: (b: Uint8Array) => void): void {
    this.measureLines(bytes)
    const room = this.maxSize - this.size
    this.size += bytes.length
    if (room <= 0) return
    emit(bytes.length <= room ? bytes : bytes.subarray(0, room))
  }

  /** Output is canonical (every LF follows a CR), so a line's length is up to its LF minus one. */
  private measureLines(bytes: Uint8Array): void {
    let start = 0
    for (;;) {
      const lf = bytes.indexOf(LF, start)
      if (lf < 0) {
        this.lineLength += bytes.length - start
        return
      }
      const length = this.lineLength + (lf - start) - 1
      if (length > this.longestLine) this.longestLine = length
      this.lineLength = 0
      start = lf + 1
    }
  }
}
