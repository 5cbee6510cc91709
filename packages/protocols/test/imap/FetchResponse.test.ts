import { fc, test } from "@fast-check/vitest"
import { describe, expect, it } from "vitest"
import { literalValue, parseFetchResponse, renderFetchResponse } from "../../src/imap/FetchResponse.ts"

const b = (s: string) => Buffer.from(s, "latin1")
const text = (u: Uint8Array) => Buffer.from(u).toString("latin1")

/** An item value as the server writes it, with the literal content it carries (if any). */
const value: fc.Arbitrary<{ wire: string; literal?: string }> = fc.letrec<{
  value: { wire: string; literal?: string }
}>((tie) => ({
  value: fc.oneof(
    { depthSize: "small" },
    fc.constant({ wire: "NIL" }),
    fc.nat().map((n) => ({ wire: String(n) })),
    fc.stringMatching(/^[ -!#-[\]-~]{0,12}$/).map((s) => ({ wire: `"${s}"` })),
    fc.string({ unit: "binary-ascii", maxLength: 40 }).map((s) => ({ wire: `{${s.length}}\r\n${s}`, literal: s })),
    fc.array(tie("value"), { maxLength: 4 }).map((vs) => ({ wire: `(${vs.map((v) => v.wire).join(" ")})` }))
  )
})).value

const name = fc.constantFrom(
  "UID",
  "FLAGS",
  "BODY[]",
  "BODY[]<10>",
  "BODY[HEADER.FIELDS (FROM TO)]",
  "RFC822.SIZE",
  "BINARY[1]"
)

const response = fc
  .tuple(fc.integer({ min: 1, max: 99999 }), fc.array(fc.tuple(name, value), { minLength: 1, maxLength: 6 }))
  .map(([seq, items]) => ({
    seq,
    items,
    wire: `* ${seq} FETCH (${items.map(([n, v]) => `${n} ${v.wire}`).join(" ")})\r\n`
  }))

describe("parseFetchResponse", () => {
  it("splits a response into items with their literal octets", () => {
    const raw = b(
      '* 3 FETCH (UID 7 BODY[HEADER.FIELDS (FROM)] {6}\r\nFrom\r\n ENVELOPE ("a" {2}\r\nxy NIL) FLAGS (\\Seen))\r\n'
    )
    const r = parseFetchResponse(raw)!
    expect(r.seq).toBe(3)
    expect(r.items.map((i) => i.name)).toEqual(["UID", "BODY[HEADER.FIELDS (FROM)]", "ENVELOPE", "FLAGS"])
    const lit = r.items[1]!.literal!
    expect(text(raw.subarray(lit.start, lit.end))).toBe("From\r\n")
    expect(r.items[2]!.literal).toBeUndefined()
  })

  it("is undefined for what does not parse", () => {
    for (const s of [
      "* 3 FETCH (UID 7\r\n",
      "* 3 FETCH (BODY[] {10}\r\nshort)\r\n",
      "* 3 FETCH (UID (7)\r\n",
      "* OK hello\r\n",
      '* 3 FETCH (X "unterminated)\r\n',
      "* 3 FETCH (UID 7) trailing\r\n"
    ])
      expect(parseFetchResponse(b(s)), s).toBeUndefined()
  })

  test.prop([fc.uint8Array({ maxLength: 300 })])("never throws on arbitrary bytes", (bytes) => {
    parseFetchResponse(bytes)
    parseFetchResponse(Buffer.concat([b("* 1 FETCH ("), bytes]))
  })

  test.prop([response])(
    "round trip: names and literals come back, and rendering nothing changed gives the same bytes",
    (r) => {
      const raw = b(r.wire)
      const parsed = parseFetchResponse(raw)
      expect(parsed).toBeDefined()
      expect(parsed!.seq).toBe(r.seq)
      expect(parsed!.items.map((i) => i.name)).toEqual(r.items.map(([n]) => n))
      parsed!.items.forEach((item, i) => {
        const literal = r.items[i]![1].literal
        expect(item.literal === undefined ? undefined : text(raw.subarray(item.literal.start, item.literal.end))).toBe(
          literal
        )
      })
      expect(Buffer.concat(renderFetchResponse(raw, parsed!, new Map())).equals(raw)).toBe(true)
    }
  )

  test.prop([response, fc.string({ unit: "binary-ascii", maxLength: 60 }), fc.nat()])(
    "a replaced value (and a dropped item) parses back as written",
    (r, content, pick) => {
      const raw = b(r.wire)
      const parsed = parseFetchResponse(raw)!
      const at = pick % parsed.items.length
      const replaced = b(
        text(Buffer.concat(renderFetchResponse(raw, parsed, new Map([[at, literalValue("BODY[]", b(content))]]))))
      )
      const again = parseFetchResponse(replaced)!
      const item = again.items[at]!
      expect(text(replaced.subarray(item.literal!.start, item.literal!.end))).toBe(content)
      const drop = (at + 1) % parsed.items.length
      const dropped = parseFetchResponse(Buffer.concat(renderFetchResponse(raw, parsed, new Map(), new Set([drop]))))
      if (parsed.items.length === 1) expect(dropped?.items ?? []).toHaveLength(0)
      else
        expect(dropped!.items.map((i) => i.name)).toEqual(parsed.items.filter((_, i) => i !== drop).map((i) => i.name))
    }
  )
})
