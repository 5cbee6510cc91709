/**
 * Why a hand-off (relay downstream, Maildir write) failed, and whether the sender may retry.
 *
 * `temporary` is the only thing the gateway needs to choose between 4xx and 5xx: connection
 * refused, timeouts, a lost connection, TLS problems, malformed replies, 4xx replies and local I/O
 * errors are temporary (the client must get 4xx, never 250-and-lost); only an
 * explicit 5xx from the downstream is permanent.
 *
 * @category errors
 * @since 0.1.0
 */
import type { SmtpReply } from "../smtp/Handler.ts"

export type DeliveryErrorReason =
  /** TCP connect failed (refused, unreachable, DNS). */
  | "ConnectFailed"
  /** A step did not complete within its deadline. */
  | "Timeout"
  /** The downstream closed the connection (or it broke) before the step completed. */
  | "ConnectionLost"
  /** STARTTLS required but not offered, refused, or the certificate did not verify. */
  | "TlsFailed"
  /** The downstream's bytes were not SMTP replies. */
  | "Protocol"
  /** The downstream answered with a 4xx/5xx where we needed a 2xx/3xx. */
  | "Rejected"
  /** A local file-system error (ENOSPC, EIO, EACCES, ...). */
  | "LocalIo"

export class DeliveryError extends Error {
  readonly _tag = "DeliveryError"
  override readonly name = "DeliveryError"

  constructor(
    readonly reason: DeliveryErrorReason,
    message: string,
    /** The downstream's reply when there was one (reason "Rejected"). */
    readonly reply?: SmtpReply | undefined,
    override readonly cause?: unknown
  ) {
    super(message)
  }

  /** Only an explicit downstream 5xx is permanent; everything else may succeed later. */
  get temporary(): boolean {
    return !(this.reason === "Rejected" && this.reply !== undefined && this.reply.code >= 500)
  }
}

/** The SMTP reply our client should get for a failed hand-off (451 4.4.x / 4.3.0, or the 5xx). */
export const toClientReply = (error: unknown): SmtpReply => {
  if (!(error instanceof DeliveryError))
    return { code: 451, enhanced: "4.3.0", text: "Temporary local problem, try again later" }
  switch (error.reason) {
    case "ConnectFailed":
      return { code: 451, enhanced: "4.4.1", text: "Downstream server unavailable, try again later" }
    case "Timeout":
      return { code: 451, enhanced: "4.4.2", text: "Downstream server timed out, try again later" }
    case "ConnectionLost":
      return { code: 451, enhanced: "4.4.2", text: "Connection to downstream server lost, try again later" }
    case "TlsFailed":
      return { code: 451, enhanced: "4.7.5", text: "TLS to downstream server failed, try again later" }
    case "Protocol":
      return { code: 451, enhanced: "4.5.0", text: "Downstream protocol error, try again later" }
    case "LocalIo":
      return { code: 451, enhanced: "4.3.0", text: "Temporary local problem storing the message, try again later" }
    case "Rejected": {
      const reply = error.reply
      if (reply === undefined || reply.code < 500) {
        // 421 closes the downstream connection, not ours: the client gets a plain 451.
        const code = reply === undefined || reply.code === 421 ? 451 : reply.code
        return { code, enhanced: reply?.enhanced ?? "4.3.0", text: `Downstream: ${reply?.text ?? "temporary failure"}` }
      }
      return { code: reply.code, enhanced: reply.enhanced ?? "5.0.0", text: `Downstream: ${reply.text}` }
    }
  }
}
