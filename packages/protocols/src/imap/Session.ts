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
 * - A FETCH of pieces or parts is held (`FetchGuard`): the client is not read (`hold`, then
 *   `ResumeClient`) while the proxy's own commands go to the server (`ToServer`) and their
 *   responses are held whole and kept from the client; a response served from a rewritten
 *   message is held whole too. Every other response passes as it comes.
 * - A response held to be served from a rewritten message takes its bytes from the scan budget
 *   as they come. When they do not fit, what was held goes to the client as the server sent it and
 *   the rest of the response follows as it comes (`scan_budget_exhausted_unserved`): unscanned,
 *   as a full fetch over the budget is, but complete and in order.
 *
 * @category models
 * @since 0.1.0
 */
import { type ClientStep, EMPTY_BYTES, type ProxyEvent, type ProxySession } from "../proxy/ProxySession.ts"
import type { ScanBudget } from "../proxy/ScanBudget.ts"
import { CapabilityAdvert } from "./CapabilityAdvert.ts"
import { ImapCommandTracker } from "./CommandTracker.ts"
import { parseFetchCommand } from "./FetchCommand.ts"
import { FetchGuard, type GuardSink } from "./FetchGuard.ts"
import { formatMarker } from "./Literal.ts"
import { RefusedReplies } from "./RefusedReplies.ts"
import { ResponsePrefix, withSize } from "./ResponsePrefix.ts"
import { type ImapServerEvent, ImapResponseTokenizer } from "./ResponseTokenizer.ts"

export interface ImapSessionOptions {
  readonly maxLineLength?: number
  /** Whether STARTTLS can be served to the client (default true). */
  readonly startTls?: boolean
  /** Largest literal a client may send (default: no limit of our own). */
  readonly maxLiteralBytes?: number
  /** Largest message the proxy fetches and scans for a partial or section fetch (default 25 MiB). */
  readonly maxMessageBytes?: number
  /** Shared bound on the messages held for scanning (default: none). */
  readonly budget?: ScanBudget
}

/** Bytes for the client; `advertise` sends them through the refusals and capability lists first. */
type Emit = ((bytes: Uint8Array) => void) & { readonly advertise: (bytes: Uint8Array) => void }

const HEAD_MAX = 64
/** `FetchGuard.start` from the client's side sends its command only: nothing else happens there. */
const QUIET_SINK: GuardSink = {
  client: () => undefined,
  server: () => undefined,
  judge: () => undefined,
  log: () => undefined
}
const UIDVALIDITY = /^\* OK \[UIDVALIDITY /i

export class ImapSession implements ProxySession {
  readonly protocol = "imap"
  private tokenizer = new ImapResponseTokenizer()
  private tracker: ImapCommandTracker
  private pendingTls: string | undefined
  private pendingCompress: string | undefined
  private held: Array<Uint8Array> = []
  private refused = new RefusedReplies()
  private capabilities = new CapabilityAdvert()
  /** The start of a FETCH response, held until its message literal (sizes announced before it). */
  private prefix = new ResponsePrefix()
  private guard: FetchGuard
  /** Client bytes after a held command (the client is not read meanwhile). */
  private clientHeld: Array<Uint8Array> | undefined
  /**
   * How the current server response goes: decided from its first bytes (`FetchGuard.mode`);
   * `pass`: a held response the budget could not hold goes on as the server sends it.
   */
  private route: "undecided" | "stream" | "hold" | "pass" = "undecided"
  private head = ""
  private pending: Array<ImapServerEvent> = []
  private heldResponse: Array<Uint8Array> = []
  /** Budget bytes reserved for the message in the held response; whether its octets are dropped. */
  private kept = 0
  /** Budget bytes taken by the held response being served from a rewritten message. */
  private counted = 0
  private skipping = false
  private readonly holds = new Set<() => void>()

  constructor(private readonly options: ImapSessionOptions = {}) {
    this.tracker = this.newTracker()
    this.guard = this.newGuard()
  }

  /** A once-only release of `bytes` of the scan budget, also run by `dispose`. */
  private hold(bytes: number): () => void {
    const release = () => {
      if (!this.holds.delete(release)) return
      this.options.budget?.release(bytes)
    }
    this.holds.add(release)
    return release
  }

  dispose(): void {
    for (const release of [...this.holds]) release()
    this.options.budget?.release(this.kept + this.counted)
    this.kept = 0
    this.counted = 0
  }

  private newGuard(): FetchGuard {
    return new FetchGuard(this.options.maxMessageBytes ?? 25 * 1024 * 1024, this.options.budget)
  }

  private newTracker(): ImapCommandTracker {
    const tracker = new ImapCommandTracker(
      this.options.maxLineLength,
      this.options.startTls,
      this.options.maxLiteralBytes
    )
    tracker.commandHook = (tag, line, hasLiteral) =>
      this.guard.command(tag, hasLiteral ? undefined : parseFetchCommand(Buffer.from(line).toString("latin1")), line)
    return tracker
  }

  fromClient(chunk: Uint8Array): ClientStep {
    if (this.clientHeld !== undefined) {
      this.clientHeld.push(chunk)
      return { forward: [], action: "hold", discarded: 0 }
    }
    return this.clientBytes(chunk)
  }

  private clientBytes(chunk: Uint8Array): ClientStep {
    const step = this.tracker.push(chunk)
    for (const r of this.tracker.takeRefusals()) this.refused.add(r.tag, r.reply)
    if (step.action === "starttls") this.pendingTls = this.tracker.currentTag()
    if (step.action === "compress") this.pendingCompress = this.tracker.currentTag()
    if (step.action !== "hold") return step
    this.clientHeld = step.rest === undefined || step.rest.length === 0 ? [] : [step.rest]
    const forward = [...step.forward]
    this.guard.start({ ...QUIET_SINK, server: (b) => forward.push(b) })
    return { forward, action: "hold", discarded: 0 }
  }

  fromServer(chunk: Uint8Array): Array<ProxyEvent> {
    const out: Array<ProxyEvent> = []
    const emit: Emit = Object.assign(
      (bytes: Uint8Array) => {
        if (this.pendingTls !== undefined) {
          if (this.prefix.holding) this.held.push(...this.prefix.release())
          this.held.push(bytes)
        } else if (!this.prefix.take(bytes)) {
          if (this.prefix.holding) for (const held of this.prefix.release()) out.push({ _tag: "Bytes", bytes: held })
          out.push({ _tag: "Bytes", bytes })
        }
      },
      // Refusals first (a refused tag's response is replaced whole), then the capability lists.
      { advertise: (bytes: Uint8Array) => this.capabilities.bytes(bytes, emit) }
    )
    const sink: GuardSink = {
      client: emit,
      server: (bytes) => out.push({ _tag: "ToServer", step: { forward: [bytes], action: "none", discarded: 0 } }),
      judge: (content, reserved, done) => out.push({ _tag: "Judge", content, done, release: this.hold(reserved) }),
      log: (event, fields = {}) => out.push({ _tag: "Log", event, fields })
    }
    for (const event of this.tokenizer.push(chunk)) if (this.routeEvent(event, out, emit, sink)) break
    return out
  }

  /** Sends `event` the way the current response goes (see `route`). */
  private routeEvent(event: ImapServerEvent, out: Array<ProxyEvent>, emit: Emit, sink: GuardSink): boolean {
    if (this.route !== "undecided") return this.routed(event, out, emit, sink)
    // With nothing of its own going on, the proxy passes every response as it comes.
    if (!this.guard.active) {
      this.route = "stream"
      return this.routed(event, out, emit, sink)
    }
    // The start of a response is in its first line, which comes before any literal.
    if (event._tag === "Bytes" && this.head.length < HEAD_MAX)
      this.head += Buffer.from(event.bytes.subarray(0, HEAD_MAX - this.head.length)).toString("latin1")
    const mode = this.guard.mode(this.head)
    if (mode === "undecided" && event._tag !== "ResponseEnd") {
      this.pending.push(event)
      return false
    }
    this.route = mode === "hold" ? "hold" : "stream"
    if (this.pending.length > 0) {
      const pending = this.pending
      this.pending = []
      for (const e of pending) if (this.routed(e, out, emit, sink)) return true
    }
    return this.routed(event, out, emit, sink)
  }

  private routed(event: ImapServerEvent, out: Array<ProxyEvent>, emit: Emit, sink: GuardSink): boolean {
    if (this.route === "hold") {
      if (this.guard.owning || this.fits(event, sink)) this.holdEvent(event, out, sink)
      else this.passEvent(event, out, sink)
      return false
    }
    if (this.route === "pass") {
      this.passEvent(event, out, sink)
      return false
    }
    if (this.streamed(event, out, emit)) return true
    if (event._tag === "ResponseEnd") this.responseDone(event, undefined, out, sink)
    return false
  }

  /**
   * Whether the bytes of `event`, in a response held to be served from a rewritten message, fit
   * the scan budget; if not, what was held goes to the client (`pass`).
   */
  private fits(event: ImapServerEvent, sink: GuardSink): boolean {
    const budget = this.options.budget
    const size =
      event._tag === "Bytes" || event._tag === "MessageData"
        ? event.bytes.length
        : event._tag === "MessageStart"
          ? event.marker.length
          : 0
    if (budget === undefined || size === 0) return true
    if (budget.tryReserve(size)) {
      this.counted += size
      return true
    }
    sink.log("scan_budget_exhausted_unserved", { held: this.counted + size })
    this.route = "pass"
    for (const bytes of this.heldResponse) sink.client(bytes)
    this.heldResponse = []
    budget.release(this.counted)
    this.counted = 0
    return false
  }

  /** A held response the budget could not hold: the rest as the server sends it. */
  private passEvent(event: ImapServerEvent, out: Array<ProxyEvent>, sink: GuardSink): void {
    switch (event._tag) {
      case "Bytes":
      case "MessageData":
        sink.client(event.bytes)
        return
      case "MessageStart":
        sink.client(event.marker)
        return
      case "MessageEnd":
        return
      case "ResponseEnd":
        this.tracker.serverResponse(event.tag, event.status)
        this.responseDone(event, undefined, out, sink)
    }
  }

  /** A response held whole: the proxy's own, or one served from a rewritten message. */
  private holdEvent(event: ImapServerEvent, out: Array<ProxyEvent>, sink: GuardSink): void {
    switch (event._tag) {
      case "Bytes":
        this.heldResponse.push(event.bytes)
        return
      case "MessageStart": {
        const keep = this.guard.owning && this.guard.keepOwnMessage(event.literal.size)
        this.skipping = this.guard.owning && !keep
        if (keep) this.kept += event.literal.size
        // A message not kept is read past; the response still parses, with an empty value.
        this.heldResponse.push(this.skipping ? formatMarker(0, event.literal) : event.marker)
        return
      }
      case "MessageData":
        if (!this.skipping) this.heldResponse.push(event.bytes)
        return
      case "MessageEnd":
        this.skipping = false
        return
      case "ResponseEnd": {
        this.tracker.serverResponse(event.tag, event.status)
        const raw = Buffer.concat(this.heldResponse)
        this.heldResponse = []
        this.responseDone(event, raw, out, sink)
        return
      }
    }
  }

  private responseDone(
    event: Extract<ImapServerEvent, { _tag: "ResponseEnd" }>,
    raw: Uint8Array | undefined,
    out: Array<ProxyEvent>,
    sink: GuardSink
  ): void {
    const head = event.head
    const kept = this.kept
    this.head = ""
    this.route = "undecided"
    this.kept = 0
    if (head.startsWith("* OK [") && UIDVALIDITY.test(head)) this.guard.mailboxSelected()
    this.guard.responseEnd({ tag: event.tag, status: event.status, head }, raw, kept, sink)
    if (this.prefix.holding) for (const bytes of this.prefix.release()) sink.client(bytes)
    this.prefix.end()
    // The held response went to the client: its bytes go back to the budget.
    this.options.budget?.release(this.counted)
    this.counted = 0
    if (this.clientHeld === undefined || !this.guard.released) return
    // The held command went on (or was refused): what the client sent after it is read now.
    const held = Buffer.concat(this.clientHeld)
    this.clientHeld = undefined
    const step = this.clientBytes(held)
    out.push({ _tag: "ToServer", step })
    if (step.action !== "hold") out.push({ _tag: "ResumeClient" })
  }

  /** The ordinary path: refusals, capability lists, STARTTLS and COMPRESS answers. True: stop reading this chunk. */
  private streamed(event: ImapServerEvent, out: Array<ProxyEvent>, emit: Emit): boolean {
    const advertise = emit.advertise
    switch (event._tag) {
      case "Bytes":
        this.refused.bytes(event.bytes, advertise)
        return false
      case "MessageStart": {
        this.refused.flush(advertise)
        this.capabilities.flush(emit)
        this.flushHeld(out)
        const literal = event.literal
        // A response's start that announces the message's size waits with it: the size sent is its own.
        if (this.prefix.holding && !this.prefix.announcesSize)
          for (const bytes of this.prefix.release()) out.push({ _tag: "Bytes", bytes })
        const head = this.prefix.messageStart(event.marker)
        out.push({
          _tag: "MessageStart",
          header: head.header,
          size: literal.size,
          frame: (content) =>
            head.prefixLength === 0
              ? [formatMarker(content.length, literal), content]
              : [withSize(head, content.length), formatMarker(content.length, literal), content]
        })
        return false
      }
      case "MessageData":
        out.push({ _tag: "MessageData", raw: event.bytes, content: [event.bytes] })
        return false
      case "MessageEnd":
        out.push({ _tag: "MessageEnd", raw: EMPTY_BYTES })
        return false
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
          if (ok) return true
        } else {
          this.flushHeld(out)
        }
        if (this.pendingCompress !== undefined && event.tag === this.pendingCompress) {
          this.pendingCompress = undefined
          out.push({ _tag: "CompressStart" })
        }
        return false
    }
  }

  serverEnded(): Uint8Array {
    const hold = (b: Uint8Array) => this.held.push(b)
    this.held.push(...this.prefix.release())
    // A response cut short: what the client would have had of it (never a piece of the proxy's own).
    for (const e of this.pending)
      if (e._tag === "Bytes") this.refused.bytes(e.bytes, (b) => this.capabilities.bytes(b, hold))
    if (!this.guard.owning) for (const b of this.heldResponse) hold(b)
    this.pending = []
    this.heldResponse = []
    this.refused.flush((b) => this.capabilities.bytes(b, hold))
    this.capabilities.flush(hold)
    const held = Buffer.concat([...this.held, this.tokenizer.flush()])
    this.held = []
    return held
  }

  tlsEstablished(): void {
    this.pendingTls = undefined
    this.guard = this.newGuard()
    this.route = "undecided"
    this.head = ""
    this.pending = []
    this.heldResponse = []
    this.held = []
    this.tokenizer = new ImapResponseTokenizer()
    this.tracker = this.newTracker()
    this.refused = new RefusedReplies()
    this.capabilities = new CapabilityAdvert()
    this.prefix = new ResponsePrefix()
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
