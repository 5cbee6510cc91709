/**
 * The gateway's counters: plain numbers for `GET /status` (one process, one event loop, so no
 * locking is needed, and nothing here can block mail processing), mirrored into prom-client
 * counters served as Prometheus text on `GET /metrics` with the rest of the gateway's metrics
 * (`metrics/PromMetrics.ts`: verdicts, stage and list latencies, delivery outcomes, refusals,
 * quarantine size).
 *
 * Message counters count SMTP transactions by the reply our client got (accepted = 250,
 * rejected = 5xx, tempfailed = 4xx); recipient counters count what happened to each recipient
 * copy (delivered, quarantined, dropped).
 *
 * @category models
 * @since 0.1.0
 */
import type { Verdict } from "@mailmoat/core"
import { makePromMetrics } from "./metrics/PromMetrics.ts"

export interface Counters {
  connections: number
  messagesAccepted: number
  messagesRejected: number
  messagesTempfailed: number
  recipientsDelivered: number
  recipientsQuarantined: number
  recipientsDropped: number
  deliveryFailures: number
}

const HELP: Readonly<Record<keyof Counters, string>> = {
  connections: "SMTP connections accepted",
  messagesAccepted: "Messages answered with 250 after DATA",
  messagesRejected: "Messages answered with 5xx after DATA",
  messagesTempfailed: "Messages answered with 4xx after DATA",
  recipientsDelivered: "Recipient copies handed off (downstream 250 or Maildir fsync)",
  recipientsQuarantined: "Recipient copies stored in the quarantine",
  recipientsDropped: "Recipient copies dropped (accepted, not kept, no bounce)",
  deliveryFailures: "Failed hand-off attempts (downstream or Maildir)"
}

const snake = (s: string) => s.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)

export class Metrics {
  readonly counters: Counters = {
    connections: 0,
    messagesAccepted: 0,
    messagesRejected: 0,
    messagesTempfailed: 0,
    recipientsDelivered: 0,
    recipientsQuarantined: 0,
    recipientsDropped: 0,
    deliveryFailures: 0
  }

  readonly prom = makePromMetrics()
  private readonly mirrored = Object.fromEntries(
    (Object.keys(HELP) as Array<keyof Counters>).map((k) => [
      k,
      this.prom.counter(`mailmoat_${snake(k)}_total`, HELP[k])
    ])
  ) as Record<keyof Counters, ReturnType<typeof this.prom.counter>>

  add(name: keyof Counters, n = 1): void {
    this.counters[name] += n
    if (n > 0) this.mirrored[name].inc(n)
  }

  /** Counts a final DATA reply by its class. */
  reply(code: number): void {
    if (code < 300) this.add("messagesAccepted")
    else if (code < 500) this.add("messagesTempfailed")
    else this.add("messagesRejected")
  }

  /** One scanned message: each recipient's class and action, and the verdict's trace. */
  scanned(outcomes: ReadonlyArray<{ readonly verdict: Verdict; readonly action: { readonly _tag: string } }>): void {
    for (const o of outcomes) this.prom.verdict(o.verdict.class, o.action._tag.toLowerCase())
    if (outcomes[0] !== undefined) this.prom.trace(outcomes[0].verdict)
  }

  snapshot(): Readonly<Counters> {
    return { ...this.counters }
  }

  /** Prometheus text exposition format. */
  prometheus(): Promise<string> {
    return this.prom.text()
  }
}
