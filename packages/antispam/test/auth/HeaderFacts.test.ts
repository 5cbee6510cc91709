// The header scan of sender authentication against what it replaces: mailauth's own header
// parser and address parser over the whole header block. Same From addresses, same DKIM/ARC
// flags, for well-formed and arbitrary bytes.
import { fc, test } from "@fast-check/vitest"
import { describe, expect, it } from "vitest"
import { headerFacts } from "../../src/auth/HeaderFacts.ts"
import * as Mailauth from "../../src/auth/Mailauth.ts"

/** Where the header block ends: the first LF followed by LF or CRLF. */
const headerEnd = (bytes: Uint8Array): number | undefined => {
  let i = bytes.indexOf(0x0a)
  while (i >= 0) {
    const next = bytes[i + 1]
    if (next === 0x0a) return i + 2
    if (next === 0x0d && bytes[i + 2] === 0x0a) return i + 3
    i = bytes.indexOf(0x0a, i + 1)
  }
  return undefined
}

/** The implementation the scan replaced: mailauth's parseHeaders over the block. */
const byMailauth = (message: Buffer) => {
  const end = headerEnd(message)
  if (end === undefined) return undefined
  const mailauth = Mailauth.load()
  const headerFrom: Array<string> = []
  let dkim = false
  let arc = false
  for (const h of mailauth.parseHeaders(message.subarray(0, end)).parsed) {
    if (h.key === "dkim-signature") dkim = true
    else if (h.key?.startsWith("arc-")) arc = true
    else if (h.key === "from") {
      const line = Buffer.from(h.line.buffer, h.line.byteOffset, h.line.byteLength).toString()
      const colon = line.indexOf(":")
      for (const a of mailauth.addressparser((colon >= 0 ? line.slice(colon + 1) : line).trim()))
        if (a?.address) headerFrom.push(a.address)
    }
  }
  return { headerFrom, dkim, arc }
}

const piece = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.constantFrom(
      "From",
      "from",
      "FROM ",
      "DKIM-Signature",
      "dkim-signature ",
      "ARC-Seal",
      "arc-",
      "Subject",
      "To"
    )
  },
  {
    weight: 6,
    arbitrary: fc.constantFrom(":", ": ", " ", "\t", "\r", "\n", "\r\n", "\r\n ", "\n\t", "\r\r\n", "\xa0", "\v")
  },
  {
    weight: 4,
    arbitrary: fc.constantFrom(
      "a@b.test",
      "<x@y.test>",
      "Name <n@m.test>",
      ",",
      ";",
      '"q, r" <q@r.test>',
      "(c)",
      "é@ü.test",
      "=?utf-8?q?x?="
    )
  },
  { weight: 2, arbitrary: fc.string({ unit: "binary-ascii", maxLength: 6 }) },
  { weight: 1, arbitrary: fc.string({ unit: "grapheme", maxLength: 4 }) }
)
const block = fc.array(piece, { maxLength: 40 }).map((a) => a.join(""))
const ending = fc.constantFrom("\r\n\r\nbody", "\n\nbody", "\n\r\nbody\r\n", "", "\r\n")

describe("sender authentication's header scan", () => {
  it("reads folded From fields, signatures and seals as mailauth's parser does", () => {
    const text =
      "Received: from x\r\n\tby y\r\nFrom: Ann\r\n <ann@a.test>,\r\n b@b.test\r\nDKIM-Signature: v=1;\r\n d=a.test\r\nARC-Seal: i=1\r\nSubject: hi\r\n\r\nFrom: body@x.test\r\n"
    expect(headerFacts(Buffer.from(text))).toEqual({ headerFrom: ["ann@a.test", "b@b.test"], dkim: true, arc: true })
    expect(headerFacts(Buffer.from(text))).toEqual(byMailauth(Buffer.from(text)))
    const nameRunsOn = "X: 1\nFrom\n : c@c.test\n\nbody"
    expect(headerFacts(Buffer.from(nameRunsOn))).toEqual(byMailauth(Buffer.from(nameRunsOn)))
    // A row starting with a no-break space (Latin-1 0xA0) continues the field before it.
    const nbsp = Buffer.from("From: a@a.test,\r\n\xa0b@b.test\r\nTo: x\r\n\r\n", "latin1")
    expect(headerFacts(nbsp)?.headerFrom).toEqual(["a@a.test", "\ufffdb@b.test"])
    expect(headerFacts(nbsp)).toEqual(byMailauth(nbsp))
    const lastRowCr = Buffer.from("From: a@a.test\r\r\n\r\n", "latin1")
    expect(headerFacts(lastRowCr)).toEqual(byMailauth(lastRowCr))
  })

  test.prop([block, ending], { numRuns: 3000 })("gives what mailauth's parsers give", (head, end) => {
    const message = Buffer.from(head + end, "utf8")
    expect(headerFacts(message)).toEqual(byMailauth(message))
  })

  test.prop([block, ending])("the same for Latin-1 bytes (every byte value)", (head, end) => {
    const message = Buffer.from(head + end, "latin1")
    expect(headerFacts(message)).toEqual(byMailauth(message))
  })

  test.prop([fc.uint8Array({ maxLength: 600 })])("never throws on arbitrary bytes, and agrees", (bytes) => {
    const message = Buffer.from(bytes)
    expect(headerFacts(message)).toEqual(byMailauth(message))
  })
})
