/**
 * `fromBytes`: a `Message` over the scan view, parsed lazily. The header block is parsed on the
 * first `headers` read; the Received chain, the MIME tree and the body facts on their first
 * read, each once. A stage that only looks at headers never pays for MIME.
 *
 * Never throws on any bytes. CRLF and bare LF line ends are both accepted; the scan view is
 * used as given (not copied or rewritten), so MIME byte ranges index into it directly.
 *
 * @category constructors
 * @since 0.1.0
 */
import type { Envelope } from "../Envelope.ts"
import type { BodyFacts, Headers, Message, MimePart, ReceivedHop } from "../MessageTypes.ts"
import { isAscii, toBinary } from "./Binary.ts"
import * as BodyFactsModule from "./BodyFacts.ts"
import { decodeHeaderBytes } from "./Charset.ts"
import { blockEnd } from "./HeaderBlock.ts"
import * as HeadersModule from "./Headers.ts"
import * as Limits from "./Limits.ts"
import * as Mime from "./Mime.ts"
import * as Received from "./Received.ts"

export interface FromBytesOptions {
  readonly envelope: Envelope
  /** Full size of the message; defaults to the scan view's length. */
  readonly size?: number | undefined
  readonly limits?: Partial<Limits.MimeLimits> | undefined
}

class LazyMessage implements Message {
  readonly size: number
  private readonly limits: Limits.MimeLimits
  private headerEnd = 0
  private headersCache: Headers | undefined
  private receivedCache: ReadonlyArray<ReceivedHop> | undefined
  private walkCache: Mime.Walk | undefined
  private bodyCache: BodyFacts | undefined

  constructor(
    readonly envelope: Envelope,
    readonly scanView: Uint8Array,
    size: number | undefined,
    limits: Partial<Limits.MimeLimits> | undefined
  ) {
    this.size = typeof size === "number" && Number.isFinite(size) && size >= scanView.length ? size : scanView.length
    this.limits = Limits.resolve(limits)
  }

  get scanTruncated(): boolean {
    return this.size > this.scanView.length
  }

  get headers(): Headers {
    if (!this.headersCache) {
      const end = blockEnd(this.scanView) ?? this.scanView.length
      this.headerEnd = end
      this.headersCache = HeadersModule.parse(decodeHeaderBytes(this.scanView.subarray(0, end)))
    }
    return this.headersCache
  }

  get received(): ReadonlyArray<ReceivedHop> {
    this.receivedCache ??= this.headers.getAll("received").map((raw, i) => Received.parse(raw, i))
    return this.receivedCache
  }

  private get walk(): Mime.Walk {
    if (!this.walkCache) {
      const headers = this.headers
      const view = this.scanView
      // Found once for the whole view: the walked text and every part's text rely on it.
      const ascii = isAscii(view)
      this.walkCache = Mime.walk(
        toBinary(view, 0, view.length, ascii),
        view,
        headers,
        this.headerEnd,
        this.limits,
        ascii
      )
    }
    return this.walkCache
  }

  get mime(): MimePart {
    return this.walk.root
  }

  get body(): BodyFacts {
    this.bodyCache ??= BodyFactsModule.compute(this.walk, this.limits)
    return this.bodyCache
  }

  parsed(): ReadonlyArray<ParsedPart> {
    const held: Array<ParsedPart> = []
    if (this.headersCache !== undefined) held.push("headers")
    if (this.receivedCache !== undefined) held.push("received")
    if (this.walkCache !== undefined) held.push("mime")
    if (this.bodyCache !== undefined) held.push("body")
    return held
  }

  release(): void {
    this.headersCache = undefined
    this.receivedCache = undefined
    this.walkCache = undefined
    this.bodyCache = undefined
  }
}

/** A part `fromBytes` parses on its first read and holds until `release`. */
export type ParsedPart = "headers" | "received" | "mime" | "body"

/** A lazily parsed `Message` over `scanView` (the start of the message, maybe truncated). */
export const fromBytes = (scanView: Uint8Array, options: FromBytesOptions): Message =>
  new LazyMessage(options.envelope, scanView, options.size, options.limits)

/**
 * Drops what `message` parsed so far (its header fields, Received hops, MIME tree and walked
 * text, body facts) for a caller that is done with it: a later read parses again, so the answers
 * do not change. Does nothing to a `Message` that `fromBytes` did not make.
 *
 * Why: once a data phase has finished, the message object can still be reachable at the next
 * young-generation collections through objects in the old generation that are themselves dead
 * but not yet collected (a collection of the young generation takes every old-to-young
 * reference as live). Everything it parsed is then copied and promoted with it, ~10 KB per
 * message on the peer workload, although nothing reads it again.
 *
 * @category constructors
 * @since 0.1.0
 */
export const release = (message: Message): void => {
  if (message instanceof LazyMessage) message.release()
}

/**
 * The parts `message` holds parsed now, without parsing any: empty for a message that nothing
 * read yet or that was released and not read since, and for a `Message` `fromBytes` did not make.
 * A reader after `release` that parses again shows here, so a test can say none did.
 *
 * @category guards
 * @since 0.1.0
 */
export const parsed = (message: Message): ReadonlyArray<ParsedPart> =>
  message instanceof LazyMessage ? message.parsed() : []
