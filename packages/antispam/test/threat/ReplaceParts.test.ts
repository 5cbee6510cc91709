import { fc, test } from "@fast-check/vitest"
import type { MimePart } from "@mailmoat/core"
import { describe, expect, it } from "vitest"
import { headerEnd, MimeWalk, replaceThreatParts } from "../../src/threat/index.ts"
import { bytesOf, eicarAttachmentMessage, type Node, parse, render, topHeaders } from "./support/messages.ts"

const NOTICE =
  "Removed by Mailmoat: Test.Threat -- see admin\n--=_outer_42\nboundary-looking text is harmless in base64"

const lineArb = fc
  .string({ unit: fc.constantFrom(..."abcdefghij KLMNOP0123456789.,:;=-_/+".split("")), maxLength: 60 })
  .map((l) => (l.startsWith("-") ? `x${l}` : l))

const leafArb: fc.Arbitrary<Node> = fc
  .record({
    type: fc.constantFrom("text/plain", "text/html", "application/octet-stream", "image/png"),
    encoding: fc.constantFrom(undefined, "7bit", "base64", "quoted-printable"),
    extra: fc.constantFrom(
      undefined,
      "Content-ID: <cid1@example.test>",
      'Content-Disposition: attachment; filename="a.bin"',
      "X-Custom: kept"
    ),
    lines: fc.array(lineArb, { maxLength: 6 })
  })
  .map(({ type, encoding, extra, lines }) => ({
    kind: "leaf" as const,
    headers: [
      `Content-Type: ${type}`,
      ...(encoding ? [`Content-Transfer-Encoding: ${encoding}`] : []),
      ...(extra ? [extra] : [])
    ],
    body: lines.join("\r\n")
  }))

let boundaryCounter = 0
const treeArb: fc.Arbitrary<Node> = fc.letrec<{ node: Node }>((tie) => ({
  node: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    leafArb,
    fc
      .record({
        subtype: fc.constantFrom("mixed", "alternative", "related"),
        children: fc.array(tie("node"), { minLength: 1, maxLength: 4 })
      })
      .map(({ subtype, children }) => ({
        kind: "multi" as const,
        subtype,
        boundary: `b${boundaryCounter++}_${subtype}`,
        children
      }))
  )
})).node

describe("replaceThreatParts", () => {
  test.prop([treeArb, fc.array(fc.nat(40), { maxLength: 6 }), fc.constantFrom("\r\n", "\n")], { numRuns: 200 })(
    "output parses with the same tree shape, replaced leaves carry the notice, every other part is byte-identical",
    (tree, picks, eol) => {
      const bytes = bytesOf(render(tree, eol, topHeaders))
      const before = parse(bytes)
      const parts = MimeWalk.walk(before.mime)
      const leaves = parts.filter((p) => p.isLeaf)
      const wanted = picks.map((k) => leaves[k % leaves.length]!.index)
      const out = replaceThreatParts(bytes, before.mime, wanted, NOTICE)
      expect(out.replaced).toEqual([...new Set(wanted)].sort((a, b) => a - b))
      const after = parse(out.bytes)
      const replacedSet = new Set(out.replaced)
      const expected = parts.map((p) => ({
        type: replacedSet.has(p.index) ? "text/plain" : p.part.contentType,
        children: p.part.children.length
      }))
      expect(
        MimeWalk.walk(after.mime).map((p) => ({ type: p.part.contentType, children: p.part.children.length }))
      ).toEqual(expected)
      const afterParts = MimeWalk.walk(after.mime)
      expect(afterParts.length).toBe(parts.length)
      for (const p of parts) {
        const q = afterParts[p.index]!
        expect(q.part.children.length).toBe(p.part.children.length)
        if (out.replaced.includes(p.index)) {
          expect(q.part.contentType).toBe("text/plain")
          expect(q.part.transferEncoding).toBe("base64")
          expect(new TextDecoder().decode(q.part.body)).toBe(NOTICE)
          expect(q.part.filename).toBeUndefined()
        } else {
          expect(q.part.contentType).toBe(p.part.contentType)
          if (p.isLeaf)
            expect(out.bytes.subarray(q.part.start, q.part.end)).toEqual(bytes.subarray(p.part.start, p.part.end))
        }
      }
      // Everything outside replaced ranges is kept in order: removing the replaced spans on both sides gives the same bytes.
      const strip = (b: Uint8Array, ps: ReadonlyArray<MimePart>) => {
        const spans = ps.map((p) => [p.start, p.end] as const).sort((x, y) => x[0] - y[0])
        const keep: Array<number> = []
        let at = 0
        for (const [s, e] of spans) {
          for (let i = at; i < s; i++) keep.push(b[i]!)
          at = e
        }
        for (let i = at; i < b.length; i++) keep.push(b[i]!)
        return keep
      }
      const replacedBefore = out.replaced.map((i) => parts[i]!.part)
      const replacedAfter = out.replaced.map((i) => afterParts[i]!.part)
      expect(strip(out.bytes, replacedAfter)).toEqual(strip(bytes, replacedBefore))
    }
  )

  test.prop([fc.uint8Array({ maxLength: 3000 }), fc.array(fc.integer({ min: -2, max: 50 }), { maxLength: 5 })])(
    "never throws on arbitrary bytes",
    (bytes, indexes) => {
      const message = parse(bytes)
      const out = replaceThreatParts(bytes, message.mime, indexes, NOTICE)
      if (out.replaced.length === 0) expect(out.bytes).toEqual(bytes)
      else expect(() => parse(out.bytes).mime).not.toThrow()
    }
  )

  it("keeps non-Content header fields of a replaced single-part message", () => {
    const bytes = bytesOf(
      [
        ...topHeaders,
        "Content-Type: application/x-msdownload;",
        '\tname="x.exe"',
        "Content-Transfer-Encoding: base64",
        "",
        "TVqQAAMAAAAEAAAA//8AALgAAAAAAAAAQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        ""
      ].join("\r\n")
    )
    const m = parse(bytes)
    const out = replaceThreatParts(bytes, m.mime, [0], "gone")
    const text = new TextDecoder().decode(out.bytes)
    expect(text).toContain("Subject: Quarterly report\r\n")
    expect(text).not.toContain("x.exe")
    expect(text).not.toContain("msdownload")
    const after = parse(out.bytes)
    expect(after.mime.contentType).toBe("text/plain")
    expect(new TextDecoder().decode(after.mime.body)).toBe("gone")
  })

  it("ignores indexes of multipart containers and unknown parts", () => {
    const bytes = eicarAttachmentMessage()
    const m = parse(bytes)
    expect(replaceThreatParts(bytes, m.mime, [0, 17, -1], "x")).toEqual({ bytes, replaced: [] })
  })

  it("headerEnd finds the blank line (CRLF, LF, none)", () => {
    expect(headerEnd(bytesOf("A: b\r\n\r\nbody"), 0, 12)).toEqual({ headersEnd: 6, bodyStart: 8 })
    expect(headerEnd(bytesOf("A: b\n\nbody"), 0, 10)).toEqual({ headersEnd: 5, bodyStart: 6 })
    expect(headerEnd(bytesOf("\r\nbody"), 0, 6)).toEqual({ headersEnd: 0, bodyStart: 2 })
    expect(headerEnd(bytesOf("A: b"), 0, 4)).toEqual({ headersEnd: 4, bodyStart: 4 })
  })
})
