// DATA decoding: end-of-data discipline, smuggling forms (bare LF and bare CR before or after the
// dot, NUL, manufactured terminators), chunking invariance (the same result however the bytes
// are split into chunks), size limit while streaming.
import { fc, test } from "@fast-check/vitest"
import { describe, expect, it } from "vitest"
import { decodeAll, encodeForWire } from "../../src/smtp/index.ts"
import { bytes, latin1, splitAt } from "./support/simulate.ts"

const decode = (s: string, maxSize?: number) => {
  const r = decodeAll([bytes(s)], maxSize)
  return { ...r, text: latin1(r.body), restText: latin1(r.rest) }
}

describe("DataDecoder", () => {
  it("ends only at CRLF.CRLF and keeps the final CRLF as part of the body", () => {
    const r = decode("Subject: x\r\n\r\nhello\r\n.\r\nQUIT\r\n")
    expect(r.done).toBe(true)
    expect(r.text).toBe("Subject: x\r\n\r\nhello\r\n")
    expect(r.restText).toBe("QUIT\r\n")
  })

  it("ends at .CRLF right after the 354 (empty message)", () => {
    const r = decode(".\r\nQUIT\r\n")
    expect(r.done).toBe(true)
    expect(r.text).toBe("")
    expect(r.restText).toBe("QUIT\r\n")
  })

  it("unstuffs a leading dot after CRLF and at the very start", () => {
    expect(decode("..a\r\n..\r\n...b\r\n.\r\n").text).toBe(".a\r\n.\r\n..b\r\n")
  })

  it.each([
    ["\\n.\\n", "A\n.\nMAIL FROM:<spoof@victim.test>\r\n"],
    ["\\r.\\r", "A\r.\rMAIL FROM:<spoof@victim.test>\r\n"],
    ["\\n.\\r\\n", "A\n.\r\nMAIL FROM:<spoof@victim.test>\r\n"],
    ["\\r\\n.\\r", "A\r\n.\rMAIL FROM:<spoof@victim.test>\r\n"],
    ["\\r.\\r\\n", "A\r.\r\nMAIL FROM:<spoof@victim.test>\r\n"],
    ["\\r.\\n", "A\r.\nMAIL FROM:<spoof@victim.test>\r\n"],
    ["\\r\\n.\\n", "A\r\n.\nMAIL FROM:<spoof@victim.test>\r\n"],
    ["\\n.\\r", "A\n.\rMAIL FROM:<spoof@victim.test>\r\n"],
    ["\\r\\n\\x00.\\r\\n", "A\r\n\x00.\r\nMAIL FROM:<spoof@victim.test>\r\n"]
  ])("does not end DATA at %s (smuggling)", (_name, payload) => {
    const r = decode(payload)
    expect(r.done).toBe(false)
    expect(r.text).toContain("MAIL FROM:<spoof@victim.test>")
    const ended = decode(`${payload}B\r\n.\r\n`)
    expect(ended.done).toBe(true)
    expect(ended.restText).toBe("")
  })

  it("the CVE-2023-51764 payload yields exactly one message (normalised)", () => {
    const r = decode(
      "Subject: x\r\n\r\nA\n.\r\nMAIL FROM:<spoof@victim.test>\r\nRCPT TO:<u@local.test>\r\nDATA\r\nFrom: ceo@victim.test\r\n\r\nB\r\n.\r\n"
    )
    expect(r.done).toBe(true)
    expect(r.restText).toBe("")
    expect(r.text).toBe(
      "Subject: x\r\n\r\nA\r\n.\r\nMAIL FROM:<spoof@victim.test>\r\nRCPT TO:<u@local.test>\r\nDATA\r\nFrom: ceo@victim.test\r\n\r\nB\r\n"
    )
    expect(r.stats.bareLf).toBe(1)
  })

  it("does not unstuff after a bare LF (no manufactured <LF>.<CR><LF>, A3)", () => {
    const r = decode("A\n..\r\nB\r\n.\r\n")
    expect(r.text).toBe("A\r\n..\r\nB\r\n")
    expect(latin1(encodeForWire(r.body))).toBe("A\r\n...\r\nB\r\n.\r\n")
  })

  it("normalises bare CR and LF to CRLF and removes NUL, counting each", () => {
    const r = decode("a\rb\nc\x00d\r\r\n.\r\n")
    expect(r.text).toBe("a\r\nb\r\ncd\r\n\r\n")
    expect(r.stats).toMatchObject({ bareCr: 2, bareLf: 1, nul: 1 })
  })

  it("stops emitting past the size limit but still finds the terminator", () => {
    const r = decode(`${"x".repeat(50)}\r\n${"y".repeat(50)}\r\n.\r\nQUIT\r\n`, 20)
    expect(r.done).toBe(true)
    expect(r.stats.tooBig).toBe(true)
    expect(r.stats.size).toBe(104)
    expect(r.body.length).toBe(20)
    expect(r.restText).toBe("QUIT\r\n")
  })

  it("returns input unchanged once done", () => {
    const r = decodeAll([bytes(".\r\n"), bytes("RSET\r\n")])
    expect(latin1(r.rest)).toBe("RSET\r\n")
  })
})

// Inputs rich in the bytes that matter: CR, LF, dot, NUL.
const smtpish = fc.array(fc.constantFrom(13, 10, 46, 0, 65, 66, 32), { maxLength: 300 }).map((a) => Uint8Array.from(a))
const anyBytes = fc.oneof(smtpish, fc.uint8Array({ maxLength: 600 }))
const cutsArb = fc.array(fc.nat(700), { maxLength: 30 })

describe("DataDecoder properties", () => {
  test.prop([anyBytes, cutsArb, fc.option(fc.nat(400), { nil: undefined })], { numRuns: 1000 })(
    "gives the same body, end and rest for every chunking",
    (input, cuts, maxSize) => {
      const whole = decodeAll([input], maxSize)
      const chunked = decodeAll(splitAt(input, cuts), maxSize)
      expect(chunked.body).toEqual(whole.body)
      expect(chunked.done).toBe(whole.done)
      expect(chunked.rest).toEqual(whole.rest)
      expect(chunked.stats).toEqual(whole.stats)
    }
  )

  test.prop([anyBytes], { numRuns: 1000 })("longestLine is the longest output line without its CRLF", (input) => {
    const r = decodeAll([input])
    const lines = latin1(r.body).split("\r\n").slice(0, -1)
    expect(r.stats.longestLine).toBe(Math.max(0, ...lines.map((l) => l.length)))
  })

  it("measures lines across chunks: 998 characters fit, 999 are reported", () => {
    const line = (n: number) => `${"x".repeat(n)}\r\n`
    expect(
      decodeAll([bytes(`a\r\n${line(998).slice(0, 500)}`), bytes(`${line(998).slice(500)}.\r\n`)]).stats.longestLine
    ).toBe(998)
    expect(decode(`${line(999)}.\r\n`).stats.longestLine).toBe(999)
  })

  test.prop([anyBytes], { numRuns: 1000 })(
    "output is canonical: CR/LF only in pairs, no NUL, empty or ending in CRLF",
    (input) => {
      const r = decodeAll([input])
      const text = latin1(r.body)
      expect(text.replace(/\r\n/g, "")).not.toMatch(/[\r\n\0]/)
      if (r.done) expect(text === "" || text.endsWith("\r\n")).toBe(true)
    }
  )

  test.prop([anyBytes, smtpish], { numRuns: 1000 })(
    "the terminator is the first CRLF.CRLF on the wire (or .CRLF at the start): never an earlier end",
    (input, tail) => {
      const wire = latin1(input) + latin1(tail)
      const r = decodeAll([bytes(wire)])
      const first = wire.startsWith(".\r\n") ? 0 : wire.indexOf("\r\n.\r\n")
      if (first === -1) {
        expect(r.done).toBe(false)
      } else {
        expect(r.done).toBe(true)
        const end = first === 0 && wire.startsWith(".\r\n") ? 3 : first + 5
        expect(latin1(r.rest)).toBe(wire.slice(end))
      }
    }
  )

  test.prop([anyBytes, smtpish], { numRuns: 500 })(
    "a smuggled second message inside DATA never ends the first one early",
    (before, after) => {
      for (const sep of ["\n.\n", "\r.\r", "\n.\r\n", "\r\n.\r", "\r.\r\n", "\r.\n", "\n.\r"]) {
        // Remove real terminators from the parts so only the smuggling separator could end DATA.
        const clean = (b: Uint8Array) =>
          latin1(b)
            .replace(/\r\n\.\r\n/g, "")
            .replace(/^\.\r\n/, "")
        const head = clean(before)
        const wire = `X${head}${sep}MAIL FROM:<e@x>\r\n${clean(after)}`
        if (wire.includes("\r\n.\r\n")) continue
        const r = decodeAll([bytes(wire)])
        expect(r.done).toBe(false)
      }
    }
  )
})
