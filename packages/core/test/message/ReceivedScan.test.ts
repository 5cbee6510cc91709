// The Received parser's keyword and bracket scans work on indexes instead of sliced words; every
// field, folded or not, must still parse to exactly what the slicing parser gave.
import { fc, test } from "@fast-check/vitest"
import { describe, expect } from "vitest"
import { Received } from "../../src/message/index.ts"
import * as Before from "./oracle/ReceivedBefore.ts"

const same = (raw: string, index: number): void => {
  expect(Received.parse(raw, index)).toStrictEqual(Before.parse(raw, index))
}

const ip = fc.oneof(
  fc.ipV4(),
  fc.ipV6(),
  fc.constantFrom("1.2.3", "::1", "2001:db8::", "0x7f.1"),
  fc.string({ maxLength: 12 })
)
const word = fc.constantFrom(
  "from",
  "FROM",
  "From",
  "by",
  "By",
  "via",
  "VIA",
  "with",
  "With",
  "id",
  "ID",
  "for",
  "For",
  "fro",
  "form",
  "byy",
  "helo",
  "HELO",
  "ehlo",
  "EHLO",
  "helo=",
  "Ehlo=",
  "hElO ",
  "unknown",
  "may be forged",
  "@",
  ";",
  "(",
  ")",
  "[",
  "]",
  "IPv6:",
  "ipv6:",
  "\u0130d",
  "\u212Aid",
  "ſ",
  "\t",
  "\r\n ",
  "\0",
  "  ",
  "\u00a0",
  "\u2028",
  "\u200b",
  "\u3000",
  "\ufeff",
  "\u180e",
  "\u0085",
  "\u1680"
)
const token = fc.oneof(
  word,
  fc.string({ maxLength: 10 }),
  fc.string({ unit: "binary", maxLength: 6 }),
  ip.map((x) => `[${x}]`),
  ip.map((x) => `[IPv6:${x}]`),
  ip.map((x) => `(${x})`),
  ip.map((x) => `(user@${x})`),
  ip.map((x) => `helo=[${x}]`),
  ip.map((x) => `(HELO ${x})`),
  ip.map((x) => `(ehlo [${x}])`),
  ip.map((x) => `(rdns.example [${x}] HELO [${x}])`),
  fc.domain()
)
const glue = fc.constantFrom(" ", "", "  ", "\r\n\t", "(", ")", "[", "]", "\u00a0", "\v\f", "\u2009 ")
const field = fc.array(fc.tuple(token, glue), { maxLength: 30 }).map((parts) => parts.map(([t, g]) => t + g).join(""))

// Clauses as MTAs write them: a keyword, then a few tokens, in any order and case.
const clause = fc
  .tuple(word, fc.array(token, { minLength: 0, maxLength: 4 }))
  .map(([keyword, tokens]) => [keyword, ...tokens].join(" "))
const clauseField = fc
  .tuple(fc.array(clause, { maxLength: 8 }), fc.option(fc.string({ maxLength: 20 })))
  .map(([cs, date]) => cs.join(" ") + (date === null ? "" : `; ${date}`))

// Blanks of several kinds, and the keywords, for the ends of a field.
const blanks = fc
  .array(fc.constantFrom(" ", "\t", "\r\n ", "\u00a0", "\0", "\u3000", "\v"), { minLength: 1, maxLength: 3 })
  .map((b) => b.join(""))
const keyword = fc.constantFrom("from", "by", "BY", "with", "id", "for", "via", "From")

describe("Received.parse against the slicing parser", () => {
  // The field is read in place now: a keyword followed by nothing but blanks ends the field, so
  // it starts no clause (the folded text had no blank after it), with or without a date.
  test.prop([clauseField, keyword, blanks, fc.option(fc.string({ maxLength: 12 }))], { numRuns: 2000 })(
    "same hop when a keyword and blanks end the clauses",
    (clauses, last, after, date) => {
      same(`${clauses} ${last}${after}${date === null ? "" : `;${date}`}`, 0)
      same(`${clauses}${after}${last}${after}`, 0)
    }
  )
  // Only the first 4 KiB are read: the cut may fall in a word, a blank run or a keyword.
  test.prop([fc.integer({ min: 4040, max: 4110 }), blanks, keyword, fc.boolean()], { numRuns: 300 })(
    "same hop when the 4 KiB cut falls near a keyword",
    (length, after, last, date) => {
      const head = `from rdns.example (rdns.example [192.0.2.1])${after}by mx.example `
      const pad = "w".repeat(Math.max(0, length - head.length))
      same(`${head}${pad}${after}${last}${after}x${date ? "; Sun, 1 Nov 2026" : ""}`, 0)
      same(`${head}with ${"y ".repeat(Math.max(0, (length - head.length) >> 1))}${last}${after}`, 0)
    }
  )
  test.prop([clauseField, fc.nat(50)], { numRuns: 3000 })("same hop for fields of keyword clauses", same)
  test.prop([field, fc.nat(50)], { numRuns: 3000 })("same hop for Received-like fields", same)
  test.prop([fc.string({ unit: "binary", maxLength: 300 }), fc.nat(5)])("same hop for arbitrary text", same)
  test.prop([fc.string({ unit: fc.constantFrom(..."fromby ()[]helo=EHLO:.0123456789abcdef;@"), maxLength: 200 })], {
    numRuns: 3000
  })("same hop for text of the parser's own characters", (raw) => {
    same(raw, 0)
  })
  test.prop([
    fc.string({
      unit: fc.constantFrom(
        ..."ab ;()[]\t\r\n\v\f\0\u00a0\u1680\u2000\u200a\u200b\u2028\u2029\u202f\u205f\u3000\ufeff\u0085\u180e"
      ),
      maxLength: 60
    })
  ])("same hop for text of blanks of every kind", (raw) => {
    same(`from ${raw} by x; ${raw}`, 0)
    same(raw, 0)
  })
  test.prop([fc.uint8Array({ maxLength: 400 })])(
    "same hop and no throw for arbitrary bytes read as latin1",
    (bytes) => {
      same(Buffer.from(bytes).toString("latin1"), 0)
    }
  )
})
