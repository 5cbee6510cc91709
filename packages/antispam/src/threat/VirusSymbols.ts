/**
 * Symbols of the SMTP path's virus scan (`antispam.virus`). The scan is not scored: its action
 * (`onVirus`, `onUnavailable`, `onOversize`) is applied to the recipients whatever the spam
 * score, so every weight is 0 and the symbols only record what happened: in the verdict's trace
 * and symbols, and so in the quarantine entry.
 *
 * @category models
 * @since 0.1.0
 */
import type { SymbolTable } from "@mailmoat/core"

export const VirusSymbols = {
  VIRUS_FOUND: {
    weight: 0,
    group: "virus",
    description: "clamd found a virus in the message; detail names the signature (onVirus applies)"
  },
  VIRUS_SCAN_UNAVAILABLE: {
    weight: 0,
    group: "virus",
    description: "clamd could not scan the message (down, timeout, error, unexpected answer; onUnavailable applies)"
  },
  VIRUS_SCAN_OVERSIZE: {
    weight: 0,
    group: "virus",
    description: "The message was larger than antispam.virus.maxSizeMB or clamd's StreamMaxLength (onOversize applies)"
  }
} as const satisfies SymbolTable
