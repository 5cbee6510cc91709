/**
 * Before-queue relay: the downstream transaction is opened while our
 * client is still sending RCPT, so each downstream refusal goes back to the client for that very
 * recipient (the only place SMTP lets us answer per recipient), and our 250 after DATA is sent
 * only after the downstream's 250.
 *
 * One downstream connection per client session: taken at the first RCPT and kept for the
 * session's later transactions (a transaction that ends without DATA is reset downstream with
 * RSET). When the client session ends, a connection with no transaction open goes back to a
 * small pool of idle connections (at most `POOL_MAX`, each closed with QUIT after `IDLE_MS`
 * unused, by one timer for the whole pool) for the next session, instead of a QUIT and a new TCP connection, greeting and EHLO
 * per client session (RFC 5321 §3.3 lets one SMTP session carry any number of transactions).
 * A connection the downstream dropped in the meantime is replaced at the next RCPT (also when
 * the loss only shows at our MAIL on a kept or pooled connection: that one RCPT is tried once
 * more on a fresh connection). Operations of one session run one after the other
 * (`SerialOps.ts`).
 *
 * Round trips: a transaction's MAIL goes out with its first RCPT, and a transaction rebuilt at
 * DATA sends MAIL, the RCPTs and DATA together, in one write each when the downstream offers
 * PIPELINING (RFC 2920); the replies are read in order, so each recipient still gets its own.
 *
 * **Gotchas**
 * - At DATA the recipients to deliver may differ from those the downstream accepted at RCPT
 *   (some were quarantined, dropped, or get different verdict headers; a late handler answer
 *   after a timeout): the downstream transaction is then reset and rebuilt for exactly the
 *   recipients of this delivery. A downstream connection that died while the client was sending
 *   DATA is re-opened the same way.
 * - A downstream that is down at RCPT time gives 451 4.4.1 for that recipient (the client retries
 *   later); a refused MAIL FROM is passed back on every RCPT.
 * - SIZE sent downstream is the client's declared SIZE plus room for our headers.
 *
 * @category services
 * @since 0.1.0
 */
import { Delivery } from "@mailmoat/protocols"
import type { Handoff, Transaction } from "./Handoff.ts"
import * as Replies from "./Replies.ts"
import { SerialOps } from "./SerialOps.ts"

interface Downstream {
  client: Delivery.SmtpRelayClient | undefined
  inTransaction: boolean
  /** Whether `client` had been idle (kept or pooled) when `connected` gave it: it may be stale. */
  reused: boolean
  readonly ops: SerialOps
}

const HEADER_ROOM = 4096
/** Idle downstream connections kept for later sessions, and how long one may stay idle. */
const POOL_MAX = 32
const IDLE_MS = 30_000

const sameSet = (a: ReadonlyArray<string>, b: ReadonlyArray<string>): boolean => {
  if (a.length !== b.length) return false
  const s = new Set(a.map((x) => x.toLowerCase()))
  return b.every((x) => s.has(x.toLowerCase()))
}

export const relayHandoff = (options: Delivery.RelayOptions): Handoff => {
  const sessions = new Map<string, Downstream>()
  let closed = false

  const of = (sessionId: string): Downstream => {
    let d = sessions.get(sessionId)
    if (d === undefined) {
      d = { client: undefined, inTransaction: false, reused: false, ops: new SerialOps() }
      sessions.set(sessionId, d)
    }
    return d
  }

  const drop = (d: Downstream): void => {
    d.client?.close()
    d.client = undefined
    d.inTransaction = false
  }

  // Idle connections, most recently used last (the freshest is taken first), with when each was
  // parked. One timer for the pool, at the oldest's end of idleness, not one per parked
  // connection: a session's connection is parked and taken again once per client session.
  const idle: Array<{ readonly client: Delivery.SmtpRelayClient; readonly since: number }> = []
  let sweepTimer: ReturnType<typeof setTimeout> | undefined
  const sweep = (): void => {
    sweepTimer = undefined
    const now = performance.now()
    while (idle.length > 0 && now - idle[0]!.since >= IDLE_MS) void idle.shift()!.client.quit()
    armSweep(now)
  }
  const armSweep = (now: number): void => {
    if (sweepTimer !== undefined || idle.length === 0 || closed) return
    sweepTimer = setTimeout(sweep, Math.max(0, idle[0]!.since + IDLE_MS - now))
    sweepTimer.unref?.()
  }
  const park = (client: Delivery.SmtpRelayClient): boolean => {
    if (!client.usable || idle.length >= POOL_MAX) return false
    // Idleness on the monotonic clock: a wall clock stepped back must not keep a connection past IDLE_MS.
    const now = performance.now()
    idle.push({ client, since: now })
    armSweep(now)
    return true
  }
  const takeIdle = (): Delivery.SmtpRelayClient | undefined => {
    for (let entry = idle.pop(); entry !== undefined; entry = idle.pop()) {
      if (entry.client.usable) return entry.client
      entry.client.close()
    }
    return undefined
  }

  /**
   * The session's connection: at once when it has one or the pool does, else the promise of a new
   * one. `d.reused` says whether it had been idle (kept or pooled) and may be stale.
   */
  const connected = (d: Downstream): Delivery.SmtpRelayClient | Promise<Delivery.SmtpRelayClient> => {
    if (d.client?.usable) {
      d.reused = !d.inTransaction
      return d.client
    }
    drop(d)
    const pooled = takeIdle()
    d.reused = pooled !== undefined
    if (pooled !== undefined) return (d.client = pooled)
    return Delivery.SmtpRelayClient.connect(options).then((client) => (d.client = client))
  }

  const mailParams = (tx: Transaction): Delivery.MailParams => ({
    size: tx.size > 0 ? tx.size + HEADER_ROOM : undefined,
    eightBitMime: tx.eightBitMime,
    smtputf8: tx.smtputf8
  })

  return {
    describe: `${options.protocol ?? "smtp"}://${options.host}:${options.port} (before-queue, tls ${options.tls ?? "none"})`,

    recipient: (tx, recipient) => {
      const d = of(tx.sessionId)
      return d.ops.run(async () => {
        for (let attempt = 1; ; attempt++) {
          // A kept or pooled connection the downstream dropped while idle may fail only now, at our MAIL.
          let idleReuse = false
          try {
            const client = await connected(d)
            idleReuse = d.reused
            // The transaction's first RCPT goes out with its MAIL (one write when pipelining).
            const result = d.inTransaction
              ? await client.rcptTo(recipient)
              : (await client.begin(tx.mailFrom, mailParams(tx), [recipient]))[0]!
            d.inTransaction = true
            return result.accepted ? undefined : Replies.downstreamRefusal(result.reply)
          } catch (error) {
            // A refused MAIL FROM leaves a usable connection (MAIL is tried again at the next RCPT).
            if (d.client?.usable !== true) drop(d)
            const lost = error instanceof Delivery.DeliveryError && error.reason === "ConnectionLost"
            if (!(attempt === 1 && idleReuse && lost)) return Delivery.toClientReply(error)
          }
        }
      })
    },

    deliver: (tx, recipients, source) => {
      const d = of(tx.sessionId)
      return d.ops.run(async () => {
        try {
          const client = await connected(d)
          let results: ReadonlyArray<Delivery.RecipientResult>
          if (d.inTransaction && sameSet(client.acceptedRecipients, recipients)) {
            results = await client.data(source())
          } else {
            if (d.inTransaction) {
              await client.reset()
              d.inTransaction = false
            }
            // MAIL, the RCPTs and DATA in one write when pipelining.
            results = await client.transaction(tx.mailFrom, mailParams(tx), recipients, source())
          }
          d.inTransaction = client.inTransaction
          const all = new Map(results.map((r) => [r.recipient.toLowerCase(), r]))
          return recipients.map(
            (r) =>
              all.get(r.toLowerCase()) ?? {
                recipient: r,
                accepted: false,
                reply: { code: 451, enhanced: "4.3.0", text: "not sent" }
              }
          )
        } catch (error) {
          drop(d)
          throw error
        }
      })
    },

    end: (sessionId) => {
      const d = sessions.get(sessionId)
      // Nothing running and no transaction open (the usual end after DATA): nothing to do.
      if (d === undefined || (d.ops.idle && (!d.inTransaction || d.client === undefined))) return
      void d.ops.run(async () => {
        if (!d.inTransaction || d.client === undefined) return
        try {
          await d.client.reset()
          d.inTransaction = false
        } catch {
          drop(d)
        }
      })
    },

    release: (sessionId) => {
      const d = sessions.get(sessionId)
      if (d === undefined) return
      sessions.delete(sessionId)
      void d.ops.run(async () => {
        const client = d.client
        d.client = undefined
        if (client === undefined) return
        // A connection in the middle of a transaction (an RSET that failed) is not handed on.
        if (!d.inTransaction && !closed && park(client)) return
        await client.quit()
      })
    },

    close: async () => {
      closed = true
      const all = [...sessions.values()]
      sessions.clear()
      const parked = idle.splice(0)
      if (sweepTimer !== undefined) clearTimeout(sweepTimer)
      sweepTimer = undefined
      await Promise.all([
        ...all.map((d) => d.ops.run(async () => d.client?.quit())),
        ...parked.map((p) => p.client.quit())
      ])
    }
  }
}
