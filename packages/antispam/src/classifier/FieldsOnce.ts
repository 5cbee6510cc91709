/**
 * The message as the tokenizer's traits read it: the same message, whose header fields are looked
 * up once per name. Each trait is a module of its own that reads the fields it needs, so one
 * message asked core's `Headers` 61 times for 16 names on the peer workload (From 13 times,
 * X-Mailer 8, Message-ID 7, Subject and Date 6), each a scan of the field list, and decoded the
 * Subject three times and From twice (docs/performance.md, "The classifier's feature stages,
 * 2026-12-07 evening"). Here each name's first value, all its values and its decoded value are
 * read from core once and given again after.
 *
 * **Gotchas**
 * Names are kept as asked (`get("From")` and `get("from")` are two entries with one answer):
 * the traits ask in lower case. A message with more names asked than `MAX_NAMES` reads the rest
 * from core each time, so a header bomb costs what it cost before.
 *
 * @category constructors
 * @since 0.5.0
 */
import type { Header, Headers, Message } from "@mailmoat/core"

/** Names remembered per kind of lookup: the traits ask for about twenty. */
const MAX_NAMES = 40

/** One kind of lookup remembered by name: parallel arrays, names compared by `===` (literals). */
class Answers<T> {
  private readonly names: Array<string> = []
  private readonly values: Array<T> = []

  read(name: string, ask: (name: string) => T): T {
    const names = this.names
    for (let i = 0; i < names.length; i++) if (names[i] === name) return this.values[i]!
    const value = ask(name)
    if (names.length < MAX_NAMES) {
      names.push(name)
      this.values.push(value)
    }
    return value
  }
}

/** `headers` with each name's lookups made once. */
class HeadersOnce implements Headers {
  private readonly first = new Answers<string | undefined>()
  private readonly all = new Answers<ReadonlyArray<string>>()
  private readonly decodedValues = new Answers<string | undefined>()
  private readonly askFirst = (name: string) => this.headers.get(name)
  private readonly askAll = (name: string) => this.headers.getAll(name)
  private readonly askDecoded = (name: string) => this.headers.decoded(name)

  constructor(private readonly headers: Headers) {}

  get list(): ReadonlyArray<Header> {
    return this.headers.list
  }

  get(name: string): string | undefined {
    return this.first.read(name, this.askFirst)
  }

  getAll(name: string): ReadonlyArray<string> {
    return this.all.read(name, this.askAll)
  }

  decoded(name: string): string | undefined {
    return this.decodedValues.read(name, this.askDecoded)
  }
}

/** `message` with `HeadersOnce` for its headers; every other fact is the message's own, read when asked. */
class MessageOnce implements Message {
  readonly headers: Headers

  constructor(private readonly message: Message) {
    this.headers = new HeadersOnce(message.headers)
  }

  get envelope(): Message["envelope"] {
    return this.message.envelope
  }
  get size(): number {
    return this.message.size
  }
  get scanView(): Uint8Array {
    return this.message.scanView
  }
  get scanTruncated(): boolean {
    return this.message.scanTruncated
  }
  get received(): Message["received"] {
    return this.message.received
  }
  get mime(): Message["mime"] {
    return this.message.mime
  }
  get body(): Message["body"] {
    return this.message.body
  }
}

/** `message` as the tokenizer's traits read it: the same facts, each header name looked up once. */
export const fieldsOnce = (message: Message): Message => new MessageOnce(message)
