/**
 * The POP3 side of a proxy connection. Replies are matched to commands in order (RFC 2449
 * PIPELINING allows several in flight); a `+OK` to RETR, TOP, CAPA, AUTH (no argument) and to LIST
 * or UIDL without argument is followed by a multi-line body read with `MultilineReader`.
 *
 * Only RETR bodies are messages to scan. TOP returns the header and the first lines of the body,
 * a partial message, so it passes through unscanned (scanning it could cache a verdict for a
 * message the client never sees whole, and rewriting it would change what TOP promises).
 *
 * **Gotchas**
 * - A rewritten message is dot-stuffed for the wire with the SMTP encoder (CRLF line ends, no NUL,
 *   terminator added): a POP3 body may not carry bare CR/LF or NUL either (RFC 1939 §3).
 * - The greeting is the reply to an implicit first command.
 * - Status lines are held until their LF, up to `maxLineLength`; a longer one is passed on in
 *   pieces and treated as single-line.
 *
 * @category models
 * @since 0.1.0
 */
import { encodeForWire } from "../smtp/WireEncoder.ts"
import { type ClientStep, EMPTY_BYTES, type ProxyEvent, type ProxySession } from "../proxy/ProxySession.ts"
import { type Pop3Command, Pop3CommandTracker } from "./CommandTracker.ts"
import { MultilineReader } from "./MultilineReader.ts"

export interface Pop3SessionOptions {
  readonly maxLineLength?: number
  /** Whether STLS can be served to the client (default true). */
  readonly startTls?: boolean
}

const LF = 0x0a
const GREETING: Pop3Command = { verb: "GREETING", hasArgs: false }
const ALWAYS_MULTI = new Set(["RETR", "TOP", "CAPA"])
const MULTI_WITHOUT_ARGS = new Set(["LIST", "UIDL", "AUTH"])

const isMultiline = (command: Pop3Command): boolean =>
  ALWAYS_MULTI.has(command.verb) || (MULTI_WITHOUT_ARGS.has(command.verb) && !command.hasArgs)

export class Pop3Session implements ProxySession {
  readonly protocol = "pop3"
  private tracker: Pop3CommandTracker
  private status: Array<Uint8Array> = []
  private statusLength = 0
  private statusOverlong = false
  private body: { reader: MultilineReader; message: boolean } | undefined

  constructor(private readonly options: Pop3SessionOptions = {}) {
    this.tracker = new Pop3CommandTracker(options.maxLineLength, options.startTls)
    this.tracker.pending.push(GREETING)
  }

  fromClient(chunk: Uint8Array): ClientStep {
    return this.tracker.push(chunk)
  }

  fromServer(chunk: Uint8Array): Array<ProxyEvent> {
    const out: Array<ProxyEvent> = []
    let rest = chunk
    while (rest.length > 0) {
      if (this.body !== undefined) {
        const step = this.body.reader.push(rest)
        if (this.body.message) {
          out.push({ _tag: "MessageData", raw: step.raw, content: step.content })
          if (step.done) out.push({ _tag: "MessageEnd", raw: EMPTY_BYTES })
        } else {
          out.push({ _tag: "Bytes", bytes: step.raw })
        }
        if (step.done) this.body = undefined
        rest = step.rest
        continue
      }
      const lf = rest.indexOf(LF)
      const end = lf === -1 ? rest.length : lf + 1
      this.appendStatus(rest.subarray(0, end), out)
      rest = rest.subarray(end)
      if (lf === -1) break
      if (this.statusDone(out)) return out
    }
    return out
  }

  serverEnded(): Uint8Array {
    const held = this.statusOverlong ? new Uint8Array(0) : Buffer.concat(this.status)
    this.status = []
    this.statusLength = 0
    return held
  }

  tlsEstablished(): void {
    this.tracker = new Pop3CommandTracker(this.options.maxLineLength, this.options.startTls)
    this.status = []
    this.statusLength = 0
    this.statusOverlong = false
    this.body = undefined
  }

  tlsRefused(): void {}

  farewell(text: string): Uint8Array {
    return Buffer.from(`-ERR ${text}\r\n`, "latin1")
  }

  private appendStatus(piece: Uint8Array, out: Array<ProxyEvent>): void {
    if (this.statusLength + piece.length > (this.options.maxLineLength ?? 65_536) && !this.statusOverlong) {
      this.statusOverlong = true
      for (const bytes of this.status) out.push({ _tag: "Bytes", bytes })
      // Keep the first bytes: they still say +OK or -ERR.
      this.status = this.status.length > 0 ? [this.status[0]!.subarray(0, 4)] : [piece.subarray(0, 4)]
      this.statusLength = 0
    }
    if (this.statusOverlong) {
      out.push({ _tag: "Bytes", bytes: piece })
      return
    }
    this.status.push(piece)
    this.statusLength += piece.length
  }

  /** A status line ended; true when it was the OK to STLS (the rest of the chunk is dropped). */
  private statusDone(out: Array<ProxyEvent>): boolean {
    const line = this.status.length === 1 ? this.status[0]! : Buffer.concat(this.status)
    const overlong = this.statusOverlong
    this.status = []
    this.statusLength = 0
    this.statusOverlong = false
    const ok = line[0] === 0x2b && line[1] === 0x4f && line[2] === 0x4b
    const continuation = line[0] === 0x2b && !ok
    const pending = this.tracker.pending
    const command = pending[0]
    if (continuation && this.tracker.sasl) {
      this.tracker.continuation()
      if (!overlong) out.push({ _tag: "Bytes", bytes: line })
      return false
    }
    if (command !== undefined) pending.shift()
    if (command?.verb === "AUTH" && command.hasArgs) this.tracker.saslEnded()
    if (command?.verb === "STLS" && !overlong) {
      out.push({ _tag: "TlsReply", ok, bytes: line })
      return ok
    }
    const multi = ok && command !== undefined && isMultiline(command)
    if (multi && command.verb === "RETR") {
      if (!overlong) out.push({ _tag: "Bytes", bytes: line })
      out.push({
        _tag: "MessageStart",
        header: EMPTY_BYTES,
        size: undefined,
        frame: (content) => [encodeForWire(content)]
      })
      this.body = { reader: new MultilineReader(), message: true }
      return false
    }
    if (!overlong) out.push({ _tag: "Bytes", bytes: line })
    if (multi) this.body = { reader: new MultilineReader(), message: false }
    return false
  }
}
