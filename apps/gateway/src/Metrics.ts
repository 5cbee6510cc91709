/**
 * The gateway's counters, served by the admin API as Prometheus text (`GET /metrics`) and as
 * JSON inside `GET /status`. Plain numbers in one object: one process, one event loop, so no
 * locking is needed, and nothing here can block mail processing.
 *
 * Message counters count SMTP transactions by the reply our client got (accepted = 250,
 * rejected = 5xx, tempfailed = 4xx); recipient counters count what happened to each recipient
 * copy (delivered, quarantined, dropped).
 *
 * @category models
 * @since 0.1.0
 */

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

  add(name: keyof Counters, n = 1): void {
    this.counters[name] += n
  }

  /** Counts a final DATA reply by its class. */
  reply(code: number): void {
    if (code < 300) this.add("messagesAccepted")
    else if (code < 500) this.add("messagesTempfailed")
    else this.add("messagesRejected")
  }

  snapshot(): Readonly<Counters> {
    return { ...this.counters }
  }

  /** Prometheus text exposition format (version 0.0.4). */
  prometheus(): string {
    return (Object.keys(this.counters) as Array<keyof Counters>)
      .map((k) => {
        const name = `mailmoat_${snake(k)}_total`
        return `# HELP ${name} ${HELP[k]}\n# TYPE ${name} counter\n${name} ${this.counters[k]}\n`
      })
      .join("")
  }
}
