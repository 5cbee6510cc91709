/**
 * Follows the POP3 client-to-server stream line by line and records each command, in order, so
 * the server side knows which reply belongs to which command and whether it is multi-line.
 *
 * - Lines are held until their LF (bounded by `maxLineLength`; a longer line is passed on in
 *   pieces and recorded as an unknown command).
 * - `STLS` (RFC 2595): the bytes up to and including it are forwarded, everything after it in the
 *   same read is discarded (CVE-2011-0411 class).
 * - During a SASL exchange (`AUTH mech`, until the server's final +OK/-ERR) a client line is a
 *   SASL response only when it answers a server continuation (`+ ...`); a server reads a line
 *   pipelined after a one-step exchange (`AUTH PLAIN <response>` then `RETR 1`) as a command, so
 *   the tracker holds such lines until the server's replies say which they were. An `STLS` line
 *   inside an exchange is never honoured (forwarded as an unknown command): whichever it turns out
 *   to be, the server must not start TLS behind the proxy's back.
 *
 * @category models
 * @since 0.1.0
 */
import { HeldLine } from "../proxy/HeldLine.ts"
import type { ClientStep } from "../proxy/ProxySession.ts"

export interface Pop3Command {
  /** Upper-case verb (`RETR`, `TOP`, ...); "" for a line that is not a command. */
  readonly verb: string
  readonly hasArgs: boolean
}

const LF = 0x0a
const STLS_REFUSED = Buffer.from("X-MAILMOAT-STLS-UNAVAILABLE\r\n", "latin1")
const COMMAND = /^([A-Za-z]{1,16})(?: +([^\r\n]*?))? *\r?\n$/

export class Pop3CommandTracker {
  private readonly held: HeldLine
  /** Commands sent and not yet answered, oldest first. */
  readonly pending: Array<Pop3Command> = []
  /** True while a SASL exchange is open (ended by the session at the server's final reply). */
  sasl = false
  /** Server continuations of the open exchange that no client line has answered yet. */
  private answersOwed = 0
  /** Lines sent during the open exchange that no continuation has taken, oldest first. */
  private readonly unanswered: Array<Pop3Command> = []

  /** @param startTls whether the proxy can serve STLS; when not, STLS is forwarded as a command the server rejects. */
  constructor(
    maxLineLength = 65_536,
    private readonly startTls = true
  ) {
    this.held = new HeldLine(maxLineLength)
  }

  push(chunk: Uint8Array): ClientStep {
    const forward: Array<Uint8Array> = []
    let pos = 0
    while (pos < chunk.length) {
      const lf = chunk.indexOf(LF, pos)
      const end = lf === -1 ? chunk.length : lf + 1
      this.held.append(chunk.subarray(pos, end), forward)
      pos = end
      if (lf === -1) break
      if (this.lineDone(forward)) return { forward, action: "starttls", discarded: chunk.length - pos }
    }
    return { forward, action: "none", discarded: 0 }
  }

  /** Records the finished line; true when it was STLS. */
  private lineDone(forward: Array<Uint8Array>): boolean {
    const { line, overlong: wasOverlong } = this.held.take()
    if (this.sasl && this.answersOwed > 0) {
      this.answersOwed--
      if (!wasOverlong) forward.push(line)
      return false
    }
    const m = wasOverlong ? null : COMMAND.exec(Buffer.from(line).toString("latin1"))
    let verb = m?.[1]?.toUpperCase() ?? ""
    const hasArgs = (m?.[2] ?? "") !== ""
    if (this.sasl) {
      if (verb === "STLS") {
        forward.push(STLS_REFUSED)
        verb = ""
      } else if (!wasOverlong) {
        forward.push(line)
      }
      this.unanswered.push({ verb, hasArgs })
      return false
    }
    if (verb === "STLS" && !this.startTls) {
      forward.push(STLS_REFUSED)
      verb = ""
    } else if (!wasOverlong) {
      forward.push(line)
    }
    this.pending.push({ verb, hasArgs })
    if (verb === "AUTH" && hasArgs) this.sasl = true
    return verb === "STLS" && !hasArgs
  }

  /** The server sent a continuation of the open exchange: the oldest line not yet taken answers it. */
  continuation(): void {
    if (this.unanswered.length > 0) this.unanswered.shift()
    else this.answersOwed++
  }

  /** The server's final reply to AUTH: the lines no continuation took are commands, in order. */
  saslEnded(): void {
    this.sasl = false
    this.answersOwed = 0
    // A pipelined second AUTH opens the next exchange: the lines after it wait for its replies.
    while (this.unanswered.length > 0 && !this.sasl) {
      const command = this.unanswered.shift()!
      this.pending.push(command)
      if (command.verb === "AUTH" && command.hasArgs) this.sasl = true
    }
  }
}
