import { fc, test } from "@fast-check/vitest"
import { describe, expect, it } from "vitest"
import { ImapCommandTracker } from "../../src/imap/index.ts"

const b = (s: string) => Buffer.from(s, "latin1")
const text = (parts: ReadonlyArray<Uint8Array>) => Buffer.concat(parts).toString("latin1")
/** A tracker whose LOGIN the server accepted. */
const loggedIn = (): ImapCommandTracker => {
  const t = new ImapCommandTracker()
  t.push(b("l LOGIN user pass\r\n"))
  t.serverResponse("l", "OK")
  return t
}

describe("ImapCommandTracker", () => {
  it("stops at STARTTLS and discards what was pipelined after it", () => {
    const t = new ImapCommandTracker()
    const step = t.push(b("a NOOP\r\nb STARTTLS\r\nc LOGIN u p\r\n"))
    expect(step.action).toBe("starttls")
    expect(text(step.forward)).toBe("a NOOP\r\nb STARTTLS\r\n")
    expect(step.discarded).toBe("c LOGIN u p\r\n".length)
    expect(t.currentTag()).toBe("b")
  })

  it("never reads a command inside a literal (LITERAL+ or accepted synchronising literal)", () => {
    const t = new ImapCommandTracker()
    const step = t.push(b("a APPEND INBOX {14+}\r\nx STARTTLS\r\n\r\n"))
    expect(step.action).toBe("none")
    expect(text(step.forward)).toBe("a APPEND INBOX {14+}\r\nx STARTTLS\r\n\r\n")
    const sync = new ImapCommandTracker()
    expect(sync.push(b("a APPEND INBOX {12}\r\n")).action).toBe("none")
    expect(sync.push(b("x STARTTLS\r\n")).action).toBe("none")
    expect(sync.push(b("\r\n")).action).toBe("none")
    expect(sync.push(b("b STARTTLS\r\n")).action).toBe("starttls")
  })

  it("a synchronising literal refused by the server is cancelled", () => {
    const t = new ImapCommandTracker()
    t.push(b("a APPEND INBOX {99}\r\n"))
    t.serverResponse("a")
    expect(t.push(b("b STARTTLS\r\n")).action).toBe("starttls")
  })

  it("without TLS on offer, neutralises STARTTLS", () => {
    const noTls = new ImapCommandTracker(65_536, false).push(b("z STARTTLS\r\n"))
    expect(noTls.action).toBe("none")
    expect(text(noTls.forward)).toBe("z X-MAILMOAT-STARTTLS-UNAVAILABLE\r\n")
  })

  it("serves COMPRESS DEFLATE itself: NOOP upstream, our OK in its place, bytes after it discarded", () => {
    const t = loggedIn()
    const step = t.push(b("a NOOP\r\nz compress deflate\r\nb FETCH 1 BODY[]\r\n"))
    expect(step.action).toBe("compress")
    expect(text(step.forward)).toBe("a NOOP\r\nz NOOP\r\n")
    expect(step.discarded).toBe("b FETCH 1 BODY[]\r\n".length)
    expect(t.currentTag()).toBe("z")
    expect(t.takeRefusals()).toEqual([{ tag: "z", reply: "z OK DEFLATE active\r\n" }])
  })

  it("answers another mechanism BAD, a second COMPRESS NO [COMPRESSIONACTIVE], STARTTLS after it BAD", () => {
    const t = loggedIn()
    const other = t.push(b("y COMPRESS X-FOO\r\n"))
    expect(other.action).toBe("none")
    expect(text(other.forward)).toBe("y NOOP\r\n")
    expect(t.takeRefusals()[0]!.reply).toMatch(/^y BAD /)
    const bare = t.push(b("x COMPRESS\r\n"))
    expect(bare.action).toBe("none")
    expect(t.takeRefusals()[0]!.reply).toMatch(/^x BAD /)
    expect(t.push(b("z COMPRESS DEFLATE\r\n")).action).toBe("compress")
    t.takeRefusals()
    const again = t.push(b("w COMPRESS DEFLATE\r\n"))
    expect(again.action).toBe("none")
    expect(t.takeRefusals()).toEqual([{ tag: "w", reply: "w NO [COMPRESSIONACTIVE] DEFLATE is already active\r\n" }])
    const tls = t.push(b("v STARTTLS\r\n"))
    expect(tls.action).toBe("none")
    expect(text(tls.forward)).toBe("v NOOP\r\n")
    expect(t.takeRefusals()[0]!.reply).toMatch(/^v BAD /)
  })

  it("refuses COMPRESS before authentication with BAD (RFC 4978: a command of the authenticated state)", () => {
    const t = new ImapCommandTracker()
    const early = t.push(b("z COMPRESS DEFLATE\r\n"))
    expect(early.action).toBe("none")
    expect(text(early.forward)).toBe("z NOOP\r\n")
    expect(t.takeRefusals()).toEqual([
      { tag: "z", reply: "z BAD Command invalid in this state: COMPRESS is valid once authenticated\r\n" }
    ])
    // A refused login leaves it so; an accepted one (LOGIN with a literal, or AUTHENTICATE) opens it.
    t.push(b("a LOGIN user wrong\r\n"))
    t.serverResponse("a", "NO")
    expect(t.push(b("y COMPRESS DEFLATE\r\n")).action).toBe("none")
    expect(t.takeRefusals()[0]!.reply).toMatch(/^y BAD /)
    t.push(b("c LOGIN {4+}\r\nuser pass\r\n"))
    t.serverResponse("*", "OK")
    expect(t.authenticated).toBe(false)
    t.serverResponse("c", "OK")
    expect(t.authenticated).toBe(true)
    const sasl = new ImapCommandTracker()
    sasl.push(b("d AUTHENTICATE PLAIN\r\n"))
    sasl.push(b("AHVzZXIAcGFzcw==\r\n"))
    sasl.serverResponse("d", "OK")
    expect(sasl.push(b("z COMPRESS DEFLATE\r\n")).action).toBe("compress")
  })

  it("a PREAUTH greeting is authenticated; an accepted UNAUTHENTICATE is not", () => {
    const t = new ImapCommandTracker()
    t.serverResponse("*", "PREAUTH")
    expect(t.authenticated).toBe(true)
    t.push(b("u UNAUTHENTICATE\r\n"))
    t.serverResponse("u", "OK")
    expect(t.push(b("z COMPRESS DEFLATE\r\n")).action).toBe("none")
    expect(t.takeRefusals()[0]!.reply).toMatch(/^z BAD Command invalid in this state/)
  })

  test.prop([fc.uint8Array({ maxLength: 3000 }), fc.array(fc.nat(), { maxLength: 20 })])(
    "never throws; forwards the input unchanged up to a STARTTLS",
    (input, cuts) => {
      const t = new ImapCommandTracker(256)
      const points = [...new Set(cuts.map((c) => c % (input.length + 1)))].sort((x, y) => x - y)
      const out: Array<Uint8Array> = []
      let last = 0
      let discarded = 0
      for (const p of [...points, input.length]) {
        const step = t.push(input.subarray(last, p))
        out.push(...step.forward)
        last = p
        if (step.action === "starttls" || step.action === "compress") {
          discarded = step.discarded + (input.length - p)
          break
        }
      }
      if (discarded === 0) out.push(t.flush())
      const forwarded = Buffer.concat(out)
      // COMPRESS lines are rewritten; everything else is forwarded verbatim.
      if (!/COMPRESS/i.test(Buffer.from(input).toString("latin1"))) {
        expect(forwarded.equals(Buffer.from(input).subarray(0, input.length - discarded))).toBe(true)
      }
    }
  )
})
