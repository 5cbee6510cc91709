import { fc, test } from "@fast-check/vitest"
import { describe, expect } from "vitest"
import { enhancedLength, type ReplyEvent, ReplyParser } from "../../src/delivery/ReplyParser.ts"
import { formatReply } from "../../src/smtp/Reply.ts"

const feed = (bytes: Uint8Array, cuts: ReadonlyArray<number>): Array<ReplyEvent> => {
  const parser = new ReplyParser()
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b)
  const out: Array<ReplyEvent> = []
  let prev = 0
  for (const p of [...points, bytes.length]) {
    out.push(...parser.push(bytes.subarray(prev, p)))
    prev = p
  }
  return out
}

const enc = (s: string) => new TextEncoder().encode(s)

/**
 * The parser as first written (byte by byte, regular expressions), kept as an oracle for the line
 * scanner: the same events for every input.
 */
const referenceParse = (chunk: Uint8Array, maxLineLength: number, maxLines: number): Array<ReplyEvent> => {
  const out: Array<ReplyEvent> = []
  let pending: Array<number> = []
  let lines: Array<string> = []
  let code: string | undefined
  const fail = (detail: string) => {
    out.push({ _tag: "Malformed", detail })
    return out
  }
  for (const b of chunk) {
    if (b !== 0x0a) {
      if (pending.length >= maxLineLength) return fail("reply line too long")
      pending.push(b)
      continue
    }
    if (pending[pending.length - 1] === 0x0d) pending.pop()
    const text = new TextDecoder().decode(Uint8Array.from(pending))
    pending = []
    const m = /^([2-5]\d\d)([ -])(.*)$/s.exec(text) ?? (/^[2-5]\d\d$/.test(text) ? [text, text, " ", ""] : null)
    if (m === null) return fail(`malformed reply line ${JSON.stringify(text.slice(0, 80))}`)
    const [, c, sep, rest] = m as [string, string, string, string]
    if (code !== undefined && c !== code) return fail("reply code changed inside a multi-line reply")
    code = c
    lines.push(rest)
    if (lines.length > maxLines) return fail("reply has too many lines")
    if (sep === " ") {
      let enhanced: string | undefined
      const texts = lines.map((line, i) => {
        const e = /^([245]\.\d{1,3}\.\d{1,3})(?: (.*))?$/s.exec(line)
        if (e === null || !e[1]!.startsWith(c[0]!)) return line
        if (i === 0) enhanced = e[1]
        return e[2] ?? ""
      })
      out.push({ _tag: "Reply", reply: { code: Number(c), enhanced, text: texts.join("\n"), lines: texts } })
      code = undefined
      lines = []
    }
  }
  return out
}

const replyish = fc
  .array(
    fc.oneof(
      fc.constantFrom(
        "250",
        "250-",
        "250 ",
        "220 ok",
        "550 5.1.1 no",
        "251-x",
        "199 ",
        "600 ",
        "2x0 ",
        "25",
        "250x",
        "3"
      ),
      fc.constantFrom("\r\n", "\n", "\r", " ", "-", "\u00e9", "\uFFFD"),
      fc.string({ maxLength: 8 })
    ),
    { maxLength: 40 }
  )
  .map((parts) => enc(parts.join("")))

describe("ReplyParser", () => {
  test("parses single-line, multi-line and enhanced replies", () => {
    const events = new ReplyParser().push(
      enc("220 sink ESMTP\r\n250-sink\r\n250-PIPELINING\r\n250 SIZE 1000\r\n550 5.1.1 No such user\r\n250 2.0.0\n")
    )
    expect(events).toEqual([
      { _tag: "Reply", reply: { code: 220, enhanced: undefined, text: "sink ESMTP", lines: ["sink ESMTP"] } },
      {
        _tag: "Reply",
        reply: {
          code: 250,
          enhanced: undefined,
          text: "sink\nPIPELINING\nSIZE 1000",
          lines: ["sink", "PIPELINING", "SIZE 1000"]
        }
      },
      { _tag: "Reply", reply: { code: 550, enhanced: "5.1.1", text: "No such user", lines: ["No such user"] } },
      { _tag: "Reply", reply: { code: 250, enhanced: "2.0.0", text: "", lines: [""] } }
    ])
  })

  test("an enhanced code of another class is text", () => {
    const [e] = new ReplyParser().push(enc("250 5.1.1 odd\r\n"))
    expect(e).toEqual({
      _tag: "Reply",
      reply: { code: 250, enhanced: undefined, text: "5.1.1 odd", lines: ["5.1.1 odd"] }
    })
  })

  test("garbage, code changes and overlong lines are protocol errors, and the parser stays broken", () => {
    expect(new ReplyParser().push(enc("hello\r\n250 ok\r\n"))).toEqual([
      { _tag: "Malformed", detail: 'malformed reply line "hello"' }
    ])
    expect(new ReplyParser().push(enc("250-a\r\n251 b\r\n"))[0]?._tag).toBe("Malformed")
    const p = new ReplyParser(10)
    expect(p.push(enc("250 0123456789abc\r\n"))[0]?._tag).toBe("Malformed")
    expect(p.push(enc("250 ok\r\n"))).toEqual([])
  })

  test.prop(
    [
      fc.oneof(replyish, fc.uint8Array({ maxLength: 300 })),
      fc.integer({ min: 1, max: 40 }),
      fc.integer({ min: 1, max: 4 }),
      fc.array(fc.nat(), { maxLength: 10 })
    ],
    { numRuns: 3000 }
  )("the same events as the byte-by-byte reference, for any chunking and limits", (bytes, maxLine, maxLines, cuts) => {
    const parser = new ReplyParser(maxLine, maxLines)
    const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b)
    const events: Array<ReplyEvent> = []
    let prev = 0
    for (const p of [...points, bytes.length]) {
      events.push(...parser.push(bytes.subarray(prev, p)))
      prev = p
    }
    expect(events).toEqual(referenceParse(bytes, maxLine, maxLines))
  })

  test.prop([fc.oneof(replyish, fc.uint8Array({ maxLength: 300 })), fc.array(fc.nat(), { maxLength: 10 })], {
    numRuns: 2000
  })("chunks read into one reused Buffer (the relay's own reads): the same events as fresh chunks", (bytes, cuts) => {
    // Every chunk is a view of the same Buffer, overwritten by the next read: what the parser
    // keeps of a line not yet ended must be a copy.
    const parser = new ReplyParser()
    const reused = Buffer.alloc(bytes.length)
    const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b)
    const events: Array<ReplyEvent> = []
    let prev = 0
    for (const p of [...points, bytes.length]) {
      reused.fill(0x58)
      reused.set(bytes.subarray(prev, p))
      events.push(...parser.push(reused.subarray(0, p - prev)))
      prev = p
    }
    expect(events).toEqual(feed(bytes, cuts))
  })

  test.prop([fc.uint8Array({ maxLength: 2000 }), fc.array(fc.nat(), { maxLength: 20 })])(
    "never throws; same events for any chunking",
    (bytes, cuts) => {
      expect(feed(bytes, cuts)).toEqual(feed(bytes, []))
    }
  )

  const replyArb = fc.record({
    code: fc.integer({ min: 200, max: 599 }),
    withEnhanced: fc.boolean(),
    lines: fc.array(fc.stringMatching(/^[\x20-\x7e]{0,60}$/), { minLength: 1, maxLength: 5 })
  })

  test.prop([fc.array(replyArb, { minLength: 1, maxLength: 5 }), fc.array(fc.nat(), { maxLength: 10 })])(
    "round trip: what our server formats, the client parses back",
    (replies, cuts) => {
      // Lines are trimmed of leading spaces so an enhanced-looking prefix is not ambiguous.
      const normal = replies.map((r) => ({
        code: r.code,
        enhanced:
          r.withEnhanced && Math.floor(r.code / 100) !== 3 ? `${String(r.code)[0]}.1.${r.code % 10}` : undefined,
        lines: r.lines.map((l) => (/^[245]\.\d/.test(l) ? `x${l}` : l))
      }))
      const wire = normal
        .map((r) => formatReply({ code: r.code, enhanced: r.enhanced, text: r.lines.join("\n") }))
        .join("")
      const events = feed(enc(wire), cuts)
      expect(
        events.map((e) =>
          e._tag === "Reply" ? { code: e.reply.code, enhanced: e.reply.enhanced, lines: e.reply.lines } : e
        )
      ).toEqual(normal.map((r) => ({ code: r.code, enhanced: r.enhanced, lines: r.lines })))
    }
  )

  /** Text that starts like an enhanced status code, or nearly: classes, dots, 0-4 digits, a space or not. */
  const enhancedish = fc
    .tuple(
      fc.constantFrom("2", "4", "5", "3", "x", ""),
      fc.constantFrom(".", "", ","),
      fc.stringMatching(/^\d{0,4}$/),
      fc.constantFrom(".", "", ":"),
      fc.stringMatching(/^\d{0,4}$/),
      fc.constantFrom(" ", "", "x", "\u00e9", " \r", "  "),
      fc.string({ maxLength: 6 })
    )
    .map((parts) => parts.join(""))

  test.prop([enhancedish, fc.constantFrom(0x32, 0x34, 0x35, 0x33)], { numRuns: 5000 })(
    "enhancedLength reads what the regular expression matched",
    (line, cls) => {
      const m = /^([245]\.\d{1,3}\.\d{1,3})(?: (.*))?$/s.exec(line)
      const expected = m === null || m[1]!.charCodeAt(0) !== cls ? 0 : m[1]!.length
      expect(enhancedLength(line, cls)).toBe(expected)
    }
  )

  test.prop(
    [
      fc.array(
        fc.tuple(
          fc.constantFrom("250", "451", "550", "354", "221"),
          fc.constantFrom(" ", "-"),
          enhancedish,
          fc.constantFrom("\r\n", "\n")
        ),
        { minLength: 1, maxLength: 8 }
      ),
      fc.array(fc.nat(), { maxLength: 6 })
    ],
    { numRuns: 3000 }
  )("replies with enhanced codes (or nearly): the same events as the reference, for any chunking", (lines, cuts) => {
    const bytes = enc(lines.map(([code, sep, rest, eol]) => `${code}${sep}${rest}${eol}`).join(""))
    expect(feed(bytes, cuts)).toEqual(referenceParse(bytes, 4096, 200))
  })
})
