// parseFields finds names and values by index and slices each once; on any header text it must
// give the fields (names, unfolded trimmed values, order) the line-slicing parser gave.
import { fc, test } from "@fast-check/vitest"
import { describe, expect } from "vitest"
import { nameEnd, parseFields } from "../../src/message/HeaderBlock.ts"
import * as Before from "./oracle/HeaderBlockBefore.ts"

const same = (text: string): void => {
  expect(parseFields(text)).toStrictEqual(Before.parseFields(text))
}
const name = fc.constantFrom("Subject", "From", "received", "X-A", "From ", "From\t", "Bad Name", "", "é", ":", "a:b")
const value = fc.string({
  unit: fc.constantFrom(..."ab :;\t\u00a0\u2028\u3000\ufeff\u180e\u0000é\r"),
  maxLength: 30
})
const eol = fc.constantFrom("\r\n", "\n", "\r")
const line = fc.oneof(
  fc.tuple(name, fc.constantFrom(":", " :", "\t:", ""), value, eol).map(([n, c, v, e]) => `${n}${c}${v}${e}`),
  fc.tuple(fc.constantFrom(" ", "\t", "  \t"), value, eol).map(([w, v, e]) => `${w}${v}${e}`),
  fc.tuple(value, eol).map(([v, e]) => v + e)
)
describe("parseFields against the line-slicing parser", () => {
  test.prop([fc.array(line, { maxLength: 25 }).map((ls) => ls.join(""))], { numRuns: 3000 })(
    "same fields for header-like text",
    same
  )
  const continuation = fc.tuple(fc.constantFrom(" ", "\t"), value, eol).map(([w, v, e]) => `${w}${v}${e}`)
  test.prop([value, fc.array(continuation, { minLength: 25, maxLength: 45 }), eol], { numRuns: 500 })(
    "same value for fields of a few and of many folds (the two ways of unfolding)",
    (first, rest, e) => same(`Subject: ${first}${e}${rest.join("")}From: x${e}`)
  )
  test.prop([fc.string({ unit: "binary", maxLength: 400 })])("same fields for arbitrary text", same)
  test.prop([fc.oneof(line, fc.string({ unit: "binary", maxLength: 40 }))])("nameEnd gives what it gave", (l) => {
    expect(nameEnd(l)).toBe(Before.nameEnd(l))
  })
  test.prop([fc.uint8Array({ maxLength: 400 })])("same fields for arbitrary bytes read as latin1", (bytes) => {
    same(Buffer.from(bytes).toString("latin1"))
  })
})
