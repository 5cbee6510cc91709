// The text traits' shared line walk: every non-blank line, trimmed, in order; a boolean from the
// visitor ends the walk as the answer; never throws, and agrees with split/trim on any text.
import { fc, test } from "@fast-check/vitest"
import { describe, expect, it } from "vitest"
import { someTrimmedLine } from "../../src/classifier/TrimmedLines.ts"

const linesOf = (text: string): Array<string> => {
  const seen: Array<string> = []
  someTrimmedLine(text, (from, to) => {
    seen.push(text.slice(from, to))
    return undefined
  })
  return seen
}

describe("someTrimmedLine", () => {
  it("gives each non-blank line trimmed, skipping blank ones and CRLF ends", () => {
    expect(linesOf("  first line \r\n\r\n\t\nsecond\n   \n last")).toEqual(["first line", "second", "last"])
  })

  it("answers the first boolean the visitor returns and reads no further", () => {
    const visited: Array<string> = []
    const text = "a\nb\nc"
    const answer = someTrimmedLine(text, (from, to) => {
      visited.push(text.slice(from, to))
      return text.slice(from, to) === "b" ? false : undefined
    })
    expect(answer).toBe(false)
    expect(visited).toEqual(["a", "b"])
    expect(someTrimmedLine(text, (from, to) => (text.slice(from, to) === "c" ? true : undefined))).toBe(true)
  })

  it("answers false when the walk reaches the end", () => {
    expect(someTrimmedLine("", () => true)).toBe(false)
    expect(someTrimmedLine(" \n\t\r\n", () => true)).toBe(false)
  })

  test.prop([fc.string({ unit: "binary" })])("agrees with split and trim on any text", (text) => {
    const expected = text
      .split("\n")
      .map((line) => line.trim())
      .filter((line) => line.length > 0)
    expect(linesOf(text)).toEqual(expected)
  })
})
