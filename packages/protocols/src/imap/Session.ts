/**
 * The IMAP side of a proxy connection: the response tokenizer for server bytes, the command
 * tracker for client bytes, and the STARTTLS exchange between them.
 *
 * **Gotchas**
 * - While a STARTTLS is outstanding the plain bytes of each server response are held until the
 *   response ends, so the tagged answer can be handed over as a `TlsReply` (the connection sends it
 *   only once the upstream leg is TLS). Bytes the server sends after its OK are dropped.
 * - A tagged response also cancels a synchronising client literal the server refused.
 * - A command the tracker refused (literal limits) or answers itself (COMPRESS) reaches the
 *   server as NOOP; the answer to its tag is replaced by ours (`RefusedReplies`), so it reaches
 *   the client in order. After our `OK DEFLATE active` comes `CompressStart`.
 * - Once the session is authenticated, the capability lists the server sends name
 *   `COMPRESS=DEFLATE` (`CapabilityAdvert`): the proxy serves it whether or not the server does.
 *
 * @category models
 * @since 0.1.0
 */
import { type ClientStep, EMPTY_BYTES, type ProxyEvent, type ProxySession } from "../proxy/ProxySession.ts"
import { CapabilityAdvert } from "./CapabilityAdvert.ts"
import { ImapCommandTracker } from "./CommandTracker.ts"
import { formatMarker } from "./Literal.ts"
import { RefusedReplies } from "./RefusedReplies.ts"
import { ImapResponseTokenizer } from "./ResponseTokenizer.ts"

export interface ImapSessionOptions {
  readonly maxLineLength?: number
  /** Whether STARTTLS can be served to the client (default true). */
  readonly startTls?: boolean
  /** Largest literal a client may send (default: no limit of our own). */
  readonly maxLiteralBytes?: number
}

export class ImapSession implements ProxySession {
  readonly protocol = "imap"
  private tokenizer = new ImapResponseTokenizer()
  private tracker: ImapCommandTracker
  private pendingTls: string | undefined
  private pendingCompress: string | undefined
  private held: Array<Uint8Array> = []
  private refused = new RefusedReplies()
  private capabilities = new CapabilityAdvert()

  constructor(private readonly options: ImapSessionOptions = {}) {
    this.tracker = this.newTracker()
  }

  private newTracker(): ImapCommandTracker {
    return new ImapCommandTracker(this.options.maxLineLength, this.options.startTls, this.options.maxLiteralBytes)
  }

  fromClient(chunk: Uint8Array): ClientStep {
    const step = this.tracker.push(chunk)
    for (const r of this.tracker.takeRefusals()) this.refused.add(r.tag, r.reply)
    if (step.action === "starttls") this.pendingTls = this.tracker.currentTag()
    if (step.action === "compress") this.pendingCompress = this.tracker.currentTag()
    return step
  }

  fromServer(chunk: Uint8Array): Array<ProxyEvent> {
    const out: Array<ProxyEvent> = []
    const emit = (bytes: Uint8Array) => {
      if (this.pendingTls !== undefined) this.held.push(bytes)
      else out.push({ _tag: "Bytes", bytes })
    }
    // Refusals first (a refused tag's response is replaced whole), then the capability lists.
    const advertise = (bytes: Uint8Array) => this.capabilities.bytes(bytes, emit)
    for (const event of this.tokenizer.push(chunk)) {
      switch (event._tag) {
        case "Bytes":
          this.refused.bytes(event.bytes, advertise)
          break
        case "MessageStart":
          this.refused.flush(advertise)
          this.capabilities.flush(emit)
          this.flushHeld(out)
          out.push({
            _tag: "MessageStart",
            header: event.marker,
            size: event.literal.size,
            frame: (content) => [formatMarker(content.length, event.literal), content]
          })
          break
        case "MessageData":
          out.push({ _tag: "MessageData", raw: event.bytes, content: [event.bytes] })
          break
        case "MessageEnd":
          out.push({ _tag: "MessageEnd", raw: EMPTY_BYTES })
          break
        case "ResponseEnd":
          this.refused.responseEnd(event.tag, advertise)
          // The state after this response decides its capability list (a login's OK included).
          this.tracker.serverResponse(event.tag, event.status)
          this.capabilities.responseEnd(this.tracker.authenticated, this.tracker.loginPending, emit)
          if (this.pendingTls !== undefined && event.tag === this.pendingTls) {
            const bytes = Buffer.concat(this.held)
            this.held = []
            const ok = event.status === "OK"
            if (!ok) this.pendingTls = undefined
            out.push({ _tag: "TlsReply", ok, bytes })
            // On OK nothing after the reply may be used (it was sent in plaintext before TLS).
            if (ok) return out
          } else {
            this.flushHeld(out)
          }
          if (this.pendingCompress !== undefined && event.tag === this.pendingCompress) {
            this.pendingCompress = undefined
            out.push({ _tag: "CompressStart" })
          }
          break
      }
    }
    return out
  }

  serverEnded(): Uint8Array {
    const hold = (b: Uint8Array) => this.held.push(b)
    this.refused.flush((b) => this.capabilities.bytes(b, hold))
    this.capabilities.flush(hold)
    const held = Buffer.concat([...this.held, this.tokenizer.flush()])
    this.held = []
    return held
  }

  tlsEstablished(): void {
    this.pendingTls = undefined
    this.held = []
    this.tokenizer = new ImapResponseTokenizer()
    this.tracker = this.newTracker()
    this.refused = new RefusedReplies()
    this.capabilities = new CapabilityAdvert()
  }

  tlsRefused(): void {
    this.pendingTls = undefined
  }

  farewell(text: string): Uint8Array {
    return Buffer.from(`* BYE ${text}\r\n`, "latin1")
  }

  private flushHeld(out: Array<ProxyEvent>): void {
    for (const bytes of this.held) out.push({ _tag: "Bytes", bytes })
    this.held = []
  }
}
