/**
 * Asks a message's uncached list lookups by callback (`BlocklistProvider.ask`), all of them
 * together: one wait for the batch (a `Later`, which the pipeline waits for without a fiber; as
 * an effect, one `Effect.callback`), no fiber per lookup, and
 * one timer for the batch's deadlines (armed for the earliest one still pending, moved on when it
 * passes), instead of a child fiber and a timer per lookup (`Deadline.within`).
 *
 * The same guarantees as the runner's Effect path, lookup by lookup:
 * - a lookup still unanswered at its provider's `timeoutMillis` (counted from its own start; 0 =
 *   none) is cancelled and answered `Unknown: Timeout` "no answer within N ms", not in time;
 * - a throw from `ask` is `Unknown: ProviderError` with the thrown value's text, in time;
 * - every answer is validated; an answer told twice, or after a cancel, is ignored;
 * - at most `concurrency` lookups are asked at once, the next one when one is answered;
 * - interrupting the caller (the message's deadline) cancels every lookup still pending.
 *
 * **Gotchas**
 * - The timer runs on real time: the runner takes this path only under the runtime's own clock
 *   (a `TestClock` keeps the Effect path, where tests drive time).
 *
 * @internal
 */
import { Exit } from "effect"
import {
  type BlocklistAnswer,
  type BlocklistProvider,
  type BlocklistQuery,
  type Cancel,
  frozenQuery
} from "../Blocklist.ts"
import * as Deadline from "../Deadline.ts"
import * as Later from "../Later.ts"

/** One lookup of a batch; its provider has `ask`. */
export interface Asked {
  readonly provider: BlocklistProvider<unknown>
  readonly query: BlocklistQuery
}

/** What a lookup of the batch came to, and the `now` (epoch ms) it was asked at. */
export interface Told {
  readonly answer: BlocklistAnswer
  readonly inTime: boolean
  readonly start: number
}

const nothing: Cancel = () => {}

export const timedOut = (timeoutMillis: number): BlocklistAnswer => ({
  _tag: "Unknown",
  reason: "Timeout",
  detail: `no answer within ${timeoutMillis} ms`
})

/** A throw inside a provider, as the runner's Effect path words a defect. */
export const providerError = (thrown: unknown): BlocklistAnswer => ({
  _tag: "Unknown",
  reason: "ProviderError",
  detail: String(thrown).slice(0, 200)
})

/**
 * Asks `lookups` (see the module comment) when waited for. `now` reads the caller's clock;
 * `told(i, told)` is called once per lookup, in the order answers come, before the batch is done.
 */
export const askAll = (
  lookups: ReadonlyArray<Asked>,
  concurrency: number,
  now: () => number,
  validate: (raw: unknown) => BlocklistAnswer,
  told: (index: number, outcome: Told) => void
): Later.Later<void> =>
  Later.make<void>((resume) => {
    const count = lookups.length
    const cancels: Array<Cancel | undefined> = new Array(count)
    const deadlines: Array<number> = new Array(count).fill(Number.POSITIVE_INFINITY)
    const starts: Array<number> = new Array(count)
    const done: Array<boolean> = new Array(count).fill(false)
    let next = 0
    let open = 0
    let finished = 0
    let pumping = false
    let timer: Deadline.Timer | undefined
    let armedFor = Number.POSITIVE_INFINITY

    const settle = (i: number, answer: BlocklistAnswer, inTime: boolean) => {
      if (done[i]) return
      done[i] = true
      open--
      finished++
      cancels[i] = undefined
      told(i, { answer, inTime, start: starts[i]! })
      if (finished === count) {
        timer?.cancel()
        timer = undefined
        resume(Exit.void)
      } else if (!pumping) pump()
    }

    const expire = () => {
      timer = undefined
      const passed = armedFor
      armedFor = Number.POSITIVE_INFINITY
      // Compared with the deadline the timer was set for, not the clock: a timer may fire a
      // millisecond before the clock shows its deadline.
      pumping = true
      for (let i = 0; i < next; i++) {
        if (done[i] || deadlines[i]! > passed) continue
        const cancel = cancels[i]
        settle(i, timedOut(lookups[i]!.provider.timeoutMillis), false)
        stop(cancel)
      }
      pumping = false
      if (finished < count) pump()
    }

    /** Keeps the one timer set for the earliest deadline still pending. */
    const arm = () => {
      let earliest = Number.POSITIVE_INFINITY
      let length = 0
      for (let i = 0; i < next; i++)
        if (!done[i] && deadlines[i]! < earliest) {
          earliest = deadlines[i]!
          length = lookups[i]!.provider.timeoutMillis
        }
      if (earliest === armedFor) return
      timer?.cancel()
      timer = undefined
      armedFor = earliest
      // With the deadlines of that provider's length (`Deadline.timerUntil`), one Node timer for all.
      if (earliest !== Number.POSITIVE_INFINITY) timer = Deadline.timerUntil(length, earliest, expire)
    }

    /** `startedAt`: when the pump began, on the lanes' clock (`Deadline.now`, monotonic; not the caller's). */
    const start = (i: number, startedAt: number) => {
      const { provider, query } = lookups[i]!
      const at = now()
      starts[i] = at
      open++
      if (provider.timeoutMillis > 0) deadlines[i] = startedAt + provider.timeoutMillis
      let cancel: Cancel = nothing
      try {
        // An answer known at once is told inside `ask`, before its cancel is returned.
        cancel = provider.ask!(frozenQuery(query), at, (raw) => {
          if (!done[i]) {
            const answer = validate(raw)
            // A provider's own timeout is also "no answer in time", as on the Effect path.
            settle(i, answer, !(answer._tag === "Unknown" && answer.reason === "Timeout"))
          }
        })
      } catch (thrown) {
        settle(i, providerError(thrown), true)
        return
      }
      if (!done[i]) cancels[i] = cancel
    }

    const pump = () => {
      pumping = true
      // One reading for the lookups started together: those of one provider share one deadline,
      // so an answer does not move the timer on by a fraction of a millisecond (into a lane of
      // that odd length: the lanes' clock is not rounded to milliseconds as `Date.now()` was).
      const startedAt = Deadline.now()
      while (next < count && open < concurrency) start(next++, startedAt)
      pumping = false
      if (finished === count) return
      // Answers told while starting freed slots the loop above has already refilled.
      arm()
    }

    pump()
    if (finished === count) return nothing
    return () => {
      timer?.cancel()
      timer = undefined
      for (let i = 0; i < next; i++) {
        if (done[i]) continue
        done[i] = true
        stop(cancels[i])
      }
    }
  })

/** A provider's cancel; one that throws must not keep the others from being cancelled. */
const stop = (cancel: Cancel | undefined) => {
  try {
    cancel?.()
  } catch {
    // The lookup is already answered or abandoned; nothing is waiting for it any more.
  }
}
