/**
 * Sends the digest once a day at `quarantine.digest.at` (UTC) while `quarantine.digest.enabled`
 * is on. The clock is looked at once a minute against the settings in force, so a reload that
 * changes the time or switches the digest on or off applies without a restart. A gateway that
 * starts after the day's time sends that day's digest at once, unless it was sent already (the
 * run is recorded in the data directory; gateways sharing a quarantine should enable it on one).
 * `schedule` is that minute tick as a fiber of the caller's scope: closing the scope stops it.
 *
 * @category services
 * @since 0.1.0
 */
import type { GatewayLog } from "../Log.ts"
import type { QuarantineStoreShape } from "@mailmoat/core"
import { Effect, Schedule, type Scope } from "effect"
import type { GatewaySettings } from "../Settings.ts"
import { lastDigestRun, runDigest } from "./DigestRun.ts"

/** One look at the clock: sends the day's digest when it is due. `now` is the gateway's `Clock`. */
export const digestTick = (
  settings: () => GatewaySettings,
  store: QuarantineStoreShape,
  logger: GatewayLog,
  now: () => number,
  /** The fleet's link key (Redis); default the data directory's. */
  key?: (() => Promise<Buffer>) | undefined
): (() => Promise<void>) => {
  let running = false
  const tick = async () => {
    const s = settings()
    const d = s.config.quarantine.digest
    const t = new Date(now())
    const day = t.toISOString().slice(0, 10)
    if (!d.enabled || running || t.toISOString().slice(11, 16) < d.at || lastDigestRun(s.dataDir)?.slice(0, 10) === day)
      return
    running = true
    try {
      const results = await runDigest(s, store, t.getTime(), key)
      for (const r of results)
        if (r.sent) logger.info("digest_sent", { to: r.recipient, messages: r.messages })
        else logger.warn("digest_failed", { to: r.recipient, messages: r.messages, error: r.error })
    } catch (e) {
      logger.warn("digest_failed", { error: (e as Error).message })
    } finally {
      running = false
    }
  }
  return tick
}

/** The tick at once and then once a minute, forked into the scope (interrupted when it closes). */
export const schedule = (tick: () => Promise<void>): Effect.Effect<void, never, Scope.Scope> =>
  Effect.asVoid(Effect.forkScoped(Effect.repeat(Effect.promise(tick), Schedule.spaced("1 minute"))))
