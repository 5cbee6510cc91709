/**
 * Subject and From of a message, read from the start of its bytes, for quarantine listings.
 * Bounded: only the header block inside the first `HEAD_BYTES` bytes is looked at, and values
 * are cut to 200 characters. Never throws.
 *
 * @category internal
 * @since 0.1.0
 */

export const HEAD_BYTES = 16 * 1024

export interface HeaderSummary {
  readonly subject?: string | undefined
  readonly from?: string | undefined
}

export const headerSummary = (head: Uint8Array): HeaderSummary => {
  const text = new TextDecoder("latin1").decode(head.subarray(0, HEAD_BYTES))
  const end = text.search(/\r?\n\r?\n/)
  const block = (end < 0 ? text : text.slice(0, end)).replace(/\r?\n[ \t]+/g, " ")
  const found: { subject?: string; from?: string } = {}
  for (const line of block.split(/\r?\n/)) {
    const m = /^(subject|from)[ \t]*:(.*)$/i.exec(line)
    if (!m) continue
    const key = m[1]!.toLowerCase() as "subject" | "from"
    found[key] ??= m[2]!.trim().slice(0, 200)
  }
  return found
}

/** Collects up to `HEAD_BYTES` of a stream while passing every chunk through. */
export const headCollector = () => {
  const parts: Array<Uint8Array> = []
  let n = 0
  return {
    add: (chunk: Uint8Array) => {
      if (n < HEAD_BYTES) {
        parts.push(chunk.subarray(0, HEAD_BYTES - n))
        n += Math.min(chunk.length, HEAD_BYTES - n)
      }
    },
    head: (): Uint8Array => {
      const out = new Uint8Array(n)
      let at = 0
      for (const p of parts) {
        out.set(p, at)
        at += p.length
      }
      return out
    }
  }
}

/** Normalises the `message` of a put to a stream factory. */
export const toStream = (message: Uint8Array | (() => AsyncIterable<Uint8Array>)): (() => AsyncIterable<Uint8Array>) =>
  message instanceof Uint8Array
    ? async function* () {
        yield message
      }
    : message
