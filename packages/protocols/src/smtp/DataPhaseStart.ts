/**
 * When a session's data phase starts: after the rest of the event loop's ready input, not in the
 * microtask right after the read that ended the message.
 *
 * A message's data phase begins with the session's longest synchronous step (the message model,
 * the classifier, the checks' first questions: ~0.8 ms at the median and ~1.9 at p90 of the
 * gateway's ~2.4 ms per message on the peer workload's replay; see docs/performance.md, "The tail
 * at concurrency 20, 2026-12-07 late night"). Started in the microtask after its read, it ran before the other sockets the loop had
 * found ready in the same turn, so every reply those carried (other sessions' commands, the
 * downstream's replies that end a delivery, DNS answers that finish a verdict) waited behind it,
 * and behind every other message that ended in that turn. Started in the loop's check phase
 * (`setImmediate`), it runs once that input has been read and answered.
 *
 * **Gotchas**
 * - The start moves by at most what the loop's poll phase still has to run: a session's own
 *   order is unchanged (its queue waits for the data phase's answer either way), and no input of
 *   the session is read meanwhile that was not read before.
 * - `node:timers`' `setImmediate` (Bun and Deno provide it through their Node compatibility).
 *
 * @category constructors
 * @since 0.1.0
 */
import { setImmediate } from "node:timers"

/** Runs `start` in the event loop's check phase of this turn; settles as its answer does. */
export const afterReadyInput = <A>(start: () => A | Promise<A>): Promise<A> =>
  new Promise<A>((resolve, reject) => {
    setImmediate(() => {
      try {
        resolve(start())
      } catch (error) {
        reject(error)
      }
    })
  })
