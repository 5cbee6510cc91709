// Command line splitting: CRLF and bare LF end a line, bare CR never does, overlong lines are
// reported with bounded memory, and the result does not depend on chunking.
import { fc, test } from "@fast-check/vitest"
import { describe, expect, it } from "vitest"
import { type LineEvent, SmtpLineReader } from "../../src/smtp/index.ts"
import { bytes, latin1, splitAt } from "./support/simulate.ts"

const readAll = (chunks: ReadonlyArray<Uint8Array>, max = 16): Array<string> => {
  const reader = new SmtpLineReader(max)
  const out: Array<string> = []
  for (const chunk of chunks) {
    reader.push(chunk)
    for (let ev: LineEvent | undefined = reader.next(); ev !== undefined; ev = reader.next()) {
      out.push(ev._tag === "TooLong" ? "<TOO LONG>" : `${latin1(ev.line)}${ev.bareLf ? "<LF>" : ""}`)
    }
  }
  return out
}

describe("SmtpLineReader", () => {
  it("splits on CRLF and flags bare LF", () => {
    expect(readAll([bytes("EHLO a\r\nNOOP\nQUIT\r\n")])).toEqual(["EHLO a", "NOOP<LF>", "QUIT"])
  })

  it("never splits on a bare CR", () => {
    expect(readAll([bytes("NOOP\rRSET\r\n")])).toEqual(["NOOP\rRSET"])
  })

  it("accepts a line of exactly the limit and rejects one byte more", () => {
    expect(readAll([bytes(`${"a".repeat(16)}\r\n`)])).toEqual(["a".repeat(16)])
    expect(readAll([bytes(`${"a".repeat(17)}\r\n`)])).toEqual(["<TOO LONG>"])
  })

  it("reports an overlong line without LF once the limit is passed, keeping memory bounded", () => {
    const reader = new SmtpLineReader(4096)
    const chunk = new Uint8Array(64 * 1024).fill(0x41)
    reader.push(chunk)
    expect(reader.next()).toEqual({ _tag: "TooLong" })
    reader.push(chunk)
    expect(reader.next()).toBeUndefined()
    expect(reader.hasPending()).toBe(false)
  })

  it("gives a line as a view of the chunk pushed, not a copy", () => {
    const reader = new SmtpLineReader(64)
    const chunk = bytes("MAIL FROM:<a@b.example>\r\nRCPT TO:<c@d.example>\r\n")
    reader.push(chunk)
    const mail = reader.next()
    const rcpt = reader.next()
    if (mail?._tag !== "Line" || rcpt?._tag !== "Line") throw new Error("two lines expected")
    expect(mail.line.buffer).toBe(chunk.buffer)
    expect(latin1(mail.line)).toBe("MAIL FROM:<a@b.example>")
    expect(rcpt.line.byteOffset - chunk.byteOffset).toBe(25)
    expect(latin1(rcpt.line)).toBe("RCPT TO:<c@d.example>")
  })

  it("returns the unconsumed rest", () => {
    const reader = new SmtpLineReader(64)
    reader.push(bytes("DATA\r\nSubject: x\r\n"))
    expect(reader.next()).toMatchObject({ _tag: "Line" })
    expect(reader.hasPending()).toBe(true)
    expect(latin1(reader.takeRest())).toBe("Subject: x\r\n")
    expect(reader.hasPending()).toBe(false)
  })
})

describe("SmtpLineReader properties", () => {
  const input = fc.oneof(
    fc.array(fc.constantFrom(13, 10, 65, 32, 0), { maxLength: 200 }).map((a) => Uint8Array.from(a)),
    fc.uint8Array({ maxLength: 400 })
  )
  test.prop([input, fc.array(fc.nat(400), { maxLength: 40 })], { numRuns: 1000 })(
    "same lines for every chunking",
    (bytesIn, cuts) => {
      expect(readAll(splitAt(bytesIn, cuts))).toEqual(readAll([bytesIn]))
    }
  )

  test.prop([input], { numRuns: 500 })("lines never contain LF and re-join to the input", (bytesIn) => {
    const lines = readAll([bytesIn], 1000)
    for (const l of lines) expect(l.replace("<LF>", "")).not.toContain("\n")
    const rejoined = lines.map((l) => (l.endsWith("<LF>") ? `${l.slice(0, -4)}\n` : `${l}\r\n`)).join("")
    expect(latin1(bytesIn).startsWith(rejoined)).toBe(true)
  })
})
