/**
 * Opt-in submission of temporarily rejected messages to an analysis service
 * (`tempReject.submitForAnalysis` + `tempReject.analysisUrl`).
 *
 * `submit` only enqueues and returns at once: it never delays an SMTP reply. A small worker
 * POSTs each item with undici (`Content-Type: message/rfc822`, envelope in `X-Mailmoat-*`
 * headers), with a per-attempt timeout and retries with exponential backoff. The queue is
 * bounded: when full, the new item is dropped and counted. A dead endpoint costs one log line
 * per message and a counter, nothing else. Log lines (warnings) go to the logger of the fiber
 * that submitted the item, also for failures after the retries, long after `submit` returned.
 *
 * @category services
 * @since 0.1.0
 */
import { type Context, Effect } from "effect"
import { request } from "../net/Http.ts"

export interface AnalysisItem {
  readonly bytes: Uint8Array
  readonly sender: string
  readonly recipients: ReadonlyArray<string>
  readonly clientAddress: string
}

export interface SubmitterOptions {
  readonly url: string
  readonly timeoutMillis?: number | undefined
  readonly queueSize?: number | undefined
  /** Attempts per item (default 3) and the first backoff (default 500 ms, doubled each time). */
  readonly attempts?: number | undefined
  readonly backoffMillis?: number | undefined
  readonly concurrency?: number | undefined
}

export interface SubmitterCounters {
  queued: number
  sent: number
  failed: number
  dropped: number
  retries: number
}

export interface AnalysisSubmitter {
  /** Enqueues and returns at once; false when the queue was full and the item was dropped. */
  readonly submit: (item: AnalysisItem) => Effect.Effect<boolean>
  readonly counters: () => Readonly<SubmitterCounters>
  /** Resolves when the queue is empty and no item is in flight (tests, shutdown). */
  readonly drain: () => Promise<void>
  readonly close: () => void
}

export const make = (options: SubmitterOptions): AnalysisSubmitter => {
  const url = new URL(options.url)
  if (url.protocol !== "http:" && url.protocol !== "https:")
    throw new Error(`tempReject.analysisUrl: "${options.url}" is not an http(s) URL`)
  const timeout = options.timeoutMillis ?? 10_000
  const maxQueue = Math.max(1, options.queueSize ?? 100)
  const attempts = Math.max(1, options.attempts ?? 3)
  const backoff = options.backoffMillis ?? 500
  const concurrency = Math.max(1, options.concurrency ?? 2)
  const counters: SubmitterCounters = { queued: 0, sent: 0, failed: 0, dropped: 0, retries: 0 }
  /** Each item with the context of the fiber that submitted it (its logger). */
  const queue: Array<{ readonly item: AnalysisItem; readonly context: Context.Context<never> }> = []
  let active = 0
  let closed = false
  let idle: Array<() => void> = []

  const post = async (item: AnalysisItem): Promise<void> => {
    const res = await request(url, {
      method: "POST",
      body: item.bytes,
      headers: {
        "content-type": "message/rfc822",
        "x-mailmoat-sender": item.sender,
        "x-mailmoat-recipients": item.recipients.join(","),
        "x-mailmoat-client": item.clientAddress
      },
      headersTimeout: timeout,
      bodyTimeout: timeout,
      signal: AbortSignal.timeout(timeout)
    })
    await res.body.dump()
    if (res.statusCode < 200 || res.statusCode >= 300) throw new Error(`HTTP ${res.statusCode}`)
  }

  const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms).unref?.())

  const work = async ({ item, context }: (typeof queue)[number]) => {
    for (let i = 1; i <= attempts; i++) {
      try {
        await post(item)
        counters.sent++
        return
      } catch (e) {
        if (i === attempts || closed) {
          counters.failed++
          Effect.runForkWith(context)(
            Effect.logWarning(`analysis submission failed after ${i} attempt(s): ${(e as Error).message}`)
          )
          return
        }
        counters.retries++
        await sleep(backoff * 2 ** (i - 1))
      }
    }
  }

  const pump = () => {
    while (active < concurrency && queue.length > 0 && !closed) {
      const item = queue.shift()!
      active++
      void work(item).finally(() => {
        active--
        pump()
      })
    }
    if (active === 0 && queue.length === 0) {
      const waiters = idle
      idle = []
      for (const w of waiters) w()
    }
  }

  return {
    submit: (item) =>
      Effect.flatMap(Effect.context<never>(), (context) => {
        if (closed || queue.length >= maxQueue) {
          counters.dropped++
          return Effect.as(Effect.logWarning(`analysis queue full (${maxQueue}); submission dropped`), false)
        }
        counters.queued++
        queue.push({ item, context })
        queueMicrotask(pump)
        return Effect.succeed(true)
      }),
    counters: () => ({ ...counters }),
    drain: () => (active === 0 && queue.length === 0 ? Promise.resolve() : new Promise<void>((r) => idle.push(r))),
    close: () => {
      closed = true
      queue.length = 0
      pump()
    }
  }
}
