/**
 * The commands' one reading of the time: Effect's `Clock` service (the runtime's default clock
 * here), so a command never reads the system time another way.
 *
 * @since 0.1.0
 */
import { Clock, Effect } from "effect"

/** Milliseconds since the epoch, from `Clock`. */
export const now = (): number => Effect.runSync(Clock.currentTimeMillis)
