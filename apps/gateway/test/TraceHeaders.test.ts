// The header lines the gateway prepends: a value's folds survive (our Authentication-Results is
// folded), nothing else in a value can start a header or end the header block.
import { fc, test } from "@fast-check/vitest"
import { describe, expect, it } from "vitest"
import { headerLines } from "../src/TraceHeaders.ts"

describe("headerLines", () => {
  it("keeps CRLF + WSP folds, flattens every other line break", () => {
    expect(headerLines([["Authentication-Results", "gw.test;\r\n\tspf=pass;\r\n\tarc=none"]])).toBe(
      "Authentication-Results: gw.test;\r\n\tspf=pass;\r\n\tarc=none\r\n"
    )
    expect(headerLines([["X-A", "a\r\nBcc: v@example.org"]])).toBe("X-A: a Bcc: v@example.org\r\n")
    expect(headerLines([["X-A", "a\r\n\t\r\n\r\nb"]])).toBe("X-A: a \t  b\r\n")
    expect(headerLines([["X-A", "\r\n\tb"]])).toBe("X-A:  \tb\r\n")
  })

  test.prop([
    fc
      .array(fc.constantFrom("a", " ", "\t", "\r", "\n", "\r\n", "\0", ":", "x"), { maxLength: 60 })
      .map((a) => a.join(""))
  ])("a value is always exactly one header field", (value) => {
    const out = headerLines([["X-Test", value]])
    expect(out.endsWith("\r\n")).toBe(true)
    const lines = out.slice(0, -2).split("\r\n")
    expect(lines[0]!.startsWith("X-Test: ")).toBe(true)
    for (const l of lines) expect(l).not.toMatch(/[\r\n\0]/)
    for (const l of lines.slice(1)) expect(l).toMatch(/^[ \t]+\S/)
  })
})
