// Envelope.make as it was before its defaults were made only when needed: the oracle.
import { type Envelope, normaliseIp } from "../../src/Envelope.ts"

export const makeBefore = (fields: Partial<Envelope> & Pick<Envelope, "clientAddress">): Envelope => ({
  helo: "",
  mailFrom: "",
  rcptTo: [],
  tls: false,
  sessionFlags: new Set(),
  receivedAt: Date.now(),
  ...fields,
  clientAddress: normaliseIp(fields.clientAddress)
})
