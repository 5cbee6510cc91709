/**
 * PEM armour (RFC 7468): DER bytes <-> base64 between `-----BEGIN <label>-----` lines.
 *
 * `decodeAll` never throws: text that is not PEM yields no blocks, so callers decide how to
 * report a bad file.
 *
 * @category models
 * @since 0.1.0
 */

export interface PemBlock {
  readonly label: string
  readonly der: Uint8Array
}

const b64Alphabet = /^[A-Za-z0-9+/]*={0,2}$/

const toBase64 = (bytes: Uint8Array): string => {
  let s = ""
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000))
  return btoa(s)
}

const fromBase64 = (text: string): Uint8Array | undefined => {
  if (text.length % 4 !== 0 || !b64Alphabet.test(text)) return undefined
  const bin = atob(text)
  const out = new Uint8Array(bin.length)
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i)
  return out
}

/** Wraps DER in PEM with 64-character lines (what OpenSSL writes). */
export const encode = (label: string, der: Uint8Array): string => {
  const b64 = toBase64(der)
  const lines: Array<string> = []
  for (let i = 0; i < b64.length; i += 64) lines.push(b64.slice(i, i + 64))
  return `-----BEGIN ${label}-----\n${lines.join("\n")}\n-----END ${label}-----\n`
}

const blockRe = /-----BEGIN ([A-Z0-9 ]{1,64})-----([\s\S]*?)-----END \1-----/g

/** Every well-formed PEM block in `text`, in order; malformed blocks are skipped. */
export const decodeAll = (text: string): ReadonlyArray<PemBlock> => {
  const out: Array<PemBlock> = []
  for (const m of text.matchAll(blockRe)) {
    const der = fromBase64(m[2]!.replace(/\s+/g, ""))
    if (der !== undefined && der.length > 0) out.push({ label: m[1]!, der })
  }
  return out
}

/** The first block with `label`, if any. */
export const decode = (text: string, label: string): Uint8Array | undefined =>
  decodeAll(text).find((b) => b.label === label)?.der
