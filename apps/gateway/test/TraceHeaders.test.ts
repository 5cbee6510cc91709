// The header lines the gateway prepends: a value's folds survive (our Authentication-Results is
// folded), nothing else in a value can start a header or end the header block.
import { fc, test } from "@fast-check/vitest"
import { describe, expect, it } from "vitest"
import { headerLines } from "../src/TraceHeaders.ts"

// headerLines as it was before values without a line break were taken as they are: the oracle.
const headerLinesBefore = (headers: ReadonlyArray<readonly [string, string]>): string =>
  headers
    .map(
      ([name, value]) =>
        `${name.replace(/[^\x21-\x39\x3b-\x7e]/g, "-")}: ${value
          .split("\r\n")
          .map((line) => line.replace(/[\r\n\0]+/g, " "))
          .reduce(
            (out, line, i) =>
              i > 0 && out.trim() !== "" && /^[ \t]+\S/.test(line)
                ? `${out}\r\n${line}`
                : `${out}${i > 0 ? " " : ""}${line}`,
            ""
          )}\r\n`
    )
    .join("")

describe("headerLines", () => {
  const piece = fc.oneof(
    fc.constantFrom("a", " ", "\t", "\r", "\n", "\r\n", "\0", ":", "\u00a0", "é"),
    fc.string({ unit: "binary", maxLength: 8 })
  )
  const text = fc.array(piece, { maxLength: 40 }).map((a) => a.join(""))
  test.prop([fc.array(fc.tuple(text, text), { maxLength: 6 })])(
    "gives what it gave before for any names and values",
    (headers) => {
      expect(headerLines(headers)).toBe(headerLinesBefore(headers))
    }
  )

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
