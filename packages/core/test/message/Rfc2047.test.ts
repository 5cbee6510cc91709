import { fc, test } from "@fast-check/vitest"
import { describe, expect, it } from "vitest"
import { Rfc2047 } from "../../src/message/index.ts"

describe("Rfc2047", () => {
  it("decodes the RFC 2047 §8 examples (whitespace between adjacent words is dropped)", () => {
    expect(Rfc2047.decode("(=?ISO-8859-1?Q?a?=)")).toBe("(a)")
    expect(Rfc2047.decode("(=?ISO-8859-1?Q?a?= b)")).toBe("(a b)")
    expect(Rfc2047.decode("(=?ISO-8859-1?Q?a?= =?ISO-8859-1?Q?b?=)")).toBe("(ab)")
    expect(Rfc2047.decode("(=?ISO-8859-1?Q?a?=  \t =?ISO-8859-1?Q?b?=)")).toBe("(ab)")
    expect(Rfc2047.decode("(=?ISO-8859-1?Q?a_b?=)")).toBe("(a b)")
    expect(Rfc2047.decode("(=?ISO-8859-1?Q?a?= =?ISO-8859-2?Q?_b?=)")).toBe("(a b)")
    expect(Rfc2047.decode("=?US-ASCII?Q?Keith_Moore?= <moore@cs.utk.edu>")).toBe("Keith Moore <moore@cs.utk.edu>")
    expect(Rfc2047.decode("=?ISO-8859-1?Q?Andr=E9?= Pirard <PIRARD@vm1.ulg.ac.be>")).toBe(
      "André Pirard <PIRARD@vm1.ulg.ac.be>"
    )
  })

  it("joins a multi-byte character split across two words, handles lower-case b/q and language tags", () => {
    // "€" is E2 82 AC; split after the first byte.
    expect(Rfc2047.decode("=?utf-8?q?=E2?= =?utf-8?q?=82=AC?=")).toBe("€")
    expect(Rfc2047.decode("=?utf-8*en?b?4oKs?=")).toBe("€")
    expect(Rfc2047.decode("=?windows-1251?B?z/Do4uXy?=")).toBe("Привет")
  })

  it("uses latin1 for unknown charsets and leaves malformed words alone", () => {
    expect(Rfc2047.decode("=?x-unknown?Q?caf=E9?=")).toBe("café")
    expect(Rfc2047.decode("=?utf-8?x?abc?=")).toBe("=?utf-8?x?abc?=")
    expect(Rfc2047.decode("=?utf-8?q?unterminated")).toBe("=?utf-8?q?unterminated")
    expect(Rfc2047.decode("plain =? text ?=")).toBe("plain =? text ?=")
  })

  it("never yields CR, LF or NUL (an encoded CRLF cannot become a header line, TESTING #26)", () => {
    const d = Rfc2047.decode("=?utf-8?b?DQpCY2M6IHZAeA==?=")
    expect(d).toBe("  Bcc: v@x")
    expect(Rfc2047.decode("=?utf-8?q?a=00b=0Dc?=")).toBe("a b c")
  })

  it("encodes only what needs it, in words of at most 75 characters", () => {
    expect(Rfc2047.encode("[SPAM]")).toBe("[SPAM]")
    expect(Rfc2047.encode("looks =?like?q?a?= word")).toMatch(/^=\?UTF-8\?B\?/)
    const long = Rfc2047.encode("Ünïcödé ".repeat(20))
    for (const w of long.split(" ")) expect(w.length).toBeLessThanOrEqual(75)
  })

  test.prop([fc.string({ maxLength: 300 })])("decode never throws and never yields CR/LF/NUL", (s) => {
    expect(Rfc2047.decode(s)).not.toMatch(/[\r\n\0]/)
  })

  test.prop([
    fc.uint8Array({ maxLength: 200 }),
    fc.constantFrom("b", "q", "B", "Q"),
    fc.constantFrom("utf-8", "iso-8859-1", "gb2312", "nope", "")
  ])("decode never throws on arbitrary encoded-word bodies", (b, enc, cs) => {
    const body = Array.from(b, (x) => String.fromCharCode(x)).join("")
    expect(typeof Rfc2047.decode(`=?${cs}?${enc}?${body}?= x =?${cs}?${enc}?${body}`)).toBe("string")
  })

  const text = fc.string({ unit: "grapheme", maxLength: 120 }).filter((s) => !/[\r\n\0]/.test(s))
  test.prop([text])("decode(encode(s)) === s, and every word fits in 75 characters", (s) => {
    const e = Rfc2047.encode(s)
    expect(Rfc2047.decode(e)).toBe(s)
    if (e !== s) for (const w of e.split(" ")) expect(w.length).toBeLessThanOrEqual(75)
  })
})
