import { fc, test } from "@fast-check/vitest"
import { describe, expect, it } from "vitest"
import { parseFetchCommand } from "../../src/imap/FetchCommand.ts"

describe("parseFetchCommand", () => {
  it("names each item as the server answers it, and sorts them", () => {
    const c = parseFetchCommand(
      "a1 UID FETCH 1:5,9 (UID FLAGS BODY.PEEK[]<0.1000> body.peek[header.fields (From  To)] BODY[1.MIME] BINARY.PEEK[2]<5.6> RFC822.TEXT RFC822.HEADER RFC822 BODY[] BODY.PEEK[TEXT]) (CHANGEDSINCE 4)\r\n"
    )!
    expect(c.tag).toBe("a1")
    expect(c.uid).toBe(true)
    expect(c.set).toBe("1:5,9")
    expect(c.items.map((i) => [i.name, i.kind])).toEqual([
      ["UID", "other"],
      ["FLAGS", "other"],
      ["BODY[]<0>", "content"],
      ["BODY[HEADER.FIELDS (FROM TO)]", "header"],
      ["BODY[1.MIME]", "content"],
      ["BINARY[2]<5>", "content"],
      ["RFC822.TEXT", "content"],
      ["RFC822.HEADER", "header"],
      ["RFC822", "whole"],
      ["BODY[]", "whole"],
      ["BODY[TEXT]", "content"]
    ])
    expect(c.items[2]!.partial).toEqual({ origin: 0, length: 1000 })
  })

  it("a single item without parentheses; not a FETCH, or a list that does not close, is undefined", () => {
    expect(parseFetchCommand("x FETCH 3 BODY.PEEK[TEXT]")!.items.map((i) => i.name)).toEqual(["BODY[TEXT]"])
    expect(parseFetchCommand("x FETCH * BODY[]<5.10>")!.items[0]!.kind).toBe("content")
    for (const line of [
      "x STORE 1 +FLAGS (\\Seen)",
      "x FETCH 1 (BODY[] ",
      "x FETCH 1 BODY[HEADER",
      "x FETCH",
      "FETCH 1 BODY[]"
    ])
      expect(parseFetchCommand(line), line).toBeUndefined()
  })

  test.prop([fc.string({ unit: "binary", maxLength: 200 })])("never throws on arbitrary text", (s) => {
    parseFetchCommand(s)
    parseFetchCommand(`a FETCH 1 (${s}`)
  })

  const item = fc.oneof(
    fc.constantFrom("UID", "FLAGS", "RFC822.SIZE", "RFC822", "RFC822.HEADER", "RFC822.TEXT", "ENVELOPE"),
    fc
      .tuple(
        fc.constantFrom("BODY", "BODY.PEEK", "BINARY", "BINARY.PEEK"),
        fc.constantFrom("", "TEXT", "HEADER", "1", "2.3", "1.MIME", "HEADER.FIELDS (FROM SUBJECT)"),
        fc.option(fc.tuple(fc.nat(100000), fc.integer({ min: 1, max: 100000 })))
      )
      .map(([base, section, p]) => `${base}[${section}]${p === null ? "" : `<${p[0]}.${p[1]}>`}`)
  )

  test.prop([fc.array(item, { minLength: 1, maxLength: 8 }), fc.boolean()])(
    "round trip: every item written comes back, PEEK and lengths dropped from the name",
    (items, uid) => {
      const c = parseFetchCommand(`t7 ${uid ? "UID " : ""}FETCH 1:* (${items.join(" ")})\r\n`)!
      expect(c.uid).toBe(uid)
      expect(c.items.map((i) => i.name)).toEqual(
        items.map((i) => i.replace(".PEEK", "").replace(/<(\d+)\.\d+>$/, "<$1>"))
      )
      c.items.forEach((parsed, k) => {
        const m = /<(\d+)\.(\d+)>$/.exec(items[k]!)
        expect(parsed.partial).toEqual(m === null ? undefined : { origin: Number(m[1]), length: Number(m[2]) })
      })
    }
  )
})
