/**
 * Sends the digest once a day at `quarantine.digest.at` (UTC) while `quarantine.digest.enabled`
 * is on. The clock is looked at once a minute against the settings in force, so a reload that
 * changes the time or switches the digest on or off applies without a restart. A gateway that
 * starts after the day's time sends that day's digest at once, unless it was sent already: the
 * ledger (`DigestLedger.ts`) records the run, in the data directory or, with `state.backend:
 * redis`, for the whole fleet, and its lock lets one run at a time, so every node of a fleet may
 * have the digest enabled and a recipient still gets one a day.
 * `schedule` is that minute tick as a fiber of the caller's scope: closing the scope stops it.
 *
 * @category services
 * @since 0.1.0
 */
import type { GatewayLog } from "../Log.ts"
import type { QuarantineStoreShape } from "@mailmoat/core"
import { Effect, Schedule, type Scope } from "effect"
import type { GatewaySettings } from "../Settings.ts"
import type { DigestLedger } from "./DigestLedger.ts"
import { runDailyDigest } from "./DigestRun.ts"

export interface DigestTickOptions {
  /** The fleet's link key (Redis); default the data directory's. */
  readonly key?: (() => Promise<Buffer>) | undefined
  /** The fleet's ledger (Redis); default the data directory's. */
  readonly ledger?: DigestLedger | undefined
}

/** One look at the clock: sends the day's digest when it is due. `now` is the gateway's `Clock`. */
export const digestTick = (
  settings: () => GatewaySettings,
  store: QuarantineStoreShape,
  logger: GatewayLog,
  now: () => number,
  options: DigestTickOptions = {}
): (() => Promise<void>) => {
  let running = false
  // The last day this process saw done, so the ledger is not asked every minute of the rest of it.
  let doneDay: string | undefined
  const tick = async () => {
    const s = settings()
    const d = s.config.quarantine.digest
    const t = new Date(now())
    const day = t.toISOString().slice(0, 10)
    if (!d.enabled || running || t.toISOString().slice(11, 16) < d.at || doneDay === day) return
    running = true
    try {
      const outcome = await runDailyDigest(s, store, t.getTime(), options)
      if (outcome.kind === "busy") {
        logger.debug("digest_busy", { holder: outcome.holder })
        return
      }
      doneDay = day
      if (outcome.kind === "done") return
      for (const r of outcome.results)
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
