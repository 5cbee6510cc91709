import { fc, test } from "@fast-check/vitest"
import { describe, expect } from "vitest"
import { type Envelope, make, type SessionFlag } from "../src/Envelope.ts"
import { makeBefore } from "./oracle/EnvelopeBefore.ts"

/** A field given with a value, given as undefined, or not given at all. */
const maybe = <A>(arb: fc.Arbitrary<A>) =>
  fc.oneof(
    fc.constant({ given: false } as const),
    fc.record({ given: fc.constant(true), value: fc.option(arb, { nil: undefined }) })
  )

const fieldsArb = fc
  .record({
    clientAddress: fc.oneof(
      fc.ipV4(),
      fc.ipV6(),
      fc.ipV4().map((ip) => `::FFFF:${ip}`),
      fc.string()
    ),
    helo: maybe(fc.string()),
    mailFrom: maybe(fc.string()),
    rcptTo: maybe(fc.array(fc.string(), { maxLength: 3 })),
    tls: maybe(fc.boolean()),
    authenticatedUser: maybe(fc.string()),
    sessionFlags: maybe(fc.constantFrom<ReadonlySet<SessionFlag>>(new Set(), new Set(["bypassAntispam"]))),
    receivedAt: maybe(fc.nat()),
    clientPort: maybe(fc.nat(65535))
  })
  .map(({ clientAddress, ...rest }) => {
    const fields: Record<string, unknown> = { clientAddress }
    for (const [k, v] of Object.entries(rest)) if (v.given) fields[k] = v.value
    return fields as Partial<Envelope> & Pick<Envelope, "clientAddress">
  })

describe("Envelope.make", () => {
  test.prop([fieldsArb])("the same envelope as before, key for key (defaults made only when not given)", (fields) => {
    const before = Date.now()
    const made = make(fields)
    const oracle = makeBefore(fields)
    const after = Date.now()
    expect(Object.keys(made)).toEqual(Object.keys(oracle))
    for (const key of Object.keys(oracle) as Array<keyof Envelope>) {
      if (key === "receivedAt" && !("receivedAt" in fields)) {
        expect(made.receivedAt).toBeGreaterThanOrEqual(before)
        expect(made.receivedAt).toBeLessThanOrEqual(after)
      } else if (key === "sessionFlags" && !("sessionFlags" in fields)) {
        expect([...made.sessionFlags]).toEqual([])
      } else expect(made[key]).toStrictEqual(oracle[key])
    }
  })

  test.prop([fieldsArb])("an envelope's own default set is its own: two envelopes never share it", (fields) => {
    const { sessionFlags: _, ...without } = fields
    expect(make(without).sessionFlags).not.toBe(make(without).sessionFlags)
  })
})
