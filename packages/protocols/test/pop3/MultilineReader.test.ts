import { fc, test } from "@fast-check/vitest"
import { describe, expect, it } from "vitest"
import { MultilineReader } from "../../src/pop3/index.ts"

const b = (s: string) => Buffer.from(s, "latin1")

/** Reference: split on CRLF only, unstuff lines starting with '.', stop at a line equal to '.'. */
const reference = (input: Buffer): { content: Buffer; consumed: number } | undefined => {
  let pos = 0
  const out: Array<Buffer> = []
  for (;;) {
    const end = input.indexOf("\r\n", pos)
    if (end === -1) return undefined
    const line = input.subarray(pos, end)
    if (line.length === 1 && line[0] === 0x2e) return { content: Buffer.concat(out), consumed: end + 2 }
    out.push(line[0] === 0x2e ? line.subarray(1) : line, b("\r\n"))
    pos = end + 2
  }
}

const run = (input: Uint8Array, cuts: ReadonlyArray<number>) => {
  const r = new MultilineReader()
  const points = [...new Set(cuts.map((c) => c % (input.length + 1)))].sort((x, y) => x - y)
  const raw: Array<Uint8Array> = []
  const content: Array<Uint8Array> = []
  let rest: Array<Uint8Array> = []
  let done = false
  let last = 0
  for (const p of [...points, input.length]) {
    const step = r.push(input.subarray(last, p))
    last = p
    if (done) {
      rest.push(step.rest)
      continue
    }
    raw.push(step.raw)
    content.push(...step.content)
    if (step.done) {
      done = true
      rest = [step.rest]
    }
  }
  return { raw: Buffer.concat(raw), content: Buffer.concat(content), rest: Buffer.concat(rest), done }
}

describe("MultilineReader", () => {
  it("unstuffs and stops at CRLF.CRLF", () => {
    const r = run(b("a\r\n..b\r\n.c\r\nd\n.\r\ne\r.\r\n.\r\n+OK next\r\n"), [])
    expect(r.done).toBe(true)
    expect(r.content.toString("latin1")).toBe("a\r\n.b\r\nc\r\nd\n.\r\ne\r.\r\n")
    expect(r.rest.toString("latin1")).toBe("+OK next\r\n")
  })

  it("ends at once on an empty body", () => {
    const r = run(b(".\r\nrest"), [])
    expect(r.content.length).toBe(0)
    expect(r.rest.toString()).toBe("rest")
  })

  const piece = fc.constantFrom("\r\n", "\r", "\n", ".", "..", "a", "bc", ".\r\n", "\r\n.\r\n", "\r\n..\r\n", "x\r\n")
  test.prop([fc.array(piece, { maxLength: 60 }), fc.array(fc.nat(), { maxLength: 30 })])(
    "raw + rest reproduce the input for any chunking; content matches a line-based reference",
    (pieces, cuts) => {
      const input = b(pieces.join(""))
      const r = run(input, cuts)
      expect(Buffer.concat([r.raw, r.rest]).equals(input)).toBe(true)
      const ref = reference(input)
      expect(r.done).toBe(ref !== undefined)
      if (ref !== undefined) {
        expect(r.raw.length).toBe(ref.consumed)
        expect(r.content.equals(ref.content)).toBe(true)
      }
    }
  )

  test.prop([fc.uint8Array({ maxLength: 3000 }), fc.array(fc.nat(), { maxLength: 30 })])(
    "never throws on arbitrary bytes",
    (input, cuts) => {
      const r = run(input, cuts)
      expect(Buffer.concat([r.raw, r.rest]).equals(Buffer.from(input))).toBe(true)
    }
  )
})
