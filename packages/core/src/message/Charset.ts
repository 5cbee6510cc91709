/**
 * Bytes to text by a declared charset. Uses `TextDecoder` (WHATWG labels; ICU builds know the
 * legacy CJK and Cyrillic sets); an unknown or missing label falls back to a byte-preserving
 * latin1 mapping so text is never lost. Undeclared text is tried as strict UTF-8 first.
 *
 * @category internal
 * @since 0.1.0
 */
import { isAscii, toBinary } from "./Binary.ts"

type Decoder = InstanceType<typeof TextDecoder>

// Labels come from attacker-controlled headers: cache only labels the runtime knows, bounded.
const decoders = new Map<string, Decoder>()
const MAX_CACHED = 64
let strictUtf8: Decoder | undefined

const decoderFor = (label: string): Decoder | undefined => {
  const hit = decoders.get(label)
  if (hit) return hit
  if (label.length === 0 || label.length > 40) return undefined
  try {
    const d = new TextDecoder(label)
    if (decoders.size < MAX_CACHED) decoders.set(label, d)
    return d
  } catch {
    return undefined
  }
}

/** Strict UTF-8; undefined when the bytes are not valid UTF-8. */
export const utf8Strict = (bytes: Uint8Array): string | undefined => {
  strictUtf8 ??= new TextDecoder("utf-8", { fatal: true, ignoreBOM: true })
  try {
    return strictUtf8.decode(bytes)
  } catch {
    return undefined
  }
}

// ASCII bytes read the same in every ASCII-compatible charset; ISO-2022 (ESC sequences) and
// UTF-16/32 are 7-bit-looking but not ASCII-compatible, so they always go to the decoder.
const ASCII_INCOMPATIBLE = /^(?:utf-?(?:16|32)|ucs)/

/**
 * Whether `decode(bytes, charset)` gives the bytes one char each (ASCII text, compatible charset).
 * `ascii`: the bytes are known to be ASCII (they lie in a range found so), so not scanned again.
 */
export const readsAsBinary = (bytes: Uint8Array, charset: string | undefined, ascii = false): boolean => {
  if (!ascii && !isAscii(bytes)) return false
  const label = charset?.trim().toLowerCase()
  return !label || (!bytes.includes(0x1b) && !ASCII_INCOMPATIBLE.test(label))
}

/** Decodes `bytes` as `charset`; latin1 for unknown labels; strict UTF-8 then latin1 when absent. */
export const decode = (bytes: Uint8Array, charset: string | undefined): string => {
  const label = charset?.trim().toLowerCase()
  if (!label) return utf8Strict(bytes) ?? toBinary(bytes)
  if (isAscii(bytes) && !bytes.includes(0x1b) && !ASCII_INCOMPATIBLE.test(label)) return toBinary(bytes)
  const d = decoderFor(label)
  if (!d) return toBinary(bytes)
  try {
    return d.decode(bytes)
  } catch {
    return toBinary(bytes)
  }
}

/** Header text: raw UTF-8 (RFC 6532) when valid, else latin1. */
export const decodeHeaderBytes = (bytes: Uint8Array): string => utf8Strict(bytes) ?? toBinary(bytes)
