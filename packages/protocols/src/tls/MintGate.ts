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

export interface MintGate {
  /** Runs `task` when it gets a turn; undefined (nothing runs) when too many already wait. */
  readonly run: <A>(task: () => Promise<A>) => Promise<A> | undefined
  readonly stats: () => MintGateStats
}

const positive = (name: string, value: number) => {
  if (!(value > 0) || !Number.isFinite(value))
    throw new RangeError(`MintGate ${name} must be a positive number, got ${value}`)
  return value
}

export const make = (options: MintGateOptions = {}): MintGate => {
  const perSecond = positive("perSecond", options.perSecond ?? 20)
  const burst = positive("burst", options.burst ?? 20)
  const concurrency = positive("concurrency", options.concurrency ?? 2)
  const maxWaiting = options.maxWaiting ?? 100
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
    tokens = Math.min(burst, tokens + ((t - refilledAt) * perSecond) / 1000)
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
        Math.max(1, Math.ceil(((1 - tokens) * 1000) / perSecond))
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

  return { run, stats: () => ({ started, declined, waiting: queue.length, running }) }
}
