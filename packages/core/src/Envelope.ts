/**
 * The SMTP (or proxy) envelope of a message: who connected, what they said, and what the
 * session established (TLS, authentication, trusted-relay flags).
 *
 * @category models
 * @since 0.1.0
 */

/** Flags a trusted, authenticated session may set (edge -> hub relays). */
export type SessionFlag = "bypassAntispam"

export interface Envelope {
  /** Client IP, normalised: IPv4-mapped IPv6 (`::ffff:a.b.c.d`) is given as plain IPv4. */
  readonly clientAddress: string
  readonly clientPort?: number | undefined
  /** Forward-confirmed reverse DNS name of the client, when known. */
  readonly clientHostname?: string | undefined
  /** What the client announced in HELO/EHLO ("" when it never did). */
  readonly helo: string
  /** MAIL FROM address without angle brackets; "" is the null sender. */
  readonly mailFrom: string
  /** RCPT TO addresses without angle brackets, in the order given. */
  readonly rcptTo: ReadonlyArray<string>
  readonly tls: boolean
  /** SASL user name of an authenticated session. */
  readonly authenticatedUser?: string | undefined
  readonly sessionFlags: ReadonlySet<SessionFlag>
  /** Epoch milliseconds when the transaction started. */
  readonly receivedAt: number
  /** Our own address on this connection (used to recognise our own Received hop). */
  readonly localAddress?: string | undefined
}

/**
 * Builds an envelope, filling defaults for the fields a caller does not know. A default that
 * costs something (an empty set, the clock) is made only when the field is not given (the
 * session's phases build three envelopes per message).
 */
export const make = (fields: Partial<Envelope> & Pick<Envelope, "clientAddress">): Envelope => ({
  helo: "",
  mailFrom: "",
  rcptTo: [],
  tls: false,
  // A given field (even one given as undefined) is the spread's below, whatever stands here.
  sessionFlags: fields.sessionFlags ?? new Set(),
  receivedAt: fields.receivedAt ?? Date.now(),
  ...fields,
  clientAddress: normaliseIp(fields.clientAddress)
})

/** `::ffff:192.0.2.1` -> `192.0.2.1`; other addresses are returned lower-cased. */
export const normaliseIp = (ip: string): string => {
  const lower = ip.trim().toLowerCase()
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/.exec(lower)
  return mapped ? mapped[1]! : lower
}
