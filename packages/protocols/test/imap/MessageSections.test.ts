import { fc, test } from "@fast-check/vitest"
import { describe, expect, it } from "vitest"
import { headerEnd, partialOf, sameBody, sectionOf } from "../../src/imap/MessageSections.ts"

const b = (s: string) => Buffer.from(s, "latin1")
const text = (u: Uint8Array | undefined) => (u === undefined ? undefined : Buffer.from(u).toString("latin1"))

const MESSAGE = b("From: a@example.test\r\nSubject: hello\r\n there\r\nTo: b@example.test\r\n\r\nbody\r\n")

describe("MessageSections", () => {
  it("HEADER, TEXT, HEADER.FIELDS and .NOT (folded fields whole), numbered parts not computed", () => {
    expect(text(sectionOf(MESSAGE, "HEADER"))).toBe(
      "From: a@example.test\r\nSubject: hello\r\n there\r\nTo: b@example.test\r\n\r\n"
    )
    expect(text(sectionOf(MESSAGE, "TEXT"))).toBe("body\r\n")
    expect(text(sectionOf(MESSAGE, "HEADER.FIELDS (SUBJECT TO)"))).toBe(
      "Subject: hello\r\n there\r\nTo: b@example.test\r\n\r\n"
    )
    expect(text(sectionOf(MESSAGE, 'HEADER.FIELDS.NOT ("SUBJECT")'))).toBe(
      "From: a@example.test\r\nTo: b@example.test\r\n\r\n"
    )
    expect(sectionOf(MESSAGE, "1")).toBeUndefined()
    expect(text(sectionOf(b("Subject: no body\r\n"), "TEXT"))).toBe("")
  })

  it("partials past the end are empty; a header-only rewrite keeps the body", () => {
    expect(text(partialOf(MESSAGE, 1000, 10))).toBe("")
    expect(text(partialOf(b("abcdef"), 4, 10))).toBe("ef")
    expect(sameBody(MESSAGE, b(`X-Tag: yes\r\n${text(MESSAGE)}`))).toBe(true)
    expect(sameBody(MESSAGE, b("From: a\r\n\r\nother\r\n"))).toBe(false)
  })

  test.prop([
    fc.uint8Array({ maxLength: 400 }),
    fc.constantFrom("", "HEADER", "TEXT", "HEADER.FIELDS (A B)", "HEADER.FIELDS.NOT (A)", "1.2")
  ])("never throws, and HEADER then TEXT is the message", (m, section) => {
    sectionOf(m, section)
    expect(Buffer.concat([sectionOf(m, "HEADER")!, sectionOf(m, "TEXT")!]).equals(Buffer.from(m))).toBe(true)
    expect(headerEnd(m)).toBeLessThanOrEqual(m.length)
  })

  test.prop([fc.uint8Array({ maxLength: 400 }), fc.integer({ min: 1, max: 64 })])(
    "pieces of any size put together are the content",
    (m, size) => {
      const pieces: Array<Uint8Array> = []
      for (let o = 0; o <= m.length; o += size) pieces.push(partialOf(m, o, size))
      expect(Buffer.concat(pieces).equals(Buffer.from(m))).toBe(true)
    }
  )

  const field = fc
    .tuple(fc.constantFrom("A", "B", "C", "Subject"), fc.stringMatching(/^[a-z ]{0,10}$/), fc.boolean())
    .map(([n, v, folded]) => `${n}: ${v}\r\n${folded ? " more\r\n" : ""}`)

  test.prop([fc.array(field, { maxLength: 8 }), fc.stringMatching(/^[a-z\r\n]{0,30}$/)])(
    "HEADER.FIELDS and HEADER.FIELDS.NOT split the fields between them, in order",
    (fields, body) => {
      const m = b(`${fields.join("")}\r\n${body}`)
      const kept = text(sectionOf(m, "HEADER.FIELDS (A SUBJECT)"))!
      const rest = text(sectionOf(m, "HEADER.FIELDS.NOT (A SUBJECT)"))!
      expect(kept).toBe(`${fields.filter((f) => /^(A|Subject):/.test(f)).join("")}\r\n`)
      expect(rest).toBe(`${fields.filter((f) => !/^(A|Subject):/.test(f)).join("")}\r\n`)
    }
  )
})
