/**
 * The start of a `* n FETCH (...)` response, held until its whole-message literal begins, so the
 * sizes the response announces before that literal can be those of what the literal finally
 * carries. A spam tag lengthens a message: without this, `* 2 FETCH (UID 2 RFC822.SIZE 1201
 * BODY[] {1230}` (what Dovecot answers Thunderbird's `UID RFC822.SIZE BODY.PEEK[]`, the size first
 * whatever the order asked) tells a client 1201 octets and sends 1230; a client that trusts the
 * size (to read the message in pieces, or to check it came whole) misses the tag's bytes.
 *
 * Only the literal's own `{n}` and `RFC822.SIZE` before it are rewritten: they describe the whole
 * message. The rest (`BODY[HEADER]`, `ENVELOPE`, flags) is the server's, as for a full fetch.
 *
 * **Gotchas**
 * - At most `MAX_PREFIX` bytes are held (a response whose start is larger, e.g. a large header
 *   literal asked before `BODY[]`, goes on as it comes, its size the server's).
 * - Only responses starting `* <n> FETCH (` are held, and only until the literal, or their end:
 *   nothing else waits.
 *
 * @category models
 * @since 0.1.0
 */
import { parseFetchResponse } from "./FetchResponse.ts"

const MAX_PREFIX = 16 * 1024
/** `FETCH (` after `* <n> `, lower-case letters (matched with the case bit set). */
const WORD = Array.from("fetch (", (c) => c.charCodeAt(0))
const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39
/** `RFC822.SIZE`, lower-case; its first letter occurs once, so a mismatch starts the match anew. */
const SIZE = Array.from("rfc822.size", (c) => c.charCodeAt(0))
const lower = (c: number): number => (c >= 0x41 && c <= 0x5a ? c | 0x20 : c)
const CLOSE = Buffer.from("{0}\r\n)\r\n", "latin1")

export class ResponsePrefix {
  private held: Array<Uint8Array> = []
  private size = 0
  /** How far the response's first bytes follow `* <n> FETCH (` (see `follows`). */
  private step = 0
  private digits = 0
  /** Bytes of `RFC822.SIZE` matched at the end of what is held; `SIZE.length`: it was seen. */
  private sizeMatched = 0
  /** `deciding`: the response's first bytes may still start a FETCH. */
  private state: "start" | "deciding" | "holding" | "passing" = "start"

  /** Bytes of the current response: held (true), or to pass on after what `release` gives (false). */
  take(bytes: Uint8Array): boolean {
    if (this.state === "passing") return false
    if (this.state !== "holding") {
      this.state = this.follows(bytes)
      if (this.state === "passing") return false
    }
    if (this.size + bytes.length > MAX_PREFIX) {
      this.state = "passing"
      return false
    }
    this.held.push(bytes)
    this.size += bytes.length
    if (this.sizeMatched < SIZE.length) this.lookForSize(bytes)
    return true
  }

  /** Follows `RFC822.SIZE` through the held bytes, across their pieces. */
  private lookForSize(bytes: Uint8Array): void {
    let matched = this.sizeMatched
    for (let i = 0; i < bytes.length && matched < SIZE.length; i++) {
      const c = lower(bytes[i]!)
      matched = c === SIZE[matched] ? matched + 1 : c === SIZE[0] ? 1 : 0
    }
    this.sizeMatched = matched
  }

  /** Whether the held start names `RFC822.SIZE` (somewhere: `withSize` finds where, if it is an item). */
  get announcesSize(): boolean {
    return this.sizeMatched === SIZE.length
  }

  /** Reads the response's first bytes against `* <n> FETCH (`, byte by byte (no string made). */
  private follows(bytes: Uint8Array): "deciding" | "holding" | "passing" {
    for (let i = 0; i < bytes.length; i++) {
      const c = bytes[i]!
      if (this.step === 0) {
        if (c !== 0x2a) return "passing"
      } else if (this.step === 1) {
        if (c !== 0x20) return "passing"
      } else if (this.step === 2) {
        if (isDigit(c) && this.digits < 10) {
          this.digits++
          continue
        }
        if (c !== 0x20 || this.digits === 0) return "passing"
      } else {
        const want = WORD[this.step - 3]!
        if (want >= 0x61 ? (c | 0x20) !== want : c !== want) return "passing"
        if (this.step - 3 === WORD.length - 1) return "holding"
      }
      this.step++
    }
    return "deciding"
  }

  /** Whether bytes are held. */
  get holding(): boolean {
    return this.size > 0
  }

  /** What is held, to pass on as it is; the rest of the response passes too. */
  release(): Array<Uint8Array> {
    const held = this.held
    this.held = []
    this.size = 0
    this.state = "passing"
    return held
  }

  /**
   * The message literal (`marker`) begins: the held start and the marker in one piece, and how
   * long the start is (`withSize` writes it for content of another size). The rest passes.
   */
  messageStart(marker: Uint8Array): MessageHead {
    const prefixLength = this.size
    this.state = "passing"
    if (prefixLength === 0) return { header: marker, prefixLength }
    this.held.push(marker)
    const header = Buffer.concat(this.held)
    this.held.length = 0
    this.size = 0
    return { header, prefixLength }
  }

  /** The response ended (what is held was released): the next one starts. */
  end(): void {
    if (this.size > 0) this.held.length = 0
    this.size = 0
    this.step = 0
    this.digits = 0
    this.sizeMatched = 0
    this.state = "start"
  }
}

/** A FETCH response's start up to and with its message literal's marker. */
export interface MessageHead {
  readonly header: Uint8Array
  /** Where the marker begins in `header`. */
  readonly prefixLength: number
}

/**
 * `head`'s start (without the marker) with its `RFC822.SIZE` value `size`; parsed only when
 * called (for a message the scan rewrote), not for every message that passes.
 */
export const withSize = (head: MessageHead, size: number): Uint8Array => {
  const prefix = head.header.subarray(0, head.prefixLength)
  // Completed with an empty literal and the list's end, the start parses as a whole response.
  const parsed = parseFetchResponse(Buffer.concat([prefix, CLOSE]))
  const item = parsed?.items.find((i) => i.name === "RFC822.SIZE" && i.valueEnd <= prefix.length)
  if (item === undefined) return prefix
  return Buffer.concat([
    prefix.subarray(0, item.valueStart),
    Buffer.from(String(size), "latin1"),
    prefix.subarray(item.valueEnd)
  ])
}
