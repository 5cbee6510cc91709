// Received-header counting for the mail-loop limit (RFC 5321 §6.3): header section only, case
// and obsolete-space tolerant, independent of chunking, never throws.
import { fc, test } from "@fast-check/vitest"
import { describe, expect, it } from "vitest"
import { decodeAll, HopCounter } from "../../src/smtp/index.ts"
import { bytes } from "./support/simulate.ts"

const count = (chunks: ReadonlyArray<Uint8Array>): number => {
  const h = new HopCounter()
  for (const c of chunks) h.push(c)
  return h.hops
}

describe("HopCounter", () => {
  it("counts Received fields in the header section only", () => {
    const msg =
      "Received: a\r\nreceived : b\r\nRECEIVED:c\r\n\tReceived: folded\r\nX-Received: d\r\nReceivedX: e\r\nSubject: s\r\n\r\nReceived: body\r\n"
    expect(count([bytes(msg)])).toBe(3)
  })

  it("a message without headers counts nothing", () => {
    expect(count([bytes("\r\nReceived: x\r\n")])).toBe(0)
    expect(count([bytes("")])).toBe(0)
  })

  const header = fc.constantFrom(
    "Received: x\r\n",
    "received :y\r\n",
    "Subject: s\r\n",
    "\tReceived: cont\r\n",
    "X-Received: z\r\n",
    "Rec\r\n"
  )
  const message = fc.tuple(fc.array(header, { maxLength: 30 }), fc.constantFrom("", "\r\nReceived: body\r\n"))

  test.prop([message, fc.array(fc.nat(), { maxLength: 10 })])(
    "the count does not depend on chunking",
    ([headers, body], cuts) => {
      const all = bytes(headers.join("") + body)
      const points = [...new Set(cuts.map((c) => c % (all.length + 1)))].sort((a, b) => a - b)
      const chunks: Array<Uint8Array> = []
      let at = 0
      for (const p of points) {
        chunks.push(all.subarray(at, p))
        at = p
      }
      chunks.push(all.subarray(at))
      const expected = headers.filter((h) => /^received\s*:/i.test(h)).length
      expect(count(chunks)).toBe(expected)
      expect(count([all])).toBe(expected)
    }
  )

  test.prop([fc.uint8Array({ maxLength: 2000 })])("never throws on decoder output of arbitrary bytes", (raw) => {
    const { body } = decodeAll([raw, bytes("\r\n.\r\n")])
    expect(count([body])).toBeGreaterThanOrEqual(0)
  })
})
