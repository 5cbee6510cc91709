/**
 * The scan size limit (`antispam.maxScanSizeKB`): 0 = unlimited; a value below `MIN_SCAN_KB`
 * was raised to it while decoding (`options.ts`). A message larger than the limit is not
 * scanned for spam. It passes, with the `SIZE_NOT_SCANNED` symbol saying why (size and limit),
 * so the trace is honest.
 *
 * @category models
 * @since 0.1.0
 */

/** The reason a message is not scanned, or undefined when it is within the limit. */
export const notScannedReason = (sizeBytes: number, maxScanSizeKB: number): string | undefined =>
  maxScanSizeKB > 0 && sizeBytes > maxScanSizeKB * 1024
    ? `message is ${Math.ceil(sizeBytes / 1024)} KB, larger than maxScanSizeKB ${maxScanSizeKB}; not scanned for spam`
    : undefined
