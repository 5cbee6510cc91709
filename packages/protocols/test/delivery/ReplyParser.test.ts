import { fc, test } from "@fast-check/vitest"
import { describe, expect } from "vitest"
import { type ReplyEvent, ReplyParser } from "../../src/delivery/ReplyParser.ts"
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
})
