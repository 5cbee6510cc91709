// The ASCII test reads long ranges four bytes at a time through an aligned 32-bit view: at any
// offset into any buffer it must say what a byte loop says, and the binary text it leads to
// must round-trip to the same bytes.
import { fc, test } from "@fast-check/vitest"
import { describe, expect } from "vitest"
import { fromBinary, isAscii, toBinary } from "../../src/message/Binary.ts"

const byteLoop = (bytes: Uint8Array): boolean => bytes.every((b) => b < 0x80)

// Mostly ASCII bytes with now and then a high one, so both answers are common; lengths up to
// 300 (`size: "max"`: fast-check's default size would keep nearly all below the word loop's 32).
const bytes = fc.oneof(
  fc.uint8Array({ max: 0x7f, maxLength: 300, size: "max" }),
  fc
    .tuple(
      fc.uint8Array({ max: 0x7f, minLength: 1, maxLength: 300, size: "max" }),
      fc.nat(),
      fc.integer({ min: 0x80, max: 0xff })
    )
    .map(([b, at, high]) => {
      b[at % b.length] = high
      return b
    }),
  fc.uint8Array({ maxLength: 300, size: "max" })
)

/** `b` at `offset` bytes into a larger buffer, with other bytes (high ones too) around it. */
const placed = (b: Uint8Array, offset: number, fill: number): Uint8Array => {
  const whole = new Uint8Array(offset + b.length + 5).fill(fill)
  whole.set(b, offset)
  return whole.subarray(offset, offset + b.length)
}

describe("Binary", () => {
  test.prop([bytes, fc.integer({ min: 0, max: 7 }), fc.constantFrom(0x00, 0x41, 0x80, 0xff)], { numRuns: 2000 })(
    "isAscii says what a byte loop says, at any offset and alignment",
    (b, offset, fill) => {
      const view = placed(b, offset, fill)
      expect(isAscii(view)).toBe(byteLoop(b))
      for (const [s, e] of [
        [0, view.length],
        [1, view.length],
        [0, Math.max(0, view.length - 3)],
        [3, Math.max(3, view.length - 1)]
      ] as const)
        if (s <= e) expect(isAscii(view.subarray(s, e))).toBe(byteLoop(b.subarray(s, e)))
    }
  )

  test.prop([bytes, fc.integer({ min: 0, max: 7 })], { numRuns: 1000 })(
    "toBinary round-trips, told the ASCII answer or not",
    (b, offset) => {
      const view = placed(b, offset, 0xff)
      const text = toBinary(view)
      expect(fromBinary(text)).toEqual(b)
      expect(text.length).toBe(b.length)
      expect(toBinary(view, 0, view.length, isAscii(view))).toBe(text)
      const mid = view.length >> 1
      expect(toBinary(view, mid, view.length, isAscii(view.subarray(mid)))).toBe(text.slice(mid))
    }
  )
})
