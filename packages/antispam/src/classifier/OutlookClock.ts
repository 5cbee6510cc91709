/**
 * The clock Outlook and Outlook Express write into the names they make. Both build their
 * Message-ID and their MIME boundaries from the time of sending as a Windows FILETIME (100 ns
 * since 1601, UTC), its high 32 bits in hex, which step once every 429 s. The Date they write
 * comes from the same clock, and a relay stamps the message within minutes; bulk tools that copy
 * the forms fill them with random digits, so the time they encode is years or centuries away.
 *
 * @category constructors
 * @since 0.5.0
 */
import type { ReceivedHop } from "@mailmoat/core"
import { parseDate } from "./HeaderAnomalies.ts"

/** FILETIME steps of the high 32 bits per millisecond of Unix time, and the value at 1970. */
const STEPS_PER_MS = 1e4 / 2 ** 32
const STEPS_AT_1970 = (11_644_473_600 * 1e7) / 2 ** 32
/** About 30 hours: a message held in an outbox, a relay's queue, a clock in another zone. */
const TOLERANCE = 250
/** Received stamps read at most. */
const MAX_HOPS = 20

/** The FILETIME high word (in 429 s steps) of a time in Unix milliseconds. */
const stepsOf = (ms: number): number => ms * STEPS_PER_MS + STEPS_AT_1970

/**
 * Whether a FILETIME high word (`steps`) is more than ~30 hours from `date` and from every
 * parsing stamp of `received`; false when no time parses (nothing to compare with). A machine
 * with a wrong clock writes the same wrong time into the name and the Date, so it never counts.
 */
export const fileTimeFarFromMessage = (
  steps: number,
  date: string | undefined,
  received: ReadonlyArray<ReceivedHop>
): boolean => {
  let known = false
  const near = (value: string | undefined): boolean => {
    const t = parseDate(value)
    if (t === undefined) return false
    known = true
    return Math.abs(steps - stepsOf(t)) < TOLERANCE
  }
  if (near(date)) return false
  const n = Math.min(received.length, MAX_HOPS)
  for (let i = 0; i < n; i++) if (near(received[i]!.date)) return false
  return known
}
