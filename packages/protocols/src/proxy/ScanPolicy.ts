/**
 * Runs the scanner on one whole message with the shared verdict cache, a deadline, and the
 * IMAP/POP3 failure policy: a fetch cannot be retried, so a scanner that throws, times out or
 * returns garbage lets the original bytes through (fail open) and is logged.
 *
 * @category models
 * @since 0.1.0
 */
import { messageKey, type MessageScanner, PASS, type ScanOutcome } from "./Scanner.ts"
import type { VerdictCache } from "./VerdictCache.ts"

export interface ScanPolicy {
  readonly scanner: MessageScanner
  readonly cache: VerdictCache
  readonly timeoutMs: number
  readonly onFailure: (reason: string, key: string) => void
}

const isOutcome = (v: unknown): v is ScanOutcome =>
  typeof v === "object" &&
  v !== null &&
  ((v as ScanOutcome).kind === "pass" ||
    ((v as ScanOutcome).kind === "rewrite" && (v as { bytes?: unknown }).bytes instanceof Uint8Array))

export const scanMessage = async (
  policy: ScanPolicy,
  bytes: Uint8Array
): Promise<{ outcome: ScanOutcome; key: string; failed: boolean }> => {
  const key = messageKey(bytes)
  const outcome = await policy.cache.resolve(key, async () => {
    let timer: ReturnType<typeof setTimeout> | undefined
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`scanner timed out after ${policy.timeoutMs} ms`)), policy.timeoutMs)
    })
    try {
      const result = await Promise.race([policy.scanner({ bytes, size: bytes.length, key }), deadline])
      if (!isOutcome(result)) throw new Error("scanner returned an invalid outcome")
      return result
    } catch (error) {
      policy.onFailure(error instanceof Error ? error.message : String(error), key)
      return undefined
    } finally {
      clearTimeout(timer)
    }
  })
  return { outcome: outcome ?? PASS, key, failed: outcome === undefined }
}
