/**
 * Before-queue relay: the downstream transaction is opened while our
 * client is still sending RCPT, so each downstream refusal goes back to the client for that very
 * recipient (the only place SMTP lets us answer per recipient), and our 250 after DATA is sent
 * only after the downstream's 250.
 *
 * One downstream connection per client session: opened at the first RCPT and kept for the
 * session's later transactions (a transaction that ends without DATA is reset downstream with
 * RSET), closed (QUIT) when the client session ends. A client cycling MAIL/RCPT/RSET therefore
 * costs one downstream connection, not one per cycle. A connection the downstream dropped in the
 * meantime is replaced at the next RCPT (also when the loss only shows at our MAIL: that one
 * RCPT is tried once more on a fresh connection). Operations of one session run one after the other on a
 * small promise queue.
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

interface Downstream {
  client: Delivery.SmtpRelayClient | undefined
  inTransaction: boolean
  queue: Promise<unknown>
}

const HEADER_ROOM = 4096

const sameSet = (a: ReadonlyArray<string>, b: ReadonlyArray<string>): boolean => {
  if (a.length !== b.length) return false
  const s = new Set(a.map((x) => x.toLowerCase()))
  return b.every((x) => s.has(x.toLowerCase()))
}

export const relayHandoff = (options: Delivery.RelayOptions): Handoff => {
  const sessions = new Map<string, Downstream>()

  const of = (sessionId: string): Downstream => {
    let d = sessions.get(sessionId)
    if (d === undefined) {
      d = { client: undefined, inTransaction: false, queue: Promise.resolve() }
      sessions.set(sessionId, d)
    }
    return d
  }

  /** Runs `f` after the session's previous downstream operation. */
  const serial = <A>(d: Downstream, f: () => Promise<A>): Promise<A> => {
    const run = d.queue.then(f, f)
    d.queue = run.catch(() => undefined)
    return run
  }

  const drop = (d: Downstream): void => {
    d.client?.close()
    d.client = undefined
    d.inTransaction = false
  }

  const connected = async (d: Downstream): Promise<Delivery.SmtpRelayClient> => {
    if (d.client?.usable) return d.client
    drop(d)
    d.client = await Delivery.SmtpRelayClient.connect(options)
    return d.client
  }

  const begin = async (d: Downstream, client: Delivery.SmtpRelayClient, tx: Transaction): Promise<void> => {
    if (d.inTransaction) return
    await client.mailFrom(tx.mailFrom, {
      size: tx.size > 0 ? tx.size + HEADER_ROOM : undefined,
      eightBitMime: tx.eightBitMime,
      smtputf8: tx.smtputf8
    })
    d.inTransaction = true
  }

  return {
    describe: `${options.protocol ?? "smtp"}://${options.host}:${options.port} (before-queue, tls ${options.tls ?? "none"})`,

    recipient: (tx, recipient) => {
      const d = of(tx.sessionId)
      return serial(d, async () => {
        for (let attempt = 1; ; attempt++) {
          // A kept connection the downstream dropped while idle may fail only now, at our MAIL.
          const idleReuse = d.client?.usable === true && !d.inTransaction
          try {
            const client = await connected(d)
            await begin(d, client, tx)
            const result = await client.rcptTo(recipient)
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
      return serial(d, async () => {
        try {
          const client = await connected(d)
          const refused: Array<Delivery.RecipientResult> = []
          if (!(d.inTransaction && sameSet(client.acceptedRecipients, recipients))) {
            if (d.inTransaction) {
              await client.reset()
              d.inTransaction = false
            }
            await begin(d, client, tx)
            for (const r of recipients) {
              const result = await client.rcptTo(r)
              if (!result.accepted) refused.push(result)
            }
          }
          if (client.acceptedRecipients.length === 0) return refused
          const delivered = await client.data(source())
          d.inTransaction = false
          const all = new Map([...refused, ...delivered].map((r) => [r.recipient.toLowerCase(), r]))
          return recipients.map((r) => all.get(r.toLowerCase()) ?? { recipient: r, accepted: false, reply: { code: 451, enhanced: "4.3.0", text: "not sent" } })
        } catch (error) {
          drop(d)
          throw error
        }
      })
    },

    end: (sessionId) => {
      const d = sessions.get(sessionId)
      if (d === undefined) return
      void serial(d, async () => {
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
      void serial(d, async () => {
        const client = d.client
        d.client = undefined
        await client?.quit()
      })
    },

    close: async () => {
      const all = [...sessions.values()]
      sessions.clear()
      await Promise.all(all.map((d) => serial(d, async () => d.client?.quit())))
    }
  }
}
