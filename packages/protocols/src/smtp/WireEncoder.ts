/**
 * Encodes a message body for the SMTP DATA phase of a client (the relay), so that we are never an
 * outbound smuggling carrier; or, made with `stuffDots` false, for a `BDAT` chunk (RFC 3030), which
 * carries the same content counted in bytes: no dot-stuffing and no terminator.
 *
 * For every input, the output:
 * - has no CR or LF outside CRLF pairs (a bare CR or bare LF becomes CRLF, the same rule the
 *   DataDecoder applies, so decode(encode(x)) is x with its line ends normalised);
 * - has no NUL (removed);
 * - has every line that starts with `.` dot-stuffed (RFC 5321 §4.5.2), including a line that starts
 *   with `.` after a removed NUL or a normalised line end;
 * - (`end`/`encodeForWire`) ends with `CRLF . CRLF`, adding the CRLF when the body lacks it;
 *   (`close`, for BDAT) ends with CRLF, added when the body lacks it, so a downstream stores the
 *   same bytes whichever of the two carried them.
 *
 * **Gotchas**
 * - Streaming: a CR at the end of a chunk is held back until the next byte tells whether it was
 *   part of CRLF; `end()` releases it. Output never depends on the chunking.
 * - A chunk already in canonical form (CRLF pairs only, no NUL, as the DataDecoder emits it) is
 *   checked with native scans and copied only when a line starts with a dot; otherwise it is
 *   returned as it is, so a received message goes to the downstream without a per-byte loop.
 *
 * @category models
 * @since 0.1.0
 */

const CR = 0x0d
const LF = 0x0a
const DOT = 0x2e
const CRLF_DOT_CRLF = [CR, LF, DOT, CR, LF]
const DOT_CRLF = [DOT, CR, LF]
const CRLF = [CR, LF]
const NOTHING: ReadonlyArray<number> = []

export class WireEncoder {
  private lineStart = true
  private pendingCr = false
  private empty = true

  /** `stuffDots` false: line ends and NULs are still made safe, but a leading dot stays single (BDAT). */
  constructor(private readonly stuffDots = true) {}

  /**
   * Encodes a chunk. The result may be `chunk` itself when nothing in it needs changing (the usual
   * case for a received message's bytes): do not write into `chunk` afterwards.
   */
  push(chunk: Uint8Array): Uint8Array {
    if (!this.pendingCr && chunk.length > 0) {
      const canonical = this.pushCanonical(chunk)
      if (canonical !== undefined) return canonical
    }
    return this.pushBytes(chunk)
  }

  /**
   * The fast path, for a chunk whose every CR and LF form CRLF pairs, with no NUL and no CR at
   * its end (what the DataDecoder emits): only dots at line starts need a second dot. The checks
   * are native scans (`indexOf`) and one step per line, not per byte. Undefined, with no state
   * changed, for any other chunk.
   */
  private pushCanonical(chunk: Uint8Array): Uint8Array | undefined {
    const n = chunk.length
    if (chunk[n - 1] === CR || chunk.indexOf(0) !== -1) return undefined
    const firstDot = this.stuffDots && this.lineStart && chunk[0] === DOT
    let dots = firstDot ? 1 : 0
    let pairs = 0
    for (let cr = chunk.indexOf(CR); cr !== -1; cr = chunk.indexOf(CR, cr + 2)) {
      if (chunk[cr + 1] !== LF) return undefined
      pairs++
      if (this.stuffDots && chunk[cr + 2] === DOT) dots++
    }
    // Every LF belongs to one of the pairs: as many LFs as pairs means no bare LF.
    let lfs = 0
    for (let lf = chunk.indexOf(LF); lf !== -1; lf = chunk.indexOf(LF, lf + 1)) lfs++
    if (lfs !== pairs) return undefined
    this.empty = false
    this.lineStart = chunk[n - 1] === LF
    if (dots === 0) return chunk
    const out = new Uint8Array(n + dots)
    let o = 0
    let from = 0
    if (firstDot) out[o++] = DOT
    for (let cr = chunk.indexOf(CR); cr !== -1; cr = chunk.indexOf(CR, cr + 2)) {
      if (chunk[cr + 2] !== DOT) continue
      out.set(chunk.subarray(from, cr + 2), o)
      o += cr + 2 - from
      out[o++] = DOT
      from = cr + 2
    }
    out.set(chunk.subarray(from), o)
    return out
  }

  /** The general path, byte by byte; the returned bytes are freshly allocated. */
  private pushBytes(chunk: Uint8Array): Uint8Array {
    const out = new Uint8Array(chunk.length * 2 + 2)
    let o = 0
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i]!
      if (this.pendingCr) {
        this.pendingCr = false
        out[o++] = CR
        out[o++] = LF
        this.lineStart = true
        if (b === LF) continue
      }
      if (b === CR) {
        this.pendingCr = true
        this.empty = false
      } else if (b === LF) {
        out[o++] = CR
        out[o++] = LF
        this.lineStart = true
        this.empty = false
      } else if (b !== 0) {
        if (this.stuffDots && this.lineStart && b === DOT) out[o++] = DOT
        out[o++] = b
        this.lineStart = false
        this.empty = false
      }
    }
    return out.subarray(0, o)
  }

  /** Releases a held CR (as CRLF); no terminator. */
  flush(): Uint8Array {
    if (!this.pendingCr) return new Uint8Array(0)
    this.pendingCr = false
    this.lineStart = true
    return new Uint8Array([CR, LF])
  }

  /** Releases a held CR, closes the last line and appends the `.CRLF` terminator. */
  end(): Uint8Array {
    return this.finish(true)
  }

  /** Releases a held CR and closes the last line, with no terminator: the end of a BDAT payload. */
  close(): Uint8Array {
    return this.finish(false)
  }

  private finish(terminated: boolean): Uint8Array {
    const held = this.flush()
    const needCrlf = !this.empty && !this.lineStart
    const tail = terminated ? (needCrlf ? CRLF_DOT_CRLF : DOT_CRLF) : needCrlf ? CRLF : NOTHING
    if (held.length === 0 && tail.length === 0) return held
    const out = new Uint8Array(held.length + tail.length)
    out.set(held, 0)
    out.set(tail, held.length)
    return out
  }
}

const join = (a: Uint8Array, b: Uint8Array): Uint8Array => {
  const out = new Uint8Array(a.length + b.length)
  out.set(a, 0)
  out.set(b, a.length)
  return out
}

/** Normalises line ends, removes NUL and dot-stuffs; no terminator is added. */
export const dotStuff = (body: Uint8Array): Uint8Array => {
  const encoder = new WireEncoder()
  return join(encoder.push(body), encoder.flush())
}

/** The complete DATA payload for `body`, terminator included. */
export const encodeForWire = (body: Uint8Array): Uint8Array => {
  const encoder = new WireEncoder()
  return join(encoder.push(body), encoder.end())
}

/** Streams `source` as a DATA payload, terminator included. */
export async function* encodeStream(source: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  const encoder = new WireEncoder()
  for await (const chunk of source) {
    const out = encoder.push(chunk)
    if (out.length > 0) yield out
  }
  yield encoder.end()
}
