/**
 * Re-injects a quarantined message where the gateway would have delivered it, with the original
 * envelope (MAIL FROM and the recipients it was quarantined for): to the configured downstream
 * through the protocols relay client, or into the local Maildir. Used by the admin API, the
 * quarantine page, digest links and `mailmoat quarantine release`.
 *
 * @category services
 * @since 0.1.0
 */
import type { QuarantineStoredMessage } from "@mailmoat/core"
import { Delivery } from "@mailmoat/protocols"
import type { DeliverySettings } from "../Settings.ts"

export interface ReinjectResult {
  readonly destination: string
  readonly accepted: ReadonlyArray<string>
  readonly refused: ReadonlyArray<{ readonly recipient: string; readonly reply: string }>
}

/** Hands a message to the configured delivery (Maildir, or the downstream with this envelope). */
export const deliverMessage = async (
  delivery: DeliverySettings,
  heloName: string,
  envelope: { readonly mailFrom: string; readonly rcptTo: ReadonlyArray<string>; readonly size: number },
  stream: () => AsyncIterable<Uint8Array>
): Promise<ReinjectResult> => {
  const d = delivery
  if (d.mode === "maildir") {
    const maildir = new Delivery.MaildirDelivery({ root: d.path, hostname: heloName })
    const results = await maildir.deliver(envelope.rcptTo, stream)
    return { destination: `maildir ${d.path}`, accepted: results.map((r) => r.recipient), refused: [] }
  }
  const results = await Delivery.send(
    {
      host: d.host,
      port: d.port,
      protocol: d.protocol,
      tls: d.tls,
      ...(d.servername ? { servername: d.servername } : {}),
      ...(d.ca ? { ca: d.ca } : {}),
      heloName,
      timeouts: { connectMs: 10_000, greetingMs: 30_000, dataEndMs: d.dataEndMs }
    },
    { mailFrom: envelope.mailFrom, rcptTo: envelope.rcptTo, size: envelope.size },
    stream()
  )
  return {
    destination: `${d.protocol} ${d.host}:${d.port}`,
    accepted: results.filter((r) => r.accepted).map((r) => r.recipient),
    refused: results
      .filter((r) => !r.accepted)
      .map((r) => ({
        recipient: r.recipient,
        reply: `${r.reply.code} ${r.reply.enhanced ?? ""} ${r.reply.text}`.replace(/\s+/g, " ").trim()
      }))
  }
}

/** Re-injects a quarantined message with its original envelope (the recipients it was quarantined for). */
export const reinject = (
  delivery: DeliverySettings,
  heloName: string,
  entry: QuarantineStoredMessage
): Promise<ReinjectResult> =>
  deliverMessage(
    delivery,
    heloName,
    {
      mailFrom: entry.meta.envelope.mailFrom,
      rcptTo: entry.meta.recipients.length > 0 ? entry.meta.recipients : entry.meta.envelope.rcptTo,
      size: entry.meta.size
    },
    entry.stream
  )
