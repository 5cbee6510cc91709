/**
 * Rations certificate minting for names clients choose. A mint is a few milliseconds of
 * JavaScript (ASN.1 encoding, then a signature), so a client sending a new allowed name per
 * handshake (a wildcard makes that free) could keep a core busy: the gate starts at most
 * `perSecond` mints a second after a `burst`, at most `concurrency` at a time, and lets at most
 * `maxWaiting` requests queue for a turn. Beyond that `run` declines at once and the caller
 * serves what it has (the listener's default certificate): work stays bounded whatever arrives.
 *
 * **Gotchas**
 * - Fairness is first come, first served: a flood can make a legitimate new name wait its turn
 *   (at most `maxWaiting / perSecond` seconds) or find the queue full. Cached names never pass
 *   through the gate.
 * - A request whose client has gone still runs when its turn comes (the leaf is cached for the
 *   next client).
 * - `configure` changes the rates in place (a configuration reload): what waits keeps its turn,
 *   the tokens saved are cut to the new burst, and a smaller `maxWaiting` declines only new
 *   requests.
 *
 * @category constructors
 * @since 0.1.0
 */

export interface MintGateOptions {
  /** Mints started per second once the burst is spent (default 20). */
  readonly perSecond?: number | undefined
  /** Mints that may start back to back after a quiet spell (default 20). */
  readonly burst?: number | undefined
  /** Mints running at once (default 2). */
  readonly concurrency?: number | undefined
  /** Requests waiting for a turn; one more is declined at once (default 100). */
  readonly maxWaiting?: number | undefined
  readonly now?: (() => number) | undefined
}

export interface MintGateStats {
  readonly started: number
  readonly declined: number
  readonly waiting: number
  readonly running: number
}

/** The rates a gate runs with (`make`'s options, defaults applied). */
export interface MintRates {
  readonly perSecond: number
  readonly burst: number
  readonly concurrency: number
  readonly maxWaiting: number
}

export interface MintGate {
  /** Runs `task` when it gets a turn; undefined (nothing runs) when too many already wait. */
  readonly run: <A>(task: () => Promise<A>) => Promise<A> | undefined
  readonly stats: () => MintGateStats
  /** The rates in force. */
  readonly rates: () => MintRates
  /** New rates from now on (absent ones keep theirs); throws, changing nothing, on a bad value. */
  readonly configure: (options: Omit<MintGateOptions, "now">) => void
}

const positive = (name: string, value: number) => {
  if (!(value > 0) || !Number.isFinite(value))
    throw new RangeError(`MintGate ${name} must be a positive number, got ${value}`)
  return value
}

/** A burst below one never holds a whole token: nothing would ever start. */
const atLeastOne = (name: string, value: number) => {
  if (!(value >= 1) || !Number.isFinite(value))
    throw new RangeError(`MintGate ${name} must be at least 1, got ${value}`)
  return value
}

/** setTimeout's longest delay; a longer one fires after 1 ms (a busy loop at a very slow rate). */
const MAX_DELAY_MILLIS = 2 ** 31 - 1

const notNegative = (name: string, value: number) => {
  if (!(value >= 0) || !Number.isFinite(value))
    throw new RangeError(`MintGate ${name} must be a number >= 0, got ${value}`)
  return value
}

const ratesOf = (options: Omit<MintGateOptions, "now">, base: MintRates): MintRates => ({
  perSecond: positive("perSecond", options.perSecond ?? base.perSecond),
  burst: atLeastOne("burst", options.burst ?? base.burst),
  concurrency: positive("concurrency", options.concurrency ?? base.concurrency),
  maxWaiting: notNegative("maxWaiting", options.maxWaiting ?? base.maxWaiting)
})

/** 20 a second after a burst of 20, two at a time, 100 waiting. */
export const DEFAULT_RATES: MintRates = { perSecond: 20, burst: 20, concurrency: 2, maxWaiting: 100 }

export const make = (options: MintGateOptions = {}): MintGate => {
  let { perSecond, burst, concurrency, maxWaiting } = ratesOf(options, DEFAULT_RATES)
  const now = options.now ?? (() => Date.now())
  const queue: Array<() => void> = []
  let tokens = burst
  let refilledAt = now()
  let running = 0
  let started = 0
  let declined = 0
  let timer: ReturnType<typeof setTimeout> | undefined

  const refill = () => {
    const t = now()
    // A clock stepped back (NTP, an admin) would take tokens away for as long as the step.
    tokens = Math.min(burst, tokens + (Math.max(0, t - refilledAt) * perSecond) / 1000)
    refilledAt = t
  }

  const pump = (): void => {
    refill()
    while (queue.length > 0 && running < concurrency && tokens >= 1) {
      tokens -= 1
      running++
      started++
      queue.shift()!()
    }
    // Waiting for a token (a finished mint calls pump itself when only concurrency was short).
    if (queue.length > 0 && running < concurrency && timer === undefined) {
      timer = setTimeout(
        () => {
          timer = undefined
          pump()
        },
        Math.min(MAX_DELAY_MILLIS, Math.max(1, Math.ceil(((1 - tokens) * 1000) / perSecond)))
      )
    }
  }

  const run = <A>(task: () => Promise<A>): Promise<A> | undefined => {
    refill()
    const startsNow = queue.length === 0 && running < concurrency && tokens >= 1
    if (!startsNow && queue.length >= maxWaiting) {
      declined++
      return undefined
    }
    return new Promise<A>((resolve, reject) => {
      queue.push(() => {
        Promise.resolve()
          .then(task)
          .then(resolve, reject)
          .finally(() => {
            running--
            pump()
          })
      })
      pump()
    })
  }

  const configure = (next: Omit<MintGateOptions, "now">): void => {
    const rates = ratesOf(next, { perSecond, burst, concurrency, maxWaiting })
    refill()
    ;({ perSecond, burst, concurrency, maxWaiting } = rates)
    tokens = Math.min(tokens, burst)
    // A wait for a token was timed at the old rate.
    if (timer !== undefined) {
      clearTimeout(timer)
      timer = undefined
    }
    pump()
  }

  return {
    run,
    stats: () => ({ started, declined, waiting: queue.length, running }),
    rates: () => ({ perSecond, burst, concurrency, maxWaiting }),
    configure
  }
}
