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
import { Buffer } from "node:buffer"

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

/** Position of the first `byte` in `buf` at or after `from`, or `buf.length` when there is none. */
const find = (buf: Buffer, byte: number, from: number): number => {
  const at = buf.indexOf(byte, from)
  return at < 0 ? buf.length : at
}

/** Decoder states (a plain object, not an enum, so every TS toolchain strips it the same way). */
const S = { LineStart: 0, Mid: 1, AfterCr: 2, AfterDot: 3, AfterDotCr: 4, Done: 5 } as const
type S = (typeof S)[keyof typeof S]

export class DataDecoder {
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
   * Hot loop: inside a line nothing matters but the next CR, LF or NUL, so the decoder jumps there
   * with native `indexOf` (memchr) instead of looking at every byte in JavaScript; each position
   * found is kept until the scan passes it, so ordinary mail costs one CR and one LF search per
   * line. A CRLF inside the chunk stays part of the current run, so ordinary mail is emitted as
   * one view per chunk; runs are only cut where bytes are dropped or rewritten.
   */
  push(chunk: Uint8Array, emit: (bytes: Uint8Array) => void): Uint8Array | undefined {
    let state = this.state
    if (state === S.Done) return chunk
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength)
    const n = buf.length
    let run = 0
    // Next CR, LF and NUL at or after the scan position (n: none left; -1: not searched yet).
    let cr = -1
    let lf = -1
    let nul = -1
    let i = 0
    while (i < n) {
      if (state === S.LineStart) {
        if (buf[i] === DOT) {
          if (i > run) this.out(buf.subarray(run, i), emit)
          run = i + 1
          state = S.AfterDot
          i++
          continue
        }
        state = S.Mid
      }
      if (state === S.Mid) {
        if (cr < i) cr = find(buf, CR, i)
        if (lf < i) lf = find(buf, LF, i)
        if (nul < i) nul = find(buf, 0, i)
        i = cr < lf ? (cr < nul ? cr : nul) : lf < nul ? lf : nul
        if (i >= n) break
        if (i === cr) {
          if (i + 1 < n && buf[i + 1] === LF) {
            i += 2
            state = S.LineStart
          } else {
            if (i > run) this.out(buf.subarray(run, i), emit)
            run = ++i
            state = S.AfterCr
          }
        } else if (i === lf) {
          if (i > run) this.out(buf.subarray(run, i), emit)
          run = ++i
          this.bareLf++
          this.out(CRLF, emit)
        } else {
          if (i > run) this.out(buf.subarray(run, i), emit)
          run = ++i
          this.nul++
        }
        continue
      }
      const b = buf[i]!
      if (state === S.AfterCr) {
        // A CR that ended the previous chunk, or one not followed by LF.
        this.out(CRLF, emit)
        if (b === LF) {
          run = ++i
          state = S.LineStart
        } else {
          this.bareCr++
          run = i
          state = S.Mid
        }
      } else if (state === S.AfterDot) {
        // A leading dot followed by anything but CRLF was stuffing: it stays dropped.
        if (b === CR) {
          run = ++i
          state = S.AfterDotCr
        } else {
          run = i
          state = S.Mid
        }
      } else {
        // AfterDotCr
        if (b === LF) {
          this.state = S.Done
          return buf.subarray(i + 1)
        }
        this.bareCr++
        this.out(CRLF, emit)
        run = i
        state = S.Mid
      }
    }
    if ((state === S.Mid || state === S.LineStart) && n > run) this.out(buf.subarray(run, n), emit)
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

/** Decodes a complete DATA stream given as chunks (for tests and tools). */
export const decodeAll = (
  chunks: Iterable<Uint8Array>,
  maxSize?: number
): { body: Uint8Array; done: boolean; rest: Uint8Array; stats: DataStats } => {
  const decoder = new DataDecoder(maxSize)
  const parts: Array<Uint8Array> = []
  let rest: Array<Uint8Array> = []
  for (const chunk of chunks) {
    if (decoder.done) {
      rest.push(chunk)
      continue
    }
    const after = decoder.push(chunk, (b) => parts.push(b.slice()))
    if (after !== undefined) rest = [after]
  }
  return { body: concat(parts), done: decoder.done, rest: concat(rest), stats: decoder.stats() }
}

export const concat = (parts: ReadonlyArray<Uint8Array>): Uint8Array => {
  let n = 0
  for (const p of parts) n += p.length
  const out = new Uint8Array(n)
  let o = 0
  for (const p of parts) {
    out.set(p, o)
    o += p.length
  }
  return out
}
