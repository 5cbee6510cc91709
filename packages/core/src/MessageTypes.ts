/**
 * The shape of a parsed message as every stage sees it. `Message.ts` builds values of this
 * shape from bytes; stages depend only on these types.
 *
 * Headers are parsed once and unfolded; RFC 2047 decoding happens on demand (`decoded`).
 * Derived facts (Received chain, body URLs/domains/IPs, MIME tree) are computed lazily and cached.
 *
 * @category models
 * @since 0.1.0
 */
import type { Envelope } from "./Envelope.ts"

export interface Header {
  /** Field name as written (case preserved). */
  readonly name: string
  /** Unfolded value, not RFC 2047 decoded, leading whitespace trimmed. */
  readonly value: string
}

export interface Headers {
  readonly list: ReadonlyArray<Header>
  /** First value of a field (case-insensitive name). */
  get(name: string): string | undefined
  getAll(name: string): ReadonlyArray<string>
  /** First value with RFC 2047 encoded-words decoded (for display and classification only). */
  decoded(name: string): string | undefined
}

/** One Received: header, newest (top) first in `Message.received`. */
export interface ReceivedHop {
  /** Position in the header block, 0 = top-most (added last). */
  readonly index: number
  readonly raw: string
  /** Name the sending host announced (the `from` clause). */
  readonly helo?: string | undefined
  /** Reverse DNS name recorded by the receiving host. */
  readonly rdns?: string | undefined
  /** IP of the sending host as recorded by the receiving host (normalised). */
  readonly ip?: string | undefined
  /** The receiving host (`by` clause). */
  readonly by?: string | undefined
  readonly date?: string | undefined
}

export interface MimePart {
  /** Lower-case `type/subtype`, `text/plain` when absent. */
  readonly contentType: string
  readonly charset?: string | undefined
  /**
   * The part's file name: Content-Disposition's `filename`, else Content-Type's `name` (RFC 2231
   * parameters joined and decoded, RFC 2047 words in them decoded).
   */
  readonly filename?: string | undefined
  /** Content-Type's `name`, decoded as `filename`: clients differ in which of the two they save under. */
  readonly typeName?: string | undefined
  readonly disposition?: string | undefined
  readonly transferEncoding?: string | undefined
  readonly headers: Headers
  /** Decoded body bytes of a leaf part (bounded by the scan view). */
  readonly body: Uint8Array
  readonly children: ReadonlyArray<MimePart>
  /** Byte range of the whole part (headers + body) in the scan view. */
  readonly start: number
  readonly end: number
}

export interface BodyFacts {
  /** Decoded text of text/plain parts and text reduced from text/html parts. */
  readonly texts: ReadonlyArray<string>
  /** Raw HTML of text/html parts (decoded to a string), for HTML features. */
  readonly htmls: ReadonlyArray<string>
  /** URLs found in text and HTML (href/src attributes included), deduplicated, in order. */
  readonly urls: ReadonlyArray<string>
  /** Host names found in URLs and bare domains in text, lower-case, deduplicated. */
  readonly hosts: ReadonlyArray<string>
  /** IPv4/IPv6 literals found in the body and in URL hosts, deduplicated. */
  readonly ips: ReadonlyArray<string>
  readonly attachments: ReadonlyArray<{
    readonly filename?: string | undefined
    readonly contentType: string
    readonly size: number
  }>
  /** True when a MIME limit (depth, parts) was hit while walking the tree. */
  readonly limitsHit: boolean
}

export interface Message {
  readonly envelope: Envelope
  /** Full size in bytes of the message as received. */
  readonly size: number
  readonly headers: Headers
  /** The first `maxScanSize` bytes of the message (header and start of body), CRLF line ends. */
  readonly scanView: Uint8Array
  /** True when `scanView` is shorter than the message. */
  readonly scanTruncated: boolean
  /** Received chain, newest first. */
  readonly received: ReadonlyArray<ReceivedHop>
  readonly mime: MimePart
  readonly body: BodyFacts
}
