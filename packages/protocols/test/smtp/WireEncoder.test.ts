// What we relay is never a smuggling carrier (we are the outbound server): for all inputs the encoded DATA
// has no stray CR/LF/NUL, every dot line is stuffed, and it decodes back to the normalised input.
import { fc, test } from "@fast-check/vitest"
import { describe, expect, it } from "vitest"
import { concat, decodeAll, dotStuff, encodeForWire, encodeStream, WireEncoder } from "../../src/smtp/index.ts"
import { bytes, latin1, splitAt } from "./support/simulate.ts"

/** Independent oracle: bare CR / bare LF -> CRLF, then NUL removed (a NUL between CR and LF separates them). */
const canonical = (s: string): string => s.replace(/\r\n|\r|\n/g, "\r\n").replace(/\0/g, "")

/** Independent oracle for the whole DATA payload: normalised, every line starting with a dot stuffed, terminated. */
const wireOracle = (s: string): string => {
  const c = canonical(s)
  const body = c === "" || c.endsWith("\r\n") ? c : `${c}\r\n`
  return `${body.replace(/(^|\r\n)\./g, "$1..")}.\r\n`
}

/** Mostly canonical text (CRLF line ends, dot lines), the shape of a received message, with a rare stray byte. */
const lineArb = fc.array(fc.constantFrom(46, 65, 32, 66), { maxLength: 12 }).map((a) => String.fromCharCode(...a))
const messageish = fc
  .tuple(fc.array(lineArb, { maxLength: 30 }), fc.constantFrom("\r\n", "", "\r", "\n", "\0", "\r\n."))
  .map(([lines, tail]) => bytes(lines.join("\r\n") + tail))

const smtpish = fc.array(fc.constantFrom(13, 10, 46, 0, 65, 32), { maxLength: 300 }).map((a) => Uint8Array.from(a))
const anyBytes = fc.oneof(smtpish, fc.uint8Array({ maxLength: 600 }))

describe("WireEncoder", () => {
  it.each([
    ["A\n.\r\nB", "A\r\n..\r\nB\r\n.\r\n"],
    ["A\n.\nB", "A\r\n..\r\nB\r\n.\r\n"],
    ["A\r.\rB", "A\r\n..\r\nB\r\n.\r\n"],
    ["A\r\n.\rB", "A\r\n..\r\nB\r\n.\r\n"],
    ["A\r\n\x00.\r\nB\r\n", "A\r\n..\r\nB\r\n.\r\n"],
    ["", ".\r\n"],
    [".", "..\r\n.\r\n"],
    ["x\r", "x\r\n.\r\n"]
  ])("encodes %j safely", (input, wire) => {
    expect(latin1(encodeForWire(bytes(input)))).toBe(wire)
  })

  it("dotStuff adds no terminator", () => {
    expect(latin1(dotStuff(bytes(".a\n.b\r")))).toBe("..a\r\n..b\r\n")
  })

  it("encodeStream equals encodeForWire", async () => {
    const source = async function* () {
      yield bytes("a\r")
      yield bytes("\n.b")
    }
    const parts: Array<Uint8Array> = []
    for await (const p of encodeStream(source())) parts.push(p)
    expect(latin1(concat(parts))).toBe(latin1(encodeForWire(bytes("a\r\n.b"))))
  })
})

describe("WireEncoder properties", () => {
  test.prop([fc.oneof(messageish, anyBytes), fc.array(fc.nat(400), { maxLength: 12 })], { numRuns: 2000 })(
    "chunked output equals the oracle (the canonical fast path and the byte path alike)",
    (input, cuts) => {
      const enc = new WireEncoder()
      const parts = splitAt(input, cuts).map((c) => enc.push(c))
      parts.push(enc.end())
      expect(latin1(concat(parts))).toBe(wireOracle(latin1(input)))
    }
  )

  it("returns a canonical chunk without dots as it is, and copies one with dot lines", () => {
    const enc = new WireEncoder()
    const plain = bytes("Subject: x\r\n\r\nbody\r\n")
    expect(enc.push(plain)).toBe(plain)
    expect(latin1(enc.push(bytes(".a\r\nb\r\n.\r\n")))).toBe("..a\r\nb\r\n..\r\n")
    expect(latin1(enc.end())).toBe(".\r\n")
  })

  test.prop([anyBytes], { numRuns: 2000 })(
    "output has no stray CR/LF, no NUL, stuffed dot lines, one terminator",
    (input) => {
      const wire = latin1(encodeForWire(input))
      expect(wire.endsWith(".\r\n")).toBe(true)
      expect(wire.replace(/\r\n/g, "")).not.toMatch(/[\r\n\0]/)
      const lines = wire.slice(0, -2).split("\r\n")
      const last = lines.pop()
      expect(last).toBe(".")
      for (const line of lines) if (line.startsWith(".")) expect(line.startsWith("..")).toBe(true)
      expect(wire === ".\r\n" || wire.indexOf("\r\n.\r\n") === wire.length - 5).toBe(true)
    }
  )

  test.prop([anyBytes], { numRuns: 2000 })("decode(encode(x)) is x normalised, and nothing follows", (input) => {
    const r = decodeAll([encodeForWire(input)])
    expect(r.done).toBe(true)
    expect(r.rest.length).toBe(0)
    const c = canonical(latin1(input))
    expect(latin1(r.body)).toBe(c === "" || c.endsWith("\r\n") ? c : `${c}\r\n`)
  })

  test.prop([anyBytes], { numRuns: 1000 })(
    "encode is stable on decoder output (relay of a received message)",
    (input) => {
      const received = decodeAll([encodeForWire(input)]).body
      expect(decodeAll([encodeForWire(received)]).body).toEqual(received)
    }
  )

  test.prop([anyBytes, fc.array(fc.nat(700), { maxLength: 30 })], { numRuns: 1000 })(
    "streaming output is independent of chunking",
    (input, cuts) => {
      const enc = new WireEncoder()
      const parts = splitAt(input, cuts).map((c) => enc.push(c))
      parts.push(enc.end())
      expect(concat(parts)).toEqual(encodeForWire(input))
    }
  )
})

describe("WireEncoder without dot-stuffing (a BDAT chunk's content, RFC 3030)", () => {
  /** Oracle: normalised, the last line closed, no stuffing and no terminator. */
  const chunkOracle = (s: string): string => {
    const c = canonical(s)
    return c === "" || c.endsWith("\r\n") ? c : `${c}\r\n`
  }

  test.prop([fc.oneof(anyBytes, messageish), fc.array(fc.nat(700), { maxLength: 30 })], { numRuns: 1000 })(
    "for any chunking: the normalised input with its last line closed, what a DATA receiver stores",
    (input, cuts) => {
      const enc = new WireEncoder(false)
      const parts = splitAt(input, cuts).map((c) => enc.push(c))
      parts.push(enc.close())
      const out = concat(parts)
      expect(latin1(out)).toBe(chunkOracle(latin1(input)))
      // The DATA path's payload decodes to the same bytes.
      expect(out).toEqual(decodeAll([encodeForWire(input)]).body)
    }
  )
})
