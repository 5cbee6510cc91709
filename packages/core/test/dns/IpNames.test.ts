// Host names are refused before parse's general path; every text must still parse (or not) to
// exactly what it did.
import { fc, test } from "@fast-check/vitest"
import { describe, expect } from "vitest"
import * as IpAddress from "../../src/dns/IpAddress.ts"
import * as Before from "./oracle/IpAddressBefore.ts"

const same = (text: string): void => {
  expect(IpAddress.parse(text)).toStrictEqual(Before.parse(text))
}
const piece = fc.oneof(
  fc.ipV4(),
  fc.ipV6(),
  fc.ipV4Extended(),
  fc.domain(),
  fc.constantFrom(
    " ",
    "\t",
    "\u00a0",
    "\ufeff",
    "[",
    "]",
    ":",
    "::",
    ".",
    "-",
    "_",
    "a",
    "F",
    "x",
    "0",
    "00",
    "256",
    "%eth0"
  ),
  fc.string({ maxLength: 6 })
)
describe("IpAddress.parse against the parse without the name check", () => {
  test.prop([fc.array(piece, { maxLength: 5 }).map((ps) => ps.join(""))], { numRuns: 3000 })(
    "same on address-like text",
    same
  )
  test.prop([fc.string({ unit: fc.constantFrom(..." [].:0129afAFxz-_\u00a0"), maxLength: 45 })], { numRuns: 3000 })(
    "same on text of address characters",
    same
  )
  test.prop([fc.string({ unit: "binary", maxLength: 60 })])("same on arbitrary text", same)
})
