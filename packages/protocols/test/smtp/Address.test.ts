// Envelope address limits are counted in UTF-8 octets (RFC 5321 §4.5.3.1): the count must be what
// the encoder writes, for every string, lone surrogates included.
import { fc, test } from "@fast-check/vitest"
import { describe, expect, it } from "vitest"
import { parsePath, utf8Length } from "../../src/smtp/Address.ts"

const units = fc
  .array(fc.oneof(fc.integer({ min: 0, max: 0x7f }), fc.integer({ min: 0, max: 0xffff })), { maxLength: 40 })
  .map((codes) => String.fromCharCode(...codes))

describe("utf8Length", () => {
  test.prop([fc.oneof(units, fc.string({ unit: "grapheme", maxLength: 30 }))], { numRuns: 3000 })(
    "equals the length TextEncoder writes",
    (s) => {
      expect(utf8Length(s)).toBe(new TextEncoder().encode(s).length)
    }
  )

  it("counts octets, not characters, against the path limits", () => {
    expect(parsePath(`${"é".repeat(32)}@b.test`, { allowNull: false, allowPostmaster: false }).ok).toBe(true)
    expect(parsePath(`${"é".repeat(33)}@b.test`, { allowNull: false, allowPostmaster: false }).ok).toBe(false)
    expect(parsePath(`a@${"é".repeat(31)}.test`, { allowNull: false, allowPostmaster: false }).ok).toBe(true)
    expect(parsePath(`a@${"é".repeat(32)}.test`, { allowNull: false, allowPostmaster: false }).ok).toBe(false)
  })
})
