/**
 * Read-only views of a message for plugin stages: header lookups, the Received chain, what the
 * body contains (URLs, hosts, IPs, texts, attachments), the envelope and the size.
 *
 * Every view is a frozen copy built on first use, so a plugin can neither change what other
 * stages see nor reach the engine's internals (MIME tree, scan buffer). Views are plain data
 * and may be kept after the stage returns.
 *
 * **Gotchas**
 * - The gateway drops the message's parsed parts when its data phase is done. A view read after
 *   its stage ended answers from the Received hops and body facts the message held when the
 *   stage ended (`settle`); only a part no stage had read by then is parsed for it.
 *
 * @category models
 * @since 0.1.0
 */
import { type BodyFacts, type Envelope, type Message, MessageModel, type ReceivedHop } from "@mailmoat/core"

/** The SMTP envelope as a stage sees it. */
export interface EnvelopeView {
  /** Client IP (IPv4-mapped IPv6 given as plain IPv4). */
  readonly clientAddress: string
  /** Forward-confirmed reverse DNS name of the client, when known. */
  readonly clientHostname: string | undefined
  readonly helo: string
  /** MAIL FROM without angle brackets; "" is the null sender. */
  readonly mailFrom: string
  readonly rcptTo: ReadonlyArray<string>
  readonly tls: boolean
  readonly authenticatedUser: string | undefined
  /** Epoch milliseconds when the transaction started. */
  readonly receivedAt: number
}

export interface HeaderView {
  /** Field names in order, as written. */
  readonly names: ReadonlyArray<string>
  /** First value of a field (case-insensitive), unfolded, not RFC 2047 decoded. */
  get(name: string): string | undefined
  getAll(name: string): ReadonlyArray<string>
  /** First value with RFC 2047 encoded-words decoded (for display and matching only). */
  decoded(name: string): string | undefined
}

/** One Received hop, newest (top-most) first. */
export interface Hop {
  readonly index: number
  readonly raw: string
  readonly helo: string | undefined
  readonly rdns: string | undefined
  readonly ip: string | undefined
  readonly by: string | undefined
  readonly date: string | undefined
}

export interface BodyView {
  /** URLs found in text and HTML parts, deduplicated, in order. */
  readonly urls: ReadonlyArray<string>
  /** Host names from URLs and bare domains, lower-case, deduplicated. */
  readonly hosts: ReadonlyArray<string>
  /** IP literals found in the body and in URL hosts. */
  readonly ips: ReadonlyArray<string>
  /** Decoded text of text parts (HTML reduced to text). */
  readonly texts: ReadonlyArray<string>
  readonly attachments: ReadonlyArray<{
    readonly filename: string | undefined
    readonly contentType: string
    readonly size: number
  }>
  /** True when only the start of the message was scanned (size limit) or a MIME limit was hit. */
  readonly truncated: boolean
}

export interface MessageFacts {
  /** Size in bytes of the whole message as received. */
  readonly size: number
  readonly envelope: EnvelopeView
  readonly headers: HeaderView
  readonly received: ReadonlyArray<Hop>
  readonly body: BodyView
}

const frozen = <A>(xs: ReadonlyArray<A>): ReadonlyArray<A> => Object.freeze([...xs])

/** A frozen view of an envelope. */
export const envelopeView = (e: Envelope.Envelope): EnvelopeView =>
  Object.freeze({
    clientAddress: e.clientAddress,
    clientHostname: e.clientHostname,
    helo: e.helo,
    mailFrom: e.mailFrom,
    rcptTo: frozen(e.rcptTo),
    tls: e.tls,
    authenticatedUser: e.authenticatedUser,
    receivedAt: e.receivedAt
  })

const hopView = (h: ReceivedHop): Hop =>
  Object.freeze({ index: h.index, raw: h.raw, helo: h.helo, rdns: h.rdns, ip: h.ip, by: h.by, date: h.date })

/** Defines a getter that computes its value once, on first read. */
const lazy = <T extends object, K extends string, V>(target: T, key: K, make: () => V): T & Record<K, V> => {
  let value: { v: V } | undefined
  Object.defineProperty(target, key, { enumerable: true, get: () => (value ??= { v: make() }).v })
  return target as T & Record<K, V>
}

const bodyView = (m: Message, body: BodyFacts): BodyView =>
  Object.freeze({
    urls: frozen(body.urls),
    hosts: frozen(body.hosts),
    ips: frozen(body.ips),
    texts: frozen(body.texts),
    attachments: frozen(
      body.attachments.map((a) => Object.freeze({ filename: a.filename, contentType: a.contentType, size: a.size }))
    ),
    truncated: m.scanTruncated || body.limitsHit
  })

/** A stage's view of a message, and what the host calls when the stage's run is over. */
export interface HeldFacts {
  readonly view: MessageFacts
  /**
   * Keeps the Received hops and body facts the message holds parsed now, for the view's later
   * reads: the gateway releases the message's parsed parts once the data phase is done, and a
   * view kept past its stage would otherwise parse the message again. Parses nothing.
   */
  readonly settle: () => void
}

/** A frozen, lazily built view of a message. */
export const messageFacts = (m: Message): HeldFacts => {
  const h = m.headers
  const headers: HeaderView = Object.freeze({
    names: frozen(h.list.map((x) => x.name)),
    get: (name: string) => h.get(String(name)),
    getAll: (name: string) => frozen(h.getAll(String(name))),
    decoded: (name: string) => h.decoded(String(name))
  })
  // What `settle` found parsed; until then (and for a part nothing parsed) the message is read.
  let hops: ReadonlyArray<ReceivedHop> | undefined
  let body: BodyFacts | undefined
  const facts = { size: m.size, headers }
  lazy(facts, "envelope", () => envelopeView(m.envelope))
  lazy(facts, "received", () => frozen((hops ?? m.received).map(hopView)))
  lazy(facts, "body", () => bodyView(m, body ?? m.body))
  const settle = () => {
    const held = MessageModel.parsed(m)
    if (held.includes("received")) hops = m.received
    if (held.includes("body")) body = m.body
  }
  return { view: Object.freeze(facts) as unknown as MessageFacts, settle }
}
