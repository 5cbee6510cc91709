/**
 * The clock every wait of a message is timed by: `performance.now()`, milliseconds that only go
 * forward, on Node, Bun and Deno alike. `Date.now()` is the wall clock: stepped forward (an NTP
 * correction, a suspended machine resumed, an operator's `date -s`) it ended every pending
 * deadline at once (a stage or a lookup timed out: an unsure or a 4xx), stepped back it held
 * them late by the step. Timers themselves (`setTimeout`) already run on the loop's monotonic
 * time; only the arithmetic around them read the wall clock.
 *
 * A time of this clock means nothing outside the process: a date to stamp (a trace's times, a
 * cache entry's expiry, a record shared through Redis) stays `Date.now()`'s or the `Clock`'s.
 *
 * Looked up at each call, as timers are: fake timers in tests (vitest's `vi.useFakeTimers` with
 * `"performance"` in `toFake`, its default) replace `performance`, and a faked `Date` stepped by
 * `vi.setSystemTime` does not move it.
 *
 * @internal
 */

const runtime = globalThis as unknown as { readonly performance: { now(): number } }

/** Milliseconds since an arbitrary origin of this process, never going back. */
export const now = (): number => runtime.performance.now()
