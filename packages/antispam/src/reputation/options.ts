/**
 * `antispam.reputation`: counters of how mail from a source was judged (client IP, its /24 or
 * /64, the authenticated sender domain), decayed with a half-life, and the weights that history
 * adds to the next message's score. Off by default.
 *
 * **Gotchas**
 * - The weights are the most a key kind can add: the stage scales them by the smoothed spam
 *   ratio. A weight set in `antispam.scores` for a `REPUTATION_*` symbol would replace the scaled
 *   score with a flat one, so it is refused at start and at reload.
 * - Changing `halfLifeHours` changes the width of the time buckets, so it starts a new history
 *   (the old one fades out of memory or expires in Redis).
 *
 * @category models
 * @since 0.1.0
 */
import { GatewayConfig } from "@mailmoat/core"
import { Schema } from "effect"

const { boolean, doc, int, number, section, withDefault } = GatewayConfig.Fields

const weights = (what: string, bad: number, good: number) =>
  Schema.Struct({
    bad: number(0, 100).pipe(doc(`Most a spam history of the ${what} adds to the score.`), withDefault(bad)),
    good: number(-100, 0).pipe(doc(`Most a ham history of the ${what} takes from the score.`), withDefault(good))
  }).pipe(section)

export const options = {
  reputation: Schema.Struct({
    enabled: boolean.pipe(
      doc("Count how mail from each client IP, network and authenticated domain was judged, and score by it."),
      withDefault(false)
    ),
    halfLifeHours: number(0.01, 24 * 365).pipe(
      doc("A judged message counts half after this long; histories older than five half-lives are gone."),
      withDefault(72)
    ),
    minMessages: int(1).pipe(
      doc("Judged messages (after decay) a key needs before its history scores."),
      withDefault(5)
    ),
    maxEntries: int(1).pipe(
      doc("Keys kept by the embedded store (least recently used dropped first; 0.3-0.9 KB of heap each)."),
      withDefault(100_000)
    ),
    ip: weights("client IP", 2, -1),
    network: weights("client network (/24, /64)", 1, -0.5),
    domain: weights("authenticated sender domain (SPF or DMARC pass)", 1.5, -1.5)
  }).pipe(section)
}
