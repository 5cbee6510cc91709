/**
 * Where accepted mail goes: the seam between the gateway's SMTP handler and the two delivery
 * modes (local Maildir, before-queue relay to a downstream server). Both resolve only after the
 * durable hand-off, and report each recipient's fate.
 *
 * @category services
 * @since 0.1.0
 */
import { Delivery, type Smtp } from "@mailmoat/protocols"
import { isLocal, notLocal } from "./LocalDomains.ts"

export interface Transaction {
  readonly sessionId: string
  readonly mailFrom: string
  readonly size: number
  readonly eightBitMime: boolean
  readonly smtputf8: boolean
}

export interface Handoff {
  /** Human-readable destination, printed at start ("maildir /path", "smtp://host:port"). */
  readonly describe: string
  /**
   * Called for each RCPT TO: undefined accepts; a reply refuses that recipient (relay mode passes
   * the downstream's refusal back per recipient).
   */
  readonly recipient: (tx: Transaction, recipient: string) => Promise<Smtp.SmtpReply | undefined>
  /**
   * Hands the message off to `recipients`; per-recipient results (a recipient the downstream
   * refused has `accepted: false`). Transaction-level failures throw a `DeliveryError`.
   */
  readonly deliver: (
    tx: Transaction,
    recipients: ReadonlyArray<string>,
    source: () => AsyncIterable<Uint8Array>
  ) => Promise<ReadonlyArray<Delivery.RecipientResult>>
  /** The session's transaction is over (after DATA, RSET, QUIT, disconnect): release its resources. */
  readonly end: (sessionId: string) => void
  /** The client session is over: release what was kept for the whole session (a downstream connection). */
  readonly release: (sessionId: string) => void
  /** Closes everything (shutdown). */
  readonly close: () => Promise<void>
}

/**
 * Local Maildir delivery: a recipient in one of `domains` (or any, with "every") is accepted at
 * RCPT, others get 550 5.1.1; DATA writes one copy each.
 */
export const maildirHandoff = (root: string, hostname: string, domains: ReadonlyArray<string> | "every"): Handoff => {
  const maildir = new Delivery.MaildirDelivery({ root, hostname })
  return {
    describe: `maildir ${root}`,
    recipient: async (_tx, recipient) =>
      domains === "every" || isLocal(recipient, domains) ? undefined : notLocal(recipient),
    deliver: async (_tx, recipients, source) => {
      const results = await maildir.deliver(recipients, source)
      return results.map((r) => ({
        recipient: r.recipient,
        accepted: true,
        reply: { code: 250, enhanced: "2.0.0", text: `stored ${r.path}` }
      }))
    },
    end: () => undefined,
    release: () => undefined,
    close: async () => undefined
  }
}
