// The message as the tokenizer's traits read it (`fieldsOnce`): every header lookup answers what
// core's `Headers` answers, for any field list and any sequence of names asked (case varied,
// repeated, more names than it keeps), core is asked once per name kept, and every other fact is
// the message's own object.
import { fc, test } from "@fast-check/vitest"
import { describe, expect, it } from "vitest"
import type { Headers, Message } from "@mailmoat/core"
import { fieldsOnce } from "../../src/classifier/FieldsOnce.ts"
import { parse, rfc822, withHeaders } from "./support.ts"

const names = ["From", "from", "FROM", "Subject", "subject", "To", "cc", "Date", "X-Mailer", "Received", "x-none"]
const fieldName = fc.oneof(fc.constantFrom(...names), fc.constantFrom(...names.map((n) => `${n}-2`)))
const fieldValue = fc.oneof(
  fc.constantFrom("Alice <alice@example.net>", "=?utf-8?B?SGVsbG8gd29ybGQ=?=", "=?iso-8859-1?Q?Caf=E9?= x", ""),
  fc.string({ maxLength: 40 }).map((s) => s.replace(/[\r\n]/g, " "))
)
const asks = fc.array(
  fc.tuple(fc.constantFrom("get", "getAll", "decoded") as fc.Arbitrary<"get" | "getAll" | "decoded">, fieldName),
  {
    maxLength: 120
  }
)

/** `headers` counting each call by kind and name. */
const counting = (headers: Headers) => {
  const calls = new Map<string, number>()
  const count = (key: string) => calls.set(key, (calls.get(key) ?? 0) + 1)
  const counted: Headers = {
    list: headers.list,
    get: (name) => (count(`get ${name}`), headers.get(name)),
    getAll: (name) => (count(`getAll ${name}`), headers.getAll(name)),
    decoded: (name) => (count(`decoded ${name}`), headers.decoded(name))
  }
  return { counted, calls }
}

/** `message` whose headers are `headers` (its own getter shadowed). */
const withCounted = (message: Message, headers: Headers): Message =>
  Object.create(message, { headers: { value: headers } }) as Message

describe("fieldsOnce", () => {
  test.prop([fc.array(fc.tuple(fieldName, fieldValue), { maxLength: 30 }), asks])(
    "answers what core's headers answer, asking core once per name",
    (fields, sequence) => {
      const message = parse(withHeaders(fields.map(([n, v]) => `${n}: ${v}`)))
      const { counted, calls } = counting(message.headers)
      const once = fieldsOnce(withCounted(message, counted)).headers
      for (const [kind, name] of sequence) expect(once[kind](name)).toEqual(message.headers[kind](name))
      for (const [, n] of calls) expect(n).toBe(1)
      expect(once.list).toBe(message.headers.list)
    }
  )

  it("asks core again for names past the ones it keeps", () => {
    const message = parse(withHeaders(["From: a@example.net"]))
    const { counted, calls } = counting(message.headers)
    const once = fieldsOnce(withCounted(message, counted)).headers
    for (let i = 0; i < 50; i++) expect(once.get(`x-${i}`)).toBeUndefined()
    for (let i = 0; i < 50; i++) once.get(`x-${i}`)
    expect(calls.get("get x-0")).toBe(1)
    expect(calls.get("get x-49")).toBe(2)
  })

  it("gives the message's own facts", () => {
    const message = parse(rfc822({ subject: "Hi", body: "See http://www.example.com/ now." }))
    const once = fieldsOnce(message)
    expect(once.body).toBe(message.body)
    expect(once.received).toBe(message.received)
    expect(once.mime).toBe(message.mime)
    expect(once.envelope).toBe(message.envelope)
    expect(once.scanView).toBe(message.scanView)
    expect(once.size).toBe(message.size)
    expect(once.scanTruncated).toBe(message.scanTruncated)
    expect(once.headers.get("subject")).toBe("Hi")
  })
})
