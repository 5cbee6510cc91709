// Session properties over arbitrary client input: step never throws, every reply is one well-formed
// SMTP reply (no injected lines), a message needs a 354, and the DATA phase does not depend on
// how the client's bytes were chunked.
import { fc, test } from "@fast-check/vitest"
import { describe, expect } from "vitest"
import { escapeForLog, formatLogLine, Reply } from "../../src/smtp/index.ts"
import { simulate, splitAt } from "./support/simulate.ts"

const words = [
  "EHLO a",
  "HELO b",
  "MAIL FROM:<a@b.test>",
  "RCPT TO:<c@d.test>",
  "DATA",
  "RSET",
  "NOOP",
  "STARTTLS",
  "AUTH PLAIN",
  "AUTH LOGIN",
  "QUIT",
  ".",
  "..x",
  "VRFY x",
  "BDAT 10"
]
const seps = ["\r\n", "\n", "\r", "\r\n.\r\n", "\n.\n", "\0", ""]
const piece = fc.oneof(
  fc.constantFrom(...words),
  fc.constantFrom(...seps),
  fc.string({ maxLength: 20 }),
  fc.uint8Array({ maxLength: 20 }).map((b) => Buffer.from(b).toString("latin1"))
)
const write = fc.array(piece, { maxLength: 12 }).map((ps) => ps.join(""))

describe("Session properties", () => {
  test.prop([fc.array(write, { maxLength: 10 })], { numRuns: 1000 })(
    "never throws; replies are well-formed; DATA needs a 354",
    (writes) => {
      const sim = simulate(writes.map((w) => Buffer.from(w, "latin1")))
      for (const r of sim.replies) {
        expect(r.code).toBeGreaterThanOrEqual(200)
        expect(r.code).toBeLessThan(600)
        const wire = Reply.formatReply(r)
        const lines = wire.split("\r\n").slice(0, -1)
        for (const [i, l] of lines.entries())
          expect(l.slice(0, 4)).toBe(`${r.code}${i === lines.length - 1 ? " " : "-"}`)
        expect(wire.replace(/\r\n/g, "")).not.toMatch(/[\r\n\0]/)
      }
      expect(sim.messages.length).toBeLessThanOrEqual(sim.codes.filter((c) => c === 354).length)
    }
  )

  test.prop([fc.array(write, { maxLength: 6 }), fc.array(fc.nat(300), { maxLength: 20 })], { numRuns: 500 })(
    "the DATA phase and what follows it give the same replies and messages for any chunking",
    (bodyParts, cuts) => {
      const setup = ["EHLO a\r\n", "MAIL FROM:<a@b.test>\r\n", "RCPT TO:<c@d.test>\r\n", "DATA\r\n"]
      // The body must not contain a real terminator: commands after it would be pipelining-sensitive.
      let body = `X${bodyParts.join("")}`
      while (body.includes("\r\n.\r\n")) body = body.replace("\r\n.\r\n", "\r\n..\r\n")
      const after = Buffer.from(`${body}\r\n.\r\nNOOP\r\nQUIT\r\n`, "latin1")
      const whole = simulate([...setup, after], { config: { maxMessageSize: 100 } })
      const split = simulate([...setup, ...splitAt(after, cuts)], { config: { maxMessageSize: 100 } })
      expect(whole.codes.slice(0, 5)).toEqual([220, 250, 250, 250, 354])
      expect(split.wire).toBe(whole.wire)
      expect(split.messages.map((m) => m.body)).toEqual(whole.messages.map((m) => m.body))
      expect(whole.codes.slice(-2)).toEqual([250, 221])
      expect(whole.messages.length + (whole.codes.includes(552) ? 1 : 0)).toBe(1)
    }
  )

  const replyText = fc.oneof(
    fc.string({ maxLength: 600 }),
    fc
      .array(fc.constantFrom("ok", " ", "\r", "\n", "\r\n", "\0", "\x7f", "x".repeat(300)), { maxLength: 6 })
      .map((a) => a.join(""))
  )
  test.prop([fc.integer({ min: 200, max: 599 }), fc.boolean(), replyText], { numRuns: 2000 })(
    "any reply text is sent as well-formed lines of at most 480 characters of text; one clean line as it is",
    (code, withEnhanced, text) => {
      const enhanced = withEnhanced ? `${String(code)[0]}.0.0` : undefined
      const wire = Reply.formatReply({ code, enhanced, text })
      const lines = wire.split("\r\n")
      expect(lines.pop()).toBe("")
      for (const [i, l] of lines.entries()) {
        expect(l.slice(0, 4)).toBe(`${code}${i === lines.length - 1 ? " " : "-"}`)
        expect(l).not.toMatch(/[\u0000-\u001f\u007f]/)
        expect(l.length - 4 - (enhanced === undefined ? 0 : 6)).toBeLessThanOrEqual(480)
      }
      if (text.length <= 480 && !/[\u0000-\u001f\u007f]/.test(text))
        expect(wire).toBe(`${code} ${enhanced === undefined ? "" : `${enhanced} `}${text}\r\n`)
      else expect(lines.length).toBe(text.split(/\r\n|\r|\n/).length)
    }
  )

  test.prop([fc.string({ maxLength: 200 }), fc.string({ maxLength: 50 })], { numRuns: 1000 })(
    "a log line is always one line",
    (value, event) => {
      const line = formatLogLine("id", event, { value, other: 3 })
      expect(line).not.toMatch(/[\r\n\u0000-\u001f\u007f]/)
      expect(escapeForLog(value)).not.toMatch(/[\u0000-\u001f\u007f]/)
    }
  )
})
