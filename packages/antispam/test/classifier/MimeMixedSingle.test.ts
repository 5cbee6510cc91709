// mime_mixed_single: a message that is a multipart/mixed of one text/plain part; on hand-written
// mail parsed by core and through the whole tokenizer, and on arbitrary trees (never throws).
import { fc, test } from "@fast-check/vitest"
import { describe, expect, it } from "vitest"
import type { MimePart } from "@mailmoat/core"
import { mixedSingleText } from "../../src/classifier/MimeMixedSingle.ts"
import { tokenize } from "../../src/classifier/Tokenizer.ts"
import { multipart, parse, rfc822 } from "./support.ts"

const text = ["Content-Type: text/plain; charset=us-ascii", "", "Our prices are the lowest of the year."]
const htmlPart = ["Content-Type: text/html; charset=us-ascii", "", "<p>Our prices are the lowest of the year.</p>"]
const attached = [
  "Content-Type: application/pdf; name=prices.pdf",
  "Content-Transfer-Encoding: base64",
  "",
  "JVBERi0xLjQK"
]

describe("mime_mixed_single", () => {
  it("a multipart/mixed round one plain text", () => {
    const m = multipart("multipart/mixed", [text])
    expect(mixedSingleText(m.mime)).toBe(true)
    const t = tokenize(m)
    expect(t.features).toContain("mime_mixed_single")
    expect(t.tokens).toContain("feat:mime_mixed_single")
  })

  it("a text with an attachment, a single HTML part, an alternative or a plain message is not", () => {
    for (const m of [
      multipart("multipart/mixed", [text, attached]),
      multipart("multipart/mixed", [htmlPart]),
      multipart("multipart/alternative", [text]),
      multipart("multipart/related", [text]),
      parse(rfc822({ subject: "Prices", body: "Our prices are the lowest of the year." }))
    ]) {
      expect(mixedSingleText(m.mime)).toBe(false)
      expect(tokenize(m).features).not.toContain("mime_mixed_single")
    }
  })

  it("the one part an attachment, or a container, is not a text", () => {
    const file = ["Content-Type: text/plain", 'Content-Disposition: attachment; filename="notes.txt"', "", "notes"]
    expect(mixedSingleText(multipart("multipart/mixed", [file]).mime)).toBe(false)
    const nested: MimePart = {
      contentType: "multipart/mixed",
      headers: undefined as never,
      body: new Uint8Array(0),
      start: 0,
      end: 0,
      children: [
        {
          contentType: "text/plain",
          headers: undefined as never,
          body: new Uint8Array(0),
          start: 0,
          end: 0,
          children: []
        }
      ]
    }
    expect(mixedSingleText(nested)).toBe(true)
    expect(mixedSingleText({ ...nested, children: [{ ...nested, contentType: "text/plain" }] })).toBe(false)
  })

  const part: fc.Memo<unknown> = fc.memo((n) =>
    fc.record({
      contentType: fc.oneof(
        fc.constantFrom("multipart/mixed", "text/plain", "text/html", "MULTIPART/MIXED"),
        fc.string(),
        fc.constant(undefined)
      ),
      disposition: fc.option(fc.constantFrom("attachment", "inline"), { nil: undefined }),
      children: n > 1 ? fc.oneof(fc.array(part(n - 1), { maxLength: 3 }), fc.constant(undefined)) : fc.constant([])
    })
  )
  test.prop([part(4)])("never throws on any tree; holds only for a mixed root of one text/plain leaf", (tree) => {
    const p = tree as MimePart
    const holds = mixedSingleText(p)
    expect(typeof holds).toBe("boolean")
    if (holds) {
      expect(String(p.contentType).toLowerCase()).toBe("multipart/mixed")
      expect(p.children).toHaveLength(1)
    }
  })
})
