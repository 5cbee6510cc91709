/**
 * Follows the IMAP client-to-server stream command by command, so the proxy knows where each
 * command starts (never mistaking literal octets, e.g. an APPENDed message, for a command) and can
 * act on the few commands that change the transport: STARTTLS and COMPRESS.
 *
 * - Command lines are held until their LF (bounded by `maxLineLength`; a longer line is passed on
 *   in pieces and is then never a command we act on). Literal octets are streamed through.
 * - `STARTTLS`: the bytes up to and including the command are forwarded, everything after it in
 *   the same read (and until the handshake) is discarded — CVE-2011-0411 class injection.
 * - `COMPRESS`: we must be able to read the stream, so the command is forwarded with an algorithm
 *   name no server knows; the server's NO/BAD reaches the client, which carries on uncompressed.
 * - Synchronising literals (`{n}`): the client sends the octets only after the server's `+`. If the
 *   server answers the command with a tagged response instead, the literal is cancelled
 *   (`serverResponse`), so the next line is read as a command again.
 *
 * @category models
 * @since 0.1.0
 */
import { HeldLine } from "../proxy/HeldLine.ts"
import type { ClientStep } from "../proxy/ProxySession.ts"
import { markerAtEnd } from "./Literal.ts"

type ClientAction = ClientStep["action"]

const LF = 0x0a
const COMMAND = /^([^ \r\n]+) ([A-Za-z0-9-]+)(?: ([^\r\n]*))?\r?\n$/

export class ImapCommandTracker {
  private readonly held: HeldLine
  private literalLeft = 0
  private literalSync = false
  private literalStarted = false
  private tag = ""
  private continued = false

  /**
   * @param startTls whether the proxy can serve STARTTLS; when not, the command is forwarded under
   *   a name the server rejects, so the client gets a NO/BAD and stays in plaintext knowingly.
   */
  constructor(maxLineLength = 65_536, private readonly startTls = true) {
    this.held = new HeldLine(maxLineLength)
  }

  push(chunk: Uint8Array): ClientStep {
    const forward: Array<Uint8Array> = []
    let pos = 0
    while (pos < chunk.length) {
      if (this.literalLeft > 0) {
        const take = Math.min(this.literalLeft, chunk.length - pos)
        forward.push(chunk.subarray(pos, pos + take))
        this.literalLeft -= take
        this.literalStarted = true
        pos += take
        continue
      }
      const lf = chunk.indexOf(LF, pos)
      const end = lf === -1 ? chunk.length : lf + 1
      this.held.append(chunk.subarray(pos, end), forward)
      pos = end
      if (lf === -1) break
      const action = this.lineDone(forward)
      if (action === "starttls") return { forward, action, discarded: chunk.length - pos }
    }
    return { forward, action: "none", discarded: 0 }
  }

  /** The server finished a response; a tagged answer to a command waiting on `+` cancels its literal. */
  serverResponse(tag: string): void {
    if (this.literalLeft > 0 && this.literalSync && !this.literalStarted && tag === this.tag) {
      this.literalLeft = 0
      this.continued = false
    }
  }

  /** End of stream: an unfinished command line that was being held. */
  flush(): Uint8Array {
    return this.held.flush()
  }

  /** Tag of the command being read (or last read). */
  currentTag(): string {
    return this.tag
  }

  /** Starts over (after a TLS upgrade the command stream is new). */
  reset(): void {
    this.held.reset()
    this.literalLeft = 0
    this.continued = false
  }

  private lineDone(forward: Array<Uint8Array>): ClientAction {
    const { line, overlong: wasOverlong } = this.held.take()
    const marker = wasOverlong ? undefined : markerAtEnd(line)
    const first = !this.continued
    if (marker !== undefined) {
      this.continued = true
      this.literalLeft = marker.size
      this.literalSync = !marker.nonSync
      this.literalStarted = false
    } else {
      this.continued = false
    }
    if (wasOverlong) return "none"
    const m = first ? COMMAND.exec(Buffer.from(line).toString("latin1")) : null
    if (first) this.tag = m?.[1] ?? ""
    if (m === null || marker !== undefined) {
      forward.push(line)
      return "none"
    }
    const verb = m[2]!.toUpperCase()
    if (verb === "COMPRESS") {
      forward.push(Buffer.from(`${m[1]} COMPRESS X-MAILMOAT-UNSUPPORTED\r\n`, "latin1"))
      return "none"
    }
    if (verb === "STARTTLS" && !this.startTls) {
      forward.push(Buffer.from(`${m[1]} X-MAILMOAT-STARTTLS-UNAVAILABLE\r\n`, "latin1"))
      return "none"
    }
    forward.push(line)
    return verb === "STARTTLS" && m[3] === undefined ? "starttls" : "none"
  }
}
