/**
 * Work bounds for one message. Hitting a MIME bound sets
 * `BodyFacts.limitsHit`, which policy must read as "scan incomplete", never as "clean".
 *
 * @category models
 * @since 0.1.0
 */

export interface MimeLimits {
  /** Deepest multipart / message/rfc822 nesting that is walked (root = 0). */
  readonly maxDepth: number
  /** Parts walked in the whole tree, root included. */
  readonly maxParts: number
  /** Decoded bytes kept for one leaf part. */
  readonly maxPartBytes: number
  /** Decoded bytes kept over all leaf parts, handed out in tree order. */
  readonly maxTotalBytes: number
  /** Characters of text (plain + reduced HTML + HTML source) scanned for URLs, hosts and IPs. */
  readonly maxScanChars: number
  /** Entries kept in each of `urls`, `hosts` and `ips`. */
  readonly maxUrls: number
}

export const defaults: MimeLimits = {
  maxDepth: 20,
  maxParts: 500,
  maxPartBytes: 16 * 1024 * 1024,
  maxTotalBytes: 64 * 1024 * 1024,
  maxScanChars: 2 * 1024 * 1024,
  maxUrls: 1000
}

/** Defaults overlaid with the given fields; non-finite or negative values keep the default. */
export const resolve = (partial: Partial<MimeLimits> | undefined): MimeLimits => {
  if (!partial) return defaults
  const pick = (k: keyof MimeLimits): number => {
    const v = partial[k]
    return typeof v === "number" && v >= 0 && Number.isFinite(v) ? Math.floor(v) : defaults[k]
  }
  return {
    maxDepth: pick("maxDepth"),
    maxParts: pick("maxParts"),
    maxPartBytes: pick("maxPartBytes"),
    maxTotalBytes: pick("maxTotalBytes"),
    maxScanChars: pick("maxScanChars"),
    maxUrls: pick("maxUrls")
  }
}
