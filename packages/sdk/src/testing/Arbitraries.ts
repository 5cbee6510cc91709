/**
 * fast-check arbitraries for conformance properties: queries of each kind (well-formed and
 * hostile), envelopes and whole messages (odd headers, encoded words, URLs, long lines).
 *
 * @category testing
 * @since 0.1.0
 */
import type { BlocklistQuery, QueryKind } from "@mailmoat/core"
import { fc } from "@fast-check/vitest"
import { type TestMessageSpec, testMessage } from "./TestMessage.ts"

const hostile = fc.oneof(
  fc.string({ maxLength: 300 }),
  fc.string({ unit: "binary", maxLength: 100 }),
  fc.constantFrom(
    "",
    ".",
    "..",
    "-",
    "::",
    "0",
    "999.1.1.1",
    "1.2.3",
    "a".repeat(300),
    "x@",
    "@x",
    "%00",
    "\u0000",
    "__proto__",
    "constructor"
  )
)

/** Values of one kind: normalised well-formed ones and hostile strings. */
export const queryValue = (kind: QueryKind): fc.Arbitrary<string> => {
  const good =
    kind === "ip"
      ? fc.oneof(fc.ipV4(), fc.ipV6())
      : kind === "domain"
        ? fc.domain().map((d) => d.toLowerCase())
        : fc.emailAddress().map((a) => a.toLowerCase())
  return fc.oneof({ weight: 3, arbitrary: good }, { weight: 1, arbitrary: hostile })
}

/** Queries of the given kinds. */
export const query = (kinds: ReadonlyArray<QueryKind>): fc.Arbitrary<BlocklistQuery> =>
  fc.constantFrom(...kinds).chain((kind) => queryValue(kind).map((value) => ({ kind, value })))

const headerValue = fc.oneof(
  fc.string({ maxLength: 200 }),
  fc.constantFrom(
    "=?utf-8?B?SGVsbG8=?=",
    "=?iso-8859-1?Q?caf=E9?=",
    "=?bogus?X?zz?=",
    "<>",
    "from x ([999.1.1.1]) by y"
  ),
  fc.emailAddress()
)
const headerName = fc.oneof(
  fc.constantFrom("From", "To", "Subject", "Received", "Reply-To", "Content-Type", "X-Mailer", "Message-ID"),
  fc.stringMatching(/^[A-Za-z][A-Za-z0-9-]{0,30}$/)
)

/** Arbitrary message specs for `testMessage`. */
export const messageSpec: fc.Arbitrary<TestMessageSpec> = fc.record({
  headers: fc.array(fc.tuple(headerName, headerValue), { maxLength: 12 }),
  body: fc.oneof(
    fc.string({ maxLength: 2000 }),
    fc
      .array(fc.oneof(fc.webUrl(), fc.ipV4(), fc.string({ maxLength: 40 })), { maxLength: 20 })
      .map((xs) => xs.join(" "))
  ),
  envelope: fc.record({
    clientAddress: fc.oneof(fc.ipV4(), fc.ipV6()),
    helo: fc.oneof(fc.domain(), fc.string({ maxLength: 80 })),
    mailFrom: fc.oneof(fc.emailAddress(), fc.constant("")),
    rcptTo: fc.array(fc.emailAddress(), { minLength: 1, maxLength: 3 })
  })
})

/** Arbitrary messages. */
export const message = messageSpec.map(testMessage)
