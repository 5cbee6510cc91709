// Header lookups scan the field list comparing names in place; for any fields and any name they
// must answer what the index of lower-cased names answered (`oracle/HeadersBefore.ts`).
import { fc, test } from "@fast-check/vitest"
import { describe, expect, it } from "vitest"
import * as Headers from "../../src/message/Headers.ts"
import * as Before from "./oracle/HeadersBefore.ts"

const nameUnit = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(..."aAbBzZ-_09@[`{~") },
  { weight: 1, arbitrary: fc.constantFrom("\u0130", "i\u0307", "\u00c9", "\u00e9", "\u212a", "k", "K", "\u00df", "SS") }
)
const name = fc.oneof(
  fc.string({ unit: nameUnit, maxLength: 6 }),
  fc.constantFrom("Received", "received", "RECEIVED", "From", "from", "Content-Type", "content-type", "Subject")
)
const fields = fc.array(fc.record({ name, value: fc.string({ maxLength: 4 }) }), { maxLength: 12 })

const same = (list: ReadonlyArray<{ name: string; value: string }>, asked: string) => {
  const now = Headers.fromList(list)
  const before = Before.fromList(list)
  expect(now.get(asked)).toBe(before.get(asked))
  expect([...now.getAll(asked)]).toStrictEqual([...before.getAll(asked)])
  expect(now.decoded(asked)).toBe(before.decoded(asked))
}

describe("header lookups against the index of lower-cased names", () => {
  test.prop([fields, fc.array(name, { minLength: 1, maxLength: 6 })], { numRuns: 3000 })(
    "the same values for any fields and names",
    (list, names) => {
      for (const asked of names) same(list, asked)
      // Names that are in the list, asked in other cases.
      for (const h of list) {
        same(list, h.name)
        same(list, h.name.toUpperCase())
        same(list, h.name.toLowerCase())
      }
    }
  )
  test.prop(
    [fc.array(fc.record({ name, value: fc.string({ maxLength: 2 }) }), { minLength: 60, maxLength: 90 }), name],
    {
      numRuns: 300
    }
  )("the same on blocks around the size where the index takes over", (list, asked) => {
    same(list, asked)
    for (const h of list.slice(0, 5)) same(list, h.name.toUpperCase())
  })
  test.prop([fc.string({ unit: "binary", maxLength: 400 }), name], { numRuns: 1000 })(
    "the same over parsed header text",
    (text, asked) => {
      const now = Headers.parse(text)
      const before = Before.fromList(now.list)
      expect(now.get(asked)).toBe(before.get(asked))
      expect([...now.getAll(asked)]).toStrictEqual([...before.getAll(asked)])
    }
  )
  it("names outside ASCII compare as toLowerCase gives them", () => {
    const list = [
      { name: "\u0130d", value: "1" },
      { name: "X-K", value: "2" },
      { name: "x-\u212a", value: "3" }
    ]
    for (const asked of ["i\u0307d", "\u0130D", "x-k", "X-\u212a", "x-K"]) same(list, asked)
    expect(Headers.fromList(list).get("i\u0307d")).toBe("1")
    expect(Headers.fromList(list).getAll("x-k")).toStrictEqual(["2", "3"])
  })
})
