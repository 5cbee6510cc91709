// Command parsing: verbs, MAIL/RCPT paths and ESMTP params, control characters and invalid UTF-8
// (answered, never passed on), and "never throws" for arbitrary bytes.
import { fc, test } from "@fast-check/vitest"
import { describe, expect, it } from "vitest"
import { Address, parseCommand } from "../../src/smtp/index.ts"
import { bytes } from "./support/simulate.ts"

const utf8 = (s: string) => new TextEncoder().encode(s)
const parse = (s: string) => parseCommand(utf8(s))
const replyOf = (s: string) => {
  const c = parse(s)
  return c._tag === "Invalid" ? `${c.reply.code} ${c.reply.enhanced}` : c._tag
}

describe("parseCommand", () => {
  it("parses verbs case-insensitively with their argument", () => {
    expect(parse("ehlo client.test")).toEqual({ _tag: "Other", verb: "EHLO", arg: "client.test" })
    expect(parse("QUIT")).toEqual({ _tag: "Other", verb: "QUIT", arg: "" })
    expect(parse("XYZZY foo")).toEqual({ _tag: "Unknown", verb: "XYZZY", http: false })
    expect(parse("GET / HTTP/1.1")).toEqual({ _tag: "Unknown", verb: "GET", http: true })
  })

  it("parses MAIL FROM with params, the null sender and a space after the colon", () => {
    const c = parse("MAIL FROM:<a.b@example.test> SIZE=1000 body=8BITMIME SMTPUTF8")
    expect(c).toMatchObject({ _tag: "Mail", address: "a.b@example.test" })
    if (c._tag === "Mail")
      expect([...c.params]).toEqual([
        ["SIZE", "1000"],
        ["BODY", "8BITMIME"],
        ["SMTPUTF8", ""]
      ])
    expect(parse("mail from:<>")).toMatchObject({ _tag: "Mail", address: "" })
    expect(parse("MAIL FROM: <x@y.test>")).toMatchObject({ _tag: "Mail", address: "x@y.test" })
  })

  it("parses RCPT TO, strips source routes, accepts Postmaster and quoted local parts", () => {
    expect(parse("RCPT TO:<@relay.test,@b.test:u@c.test>")).toMatchObject({ _tag: "Rcpt", address: "u@c.test" })
    expect(parse("RCPT TO:<Postmaster>")).toMatchObject({ _tag: "Rcpt", address: "Postmaster" })
    expect(parse('RCPT TO:<"a>b c"@d.test>')).toMatchObject({ _tag: "Rcpt", address: '"a>b c"@d.test' })
    expect(parse("RCPT TO:<用户@例子.测试>")).toMatchObject({ _tag: "Rcpt", address: "用户@例子.测试" })
  })

  it.each([
    ["MAIL FROM:<a\u0000b@x.test>", "501 5.5.4"],
    ["RCPT TO:<a@x.test\u001b[31m>", "501 5.5.4"],
    ["NOOP\rRSET", "501 5.5.4"],
    ["MAIL FROM:a@b.test", "501 5.5.4"],
    ["MAIL FROM:<a@b.test", "501 5.5.4"],
    ["MAIL TO:<a@b.test>", "501 5.5.4"],
    ["MAIL FROM:<a@b.test>SIZE=1", "501 5.5.4"],
    ["MAIL FROM:<a@b.test> SIZE=1 SIZE=2", "501 5.5.4"],
    ["MAIL FROM:<no-at-sign>", "501 5.1.7"],
    ["MAIL FROM:<a..b@x.test>", "501 5.1.7"],
    ["MAIL FROM:<a@-x.test>", "501 5.1.7"],
    ["RCPT TO:<>", "501 5.1.3"],
    ["RCPT TO:<a@b..test>", "501 5.1.3"],
    [`RCPT TO:<${"a".repeat(65)}@x.test>`, "501 5.1.3"]
  ])("rejects %j with %s", (line, expected) => {
    expect(replyOf(line)).toBe(expected)
  })

  it("rejects invalid UTF-8 with 500 5.5.2", () => {
    const c = parseCommand(bytes("MAIL FROM:<\xff@x.test>"))
    expect(c).toMatchObject({ _tag: "Invalid", reply: { code: 500, enhanced: "5.5.2" } })
  })

  it("accepts address literals", () => {
    expect(Address.isValidDomain("[192.0.2.1]")).toBe(true)
    expect(Address.isValidDomain("[IPv6:2001:db8::1]")).toBe(true)
    expect(Address.isValidDomain("[300.0.0.1]")).toBe(false)
  })
})

describe("parseCommand properties", () => {
  test.prop([fc.uint8Array({ maxLength: 600 })], { numRuns: 2000 })("never throws on arbitrary bytes", (line) => {
    const c = parseCommand(line)
    expect(["Mail", "Rcpt", "Other", "Unknown", "Invalid"]).toContain(c._tag)
  })

  test.prop([fc.string({ maxLength: 200 })], { numRuns: 2000 })(
    "never throws on arbitrary strings after MAIL FROM:<",
    (s) => {
      expect(() => parse(`MAIL FROM:<${s}`)).not.toThrow()
      expect(() => parse(`RCPT TO:<${s}> ${s}`)).not.toThrow()
    }
  )

  test.prop([fc.emailAddress()], { numRuns: 1000 })(
    "round trip: MAIL FROM:<addr> yields addr for valid addresses",
    (addr) => {
      expect(parse(`MAIL FROM:<${addr}>`)).toMatchObject({ _tag: "Mail", address: addr })
      expect(parse(`RCPT TO:<${addr}> `)).toMatchObject({ _tag: "Rcpt", address: addr })
    }
  )
})
