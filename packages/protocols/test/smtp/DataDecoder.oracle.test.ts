// The decoder that jumps to the next CR/LF/NUL with Buffer.indexOf against the byte-at-a-time
// decoder it replaced (oracle/DataDecoderBefore.ts): for arbitrary bytes cut at arbitrary chunk
// boundaries, every push must emit the same views in the same order, return the same rest, and
// leave the same state and stats. Inputs are rich in what the state machine turns on: dot-stuffing,
// the end marker (split across chunks by the cuts), bare CR and LF, NUL, and lines far past 998
// bytes; size limits small enough to cut the output mid-run.
import { Buffer } from "node:buffer"
import { fc, test } from "@fast-check/vitest"
import { describe, expect, it } from "vitest"
import { DataDecoder } from "../../src/smtp/index.ts"
import { DataDecoderBefore } from "./oracle/DataDecoderBefore.ts"
import { bytes, splitAt } from "./support/simulate.ts"

interface Decoder {
  readonly done: boolean
  push(chunk: Uint8Array, emit: (bytes: Uint8Array) => void): Uint8Array | undefined
  stats(): unknown
}

/** Everything a decoder does with `chunks`: per push, the views it emitted and what it returned. */
const trace = (decoder: Decoder, chunks: ReadonlyArray<Uint8Array>) =>
  chunks.map((chunk) => {
    const emitted: Array<string> = []
    const rest = decoder.push(chunk, (b) => emitted.push(Buffer.from(b).toString("latin1")))
    return {
      emitted,
      rest: rest === undefined ? undefined : Buffer.from(rest).toString("latin1"),
      done: decoder.done,
      stats: decoder.stats()
    }
  })

const same = (input: Uint8Array, cuts: ReadonlyArray<number>, maxSize: number | undefined, asBuffer: boolean) => {
  const chunks = splitAt(input, cuts).map((c) => (asBuffer ? Buffer.from(c) : c))
  expect(trace(new DataDecoder(maxSize), chunks)).toEqual(trace(new DataDecoderBefore(maxSize), chunks))
}

const token = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom("\r\n", "\r\n.\r\n", ".\r\n", "..", ".", "\r", "\n", "\0", "\r\r\n", "\n.") },
  { weight: 3, arbitrary: fc.string({ unit: "binary-ascii", maxLength: 40 }) },
  { weight: 1, arbitrary: fc.nat(2500).map((n) => "x".repeat(n)) }
)
const mailish = fc.array(token, { maxLength: 60 }).map((parts) => bytes(parts.join("")))
const input = fc.oneof(mailish, fc.uint8Array({ maxLength: 800 }))
const cutsArb = fc.array(fc.nat(20_000), { maxLength: 40 })
const maxSizeArb = fc.option(fc.oneof(fc.nat(64), fc.nat(5000)), { nil: undefined })

describe("DataDecoder against the byte-at-a-time oracle", () => {
  test.prop([input, cutsArb, maxSizeArb, fc.boolean()], { numRuns: 2000 })(
    "same views, rest, state and stats for every push, however the bytes are chunked",
    (bytesIn, cuts, maxSize, asBuffer) => same(bytesIn, cuts, maxSize, asBuffer)
  )

  test.prop([mailish, fc.nat(20_000)], { numRuns: 500 })(
    "the end marker cut at any point, one byte per chunk included",
    (body, at) => {
      const wire = Buffer.concat([body, Buffer.from("\r\n.\r\nQUIT\r\n")])
      const cut = at % (wire.length + 1)
      same(wire, [cut, cut + 1, cut + 2, cut + 3, cut + 4], undefined, true)
      same(
        wire,
        Array.from({ length: Math.min(wire.length, 64) }, (_, i) => wire.length - i),
        10,
        true
      )
    }
  )

  it("one byte per push over a mixed message", () => {
    const wire = bytes("..a\r\nb\rc\nd\0e\r\n.\r\r\n.x\r\n\n.\r\n\r\n.\r\nRSET\r\n")
    same(
      wire,
      Array.from({ length: wire.length }, (_, i) => i),
      undefined,
      false
    )
  })
})
