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

export const reinject = async (delivery: DeliverySettings, heloName: string, entry: QuarantineStoredMessage): Promise<ReinjectResult> => {
  const d = delivery
  const recipients = entry.meta.recipients.length > 0 ? entry.meta.recipients : entry.meta.envelope.rcptTo
  if (d.mode === "maildir") {
    const maildir = new Delivery.MaildirDelivery({ root: d.path, hostname: heloName })
    const results = await maildir.deliver(recipients, entry.stream)
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
    { mailFrom: entry.meta.envelope.mailFrom, rcptTo: recipients, size: entry.meta.size },
    entry.stream()
  )
  return {
    destination: `${d.protocol} ${d.host}:${d.port}`,
    accepted: results.filter((r) => r.accepted).map((r) => r.recipient),
    refused: results.filter((r) => !r.accepted).map((r) => ({ recipient: r.recipient, reply: `${r.reply.code} ${r.reply.enhanced ?? ""} ${r.reply.text}`.replace(/\s+/g, " ").trim() }))
  }
}
