import { fc, test } from "@fast-check/vitest"
import { describe, expect, it } from "vitest"
import { fromBytes } from "../../src/message/index.ts"
import { fold } from "../../src/message/Fold.ts"
import { parseFields } from "../../src/message/HeaderBlock.ts"
import * as Headers from "../../src/message/Headers.ts"
import { envelope, msg } from "./support.ts"
import { hiddenClasses } from "../support/hiddenClass.ts"

describe("header block", () => {
  it("unfolds, keeps name case and looks names up case-insensitively (CRLF and bare LF)", () => {
    for (const eol of ["\r\n", "\n"]) {
      const m = fromBytes(
        msg(
          [
            "Received: from a by b;",
            "\tMon, 1 Jan 2024 00:00:00 +0000",
            "SUBJECT: hello",
            "  world",
            "X-Dup: 1",
            "x-dup: 2",
            "",
            "body: not a header"
          ],
          eol
        ),
        { envelope }
      )
      expect(m.headers.list.map((h) => h.name)).toEqual(["Received", "SUBJECT", "X-Dup", "x-dup"])
      expect(m.headers.get("subject")).toBe("hello  world")
      expect(m.headers.get("received")).toBe("from a by b;\tMon, 1 Jan 2024 00:00:00 +0000")
      expect(m.headers.getAll("X-DUP")).toEqual(["1", "2"])
      expect(m.headers.get("body")).toBeUndefined()
      expect(m.headers.getAll("missing")).toEqual([])
    }
  })

  it("gives one canonical reading of ambiguous lines (TESTING #28)", () => {
    const fields = parseFields(
      [
        "From sender@example.com Thu Aug 22 12:36:23 2002", // mbox separator: dropped
        " continuation of nothing", // dropped
        "From : a@example.com", // space before colon: still From
        "no colon here",
        " folded into the dropped line",
        "To: b@example.com",
        " ", // whitespace-only line continues, does not end the block
        "Subject: s",
        "",
        "Late: header"
      ].join("\r\n")
    )
    expect(fields).toEqual([
      { name: "From", value: "a@example.com" },
      { name: "To", value: "b@example.com" },
      { name: "Subject", value: "s" }
    ])
  })

  it("decodes RFC 2047 on demand only", () => {
    const h = Headers.parse("Subject: =?UTF-8?B?SGVsbG8gd8O2cmxk?= =?ISO-8859-1?Q?caf=E9?=\r\n")
    expect(h.get("Subject")).toBe("=?UTF-8?B?SGVsbG8gd8O2cmxk?= =?ISO-8859-1?Q?caf=E9?=")
    expect(h.decoded("subject")).toBe("Hello wörldcafé")
    expect(h.decoded("nope")).toBeUndefined()
  })

  it("reads raw UTF-8 header values (RFC 6532) and falls back to latin1 for other 8-bit bytes", () => {
    const utf8 = fromBytes(new TextEncoder().encode("Subject: Grüße\r\n\r\n"), { envelope })
    expect(utf8.headers.get("subject")).toBe("Grüße")
    const latin = fromBytes(Uint8Array.from([...new TextEncoder().encode("Subject: caf"), 0xe9, 13, 10, 13, 10]), {
      envelope
    })
    expect(latin.headers.get("subject")).toBe("café")
  })

  test.prop([fc.uint8Array({ maxLength: 2000 })])("never throws on arbitrary bytes", (b) => {
    const m = fromBytes(b, { envelope })
    for (const h of m.headers.list) {
      expect(h.name).not.toMatch(/[\s:]/)
      expect(m.headers.get(h.name)).toBeDefined()
      m.headers.decoded(h.name)
    }
  })

  const name = fc.stringMatching(/^[A-Za-z][A-Za-z0-9-]{0,20}$/)
  const word = fc.stringMatching(/^[!-~]{1,30}$/)
  const value = fc
    .array(fc.tuple(word, fc.constantFrom(" ", "\t", "  ")), { maxLength: 30 })
    .map((ws) => ws.map(([w, sep], i) => (i === 0 ? w : sep + w)).join(""))
  test.prop([fc.array(fc.tuple(name, value), { minLength: 1, maxLength: 12 }), fc.constantFrom("\r\n", "\n")])(
    "unfold(fold(fields)) round-trips, and folded lines stay within 78 columns (words here are short enough)",
    (fields, eol) => {
      const block = `${fields.map(([n, v]) => fold(n, v, eol)).join(eol)}${eol}${eol}`
      expect(parseFields(block).map((h) => [h.name, h.value])).toEqual(fields)
      for (const line of block.split(eol)) expect(line.length).toBeLessThanOrEqual(78)
    }
  )
})

describe("header bombs (TESTING #20): bounded, deterministic results", () => {
  it("100 000 fields, one 10 MiB folded field and 50 000 Received fields", () => {
    const many = fromBytes(new TextEncoder().encode(`${"X-A: 1\r\n".repeat(100_000)}\r\nbody`), { envelope })
    expect(many.headers.getAll("x-a")).toHaveLength(100_000)
    const folded = fromBytes(new TextEncoder().encode(`Subject: a${"\r\n b".repeat(3_500_000)}\r\n\r\n`), { envelope })
    expect(folded.headers.get("subject")).toHaveLength(1 + 2 * 3_500_000)
    const rcvd = fromBytes(
      new TextEncoder().encode(`${"Received: from a (a [192.0.2.1]) by b; now\r\n".repeat(50_000)}\r\n`),
      { envelope }
    )
    expect(rcvd.received).toHaveLength(50_000)
    expect(rcvd.received[49_999]).toMatchObject({ index: 49_999, ip: "192.0.2.1", by: "b" })
  })

  it("a 1 M-token address header and a 300 KB run without @ (TESTING #21) are plain values", () => {
    const tokens = fromBytes(new TextEncoder().encode(`To: ${"a:".repeat(1_000_000)}b\r\n\r\n`), { envelope })
    expect(tokens.headers.get("to")).toHaveLength(2_000_001)
    expect(tokens.headers.decoded("to")).toHaveLength(2_000_001)
  })
})

describe("header field lists", () => {
  it("have one hidden class, the name present or not (the readers loop over both)", () => {
    const h = Headers.parse("To: a@example.org\r\nCc: b@example.org\r\n")
    expect(h.getAll("x-absent")).toEqual([])
    expect(hiddenClasses([h.getAll("x-absent"), h.getAll("to"), h.getAll("cc")])).toBe(1)
  })
})
