/**
 * Record data as the contract's text, the same text Node's c-ares `Resolver` gives: A as a
 * dotted quad, AAAA as `inet_ntop` prints it, TXT's character-strings joined (each byte one
 * character, as Node reads them), MX as `"preference exchange"`.
 *
 * @category models
 * @since 0.1.0
 */

export const ipv4Text = (b: Uint8Array, at: number): string => `${b[at]}.${b[at + 1]}.${b[at + 2]}.${b[at + 3]}`

/**
 * RFC 5952 text as BIND's (and c-ares's) `inet_ntop` writes it: lower-case hex, the longest run
 * of two or more zero groups as `::` (the first when tied), and the last 32 bits as a dotted quad
 * for IPv4-compatible (`::a.b.c.d`) and IPv4-mapped (`::ffff:a.b.c.d`) addresses.
 */
export const ipv6Text = (b: Uint8Array, at: number): string => {
  const words: Array<number> = []
  for (let i = 0; i < 8; i++) words.push((b[at + 2 * i]! << 8) | b[at + 2 * i + 1]!)
  let bestBase = -1
  let bestLen = 0
  let curBase = -1
  let curLen = 0
  for (let i = 0; i < 8; i++) {
    if (words[i] === 0) {
      if (curBase < 0) {
        curBase = i
        curLen = 1
      } else curLen++
      if (curLen > bestLen) {
        bestBase = curBase
        bestLen = curLen
      }
    } else curBase = -1
  }
  if (bestLen < 2) bestBase = -1
  let out = ""
  for (let i = 0; i < 8; i++) {
    if (bestBase >= 0 && i >= bestBase && i < bestBase + bestLen) {
      if (i === bestBase) out += ":"
      continue
    }
    if (i !== 0) out += ":"
    if (i === 6 && bestBase === 0 && (bestLen === 6 || (bestLen === 5 && words[5] === 0xffff))) {
      out += ipv4Text(b, at + 12)
      break
    }
    out += words[i]!.toString(16)
  }
  if (bestBase >= 0 && bestBase + bestLen === 8) out += ":"
  return out
}

/** One TXT record's character-strings joined, or undefined when they do not fill `end` exactly. */
export const txtText = (b: Uint8Array, at: number, end: number): string | undefined => {
  let out = ""
  while (at < end) {
    const len = b[at]!
    if (at + 1 + len > end) return undefined
    for (let i = at + 1; i <= at + len; i++) out += String.fromCharCode(b[i]!)
    at += 1 + len
  }
  return out
}
