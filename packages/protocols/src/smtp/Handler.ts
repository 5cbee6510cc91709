/**
 * The contract between the SMTP ingress (the protocol state machine and socket driver) and
 * whoever decides what happens to mail (the gateway). The ingress knows SMTP; the handler knows
 * policy and delivery. Every callback may be slow (DNS, downstream); the ingress applies its own
 * deadlines and answers 451 when a callback fails or throws.
 *
 * A callback answers with the value itself when it knows it at once, or with a promise
 * (`Answer`): an answer given at once is acted on at once, without a promise or a microtask.
 *
 * @category models
 * @since 0.1.0
 */
import type { Envelope } from "@mailmoat/core"
import type { Answer } from "./Answer.ts"

export interface SmtpReply {
  readonly code: number
  /** Enhanced status code (RFC 3463), e.g. "2.0.0". */
  readonly enhanced?: string | undefined
  readonly text: string
}

export interface SmtpSessionInfo {
  readonly id: string
  readonly clientAddress: string
  readonly clientPort: number
  readonly localAddress: string
  readonly localPort: number
  readonly helo: string
  readonly tls: boolean
  readonly authenticatedUser?: string | undefined
  readonly sessionFlags: ReadonlySet<"bypassAntispam">
}

/**
 * A received message body: CRLF line ends, dot-unstuffed, bare CR/LF normalised. Small messages
 * stay in memory; larger ones are spilled to a temporary file, so a 50 MB message never needs
 * 50 MB of heap.
 */
export interface Spool {
  readonly size: number
  /** The first bytes of the message (bounded, for scanning). */
  readonly head: Uint8Array
  /** True when `head` holds the whole message. */
  readonly complete: boolean
  /** Streams the whole message from the start; may be called more than once. */
  stream(): AsyncIterable<Uint8Array>
  /** Frees the memory / removes the temporary file. Idempotent. */
  dispose(): Promise<void>
}

export interface AuthRequest {
  readonly mechanism: "PLAIN" | "LOGIN"
  readonly username: string
  readonly password: string
}

export interface AuthResult {
  readonly ok: boolean
  /** Flags a trusted relay's authenticated session carries (edge -> hub). */
  readonly flags?: ReadonlyArray<"bypassAntispam"> | undefined
}

export interface SmtpHandler {
  /** Called after accept; a 4xx/5xx reply is sent instead of the greeting and the connection closed. */
  readonly onConnect?: (session: SmtpSessionInfo) => Answer<SmtpReply | undefined>
  readonly onAuth?: (session: SmtpSessionInfo, request: AuthRequest) => Answer<AuthResult>
  /** Undefined accepts with 250. */
  readonly onMailFrom?: (
    session: SmtpSessionInfo,
    address: string,
    params: ReadonlyMap<string, string>
  ) => Answer<SmtpReply | undefined>
  /** Undefined accepts with 250. `accepted` lists the recipients accepted so far in this transaction. */
  readonly onRcptTo?: (
    session: SmtpSessionInfo,
    mailFrom: string,
    recipient: string,
    accepted: ReadonlyArray<string>
  ) => Answer<SmtpReply | undefined>
  /**
   * Called after the final dot. The reply is sent as is: it must be 250 only when the message is
   * durably handed off. The spool is disposed by the ingress once the answer is there.
   */
  readonly onData: (session: SmtpSessionInfo, envelope: Envelope.Envelope, spool: Spool) => Answer<SmtpReply>
  /** Called when a transaction ends without DATA (RSET, QUIT, disconnect), to release resources. */
  readonly onTransactionAbort?: (session: SmtpSessionInfo) => void
  /**
   * Called once when the session is over (its closing reply was sent, or the client went away),
   * after any `onTransactionAbort`: release what was kept for the whole session.
   */
  readonly onDisconnect?: (session: SmtpSessionInfo) => void
}
