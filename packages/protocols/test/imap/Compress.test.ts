import { fc, test } from "@fast-check/vitest"
import { describe, expect, it } from "vitest"
import { withCompress } from "../../src/imap/CapabilityAdvert.ts"
import { ImapSession } from "../../src/imap/index.ts"
import type { ProxyEvent } from "../../src/proxy/index.ts"
import { chunksAt, eventsText as show } from "./support/events.ts"

const b = (s: string) => Buffer.from(s, "latin1")
/** A session whose LOGIN the server accepted. */
const loggedIn = (): ImapSession => {
  const s = new ImapSession()
  s.fromServer(b("* OK ready\r\n"))
  s.fromClient(b("l LOGIN user pass\r\n"))
  s.fromServer(b("l OK Logged in\r\n"))
  return s
}

const server = "* 3 EXISTS\r\nz OK NOOP completed.\r\n* 4 EXISTS\r\n* 1 FETCH (BODY[] {5}\r\nhello)\r\n"
const expected = "* 3 EXISTS\r\nz OK DEFLATE active\r\n<Z>* 4 EXISTS\r\n* 1 FETCH (BODY[] {5}\r\nhello)\r\n"

describe("ImapSession: COMPRESS DEFLATE", () => {
  it("the NOOP's answer becomes our OK, and compression starts right after it, in the server's order", () => {
    const s = loggedIn()
    const step = s.fromClient(b("z COMPRESS DEFLATE\r\n"))
    expect(step.action).toBe("compress")
    expect(Buffer.concat(step.forward).toString("latin1")).toBe("z NOOP\r\n")
    expect(show(s.fromServer(b(server)))).toBe(expected)
  })

  test.prop([fc.array(fc.nat({ max: server.length }), { maxLength: 12 })])(
    "any chunking of the server stream gives the same events",
    (cuts) => {
      const s = loggedIn()
      s.fromClient(b("z COMPRESS DEFLATE\r\n"))
      const events: Array<ProxyEvent> = chunksAt(server, cuts).flatMap((c) => s.fromServer(b(c)))
      expect(show(events)).toBe(expected)
    }
  )

  it("a refused mechanism starts nothing", () => {
    const s = loggedIn()
    expect(s.fromClient(b("z COMPRESS LZ4\r\n")).action).toBe("none")
    expect(show(s.fromServer(b("z OK NOOP completed.\r\n")))).toMatch(/^z BAD [^\r\n]*\r\n$/)
  })
})

describe("ImapSession: COMPRESS=DEFLATE in the capabilities once authenticated", () => {
  const greeting = "* OK [CAPABILITY IMAP4rev1 LITERAL+ AUTH=PLAIN] ready\r\n"
  const login = "l OK [CAPABILITY IMAP4rev1 IDLE MOVE] Logged in\r\n"
  const capability = "* CAPABILITY IMAP4rev1 IDLE MOVE\r\nc OK done\r\n"
  const whole = `${greeting}${login}${capability}`
  const expected =
    `${greeting}l OK [CAPABILITY IMAP4rev1 IDLE MOVE COMPRESS=DEFLATE] Logged in\r\n` +
    "* CAPABILITY IMAP4rev1 IDLE MOVE COMPRESS=DEFLATE\r\nc OK done\r\n"
  const client = "l LOGIN user pass\r\nc CAPABILITY\r\n"

  it("added to the login's [CAPABILITY] code and later CAPABILITY responses, not before login", () => {
    const s = new ImapSession()
    s.fromClient(b(client))
    expect(show(s.fromServer(b(whole)))).toBe(expected)
  })

  test.prop([fc.array(fc.nat({ max: whole.length }), { maxLength: 16 })])(
    "any chunking of the server stream gives the same client stream",
    (cuts) => {
      const s = new ImapSession()
      s.fromClient(b(client))
      expect(show(chunksAt(whole, cuts).flatMap((c) => s.fromServer(b(c))))).toBe(expected)
    }
  )

  it("an untagged list just before the login's OK (as Dovecot sends it) is decided by that OK", () => {
    const list = "* CAPABILITY IMAP4rev1 IDLE\r\n"
    const ok = new ImapSession()
    ok.fromClient(b("l LOGIN user pass\r\n"))
    expect(show(chunksAt(`${list}l OK Logged in\r\n`, [5, 29]).flatMap((c) => ok.fromServer(b(c))))).toBe(
      "* CAPABILITY IMAP4rev1 IDLE COMPRESS=DEFLATE\r\nl OK Logged in\r\n"
    )
    const no = new ImapSession()
    no.fromClient(b("l LOGIN user wrong\r\n"))
    expect(show(no.fromServer(b(`${list}l NO Authentication failed.\r\n`)))).toBe(
      `${list}l NO Authentication failed.\r\n`
    )
    // A continuation the client waits for is never held back behind it.
    const sasl = new ImapSession()
    sasl.fromClient(b("c CAPABILITY\r\na AUTHENTICATE PLAIN\r\n"))
    expect(show(sasl.fromServer(b(`${list}c OK done\r\n+ \r\n`)))).toBe(`${list}c OK done\r\n+ \r\n`)
  })

  it("never twice: a server that offers it (any case) is passed as it is", () => {
    const s = loggedIn()
    s.fromClient(b("c CAPABILITY\r\n"))
    const offered = "* CAPABILITY IMAP4rev1 compress=deflate IDLE\r\nc OK done\r\n"
    expect(show(s.fromServer(b(offered)))).toBe(offered)
  })

  it("a refused login adds nothing; a PREAUTH greeting does", () => {
    const s = new ImapSession()
    s.fromClient(b("l LOGIN user wrong\r\n"))
    const refused = `${greeting}l NO [AUTHENTICATIONFAILED] Authentication failed.\r\n* CAPABILITY IMAP4rev1\r\n`
    expect(show(s.fromServer(b(refused)))).toBe(refused)
    const pre = new ImapSession()
    expect(show(pre.fromServer(b("* PREAUTH [CAPABILITY IMAP4rev1] Logged in as user\r\n")))).toBe(
      "* PREAUTH [CAPABILITY IMAP4rev1 COMPRESS=DEFLATE] Logged in as user\r\n"
    )
  })

  it("other responses pass untouched, literals and all", () => {
    const s = loggedIn()
    s.fromClient(b("f FETCH 1 BODY[]\r\n"))
    const fetch = "* 1 FETCH (BODY[] {24}\r\n* CAPABILITY IMAP4rev1\r\n)\r\nf OK [READ-ONLY] done\r\n"
    expect(show(s.fromServer(b(fetch)))).toBe(fetch)
  })
})

describe("withCompress", () => {
  const atom = fc.stringMatching(/^[A-Za-z0-9=+.-]{1,12}$/)
  test.prop([
    fc.array(fc.oneof(atom, fc.constantFrom("COMPRESS=DEFLATE", "Compress=Deflate")), { maxLength: 12 }),
    fc.boolean()
  ])("the list names COMPRESS=DEFLATE exactly once afterwards, and nothing else changes", (caps, code) => {
    const list = caps.join(" ")
    const response = code ? `a OK [CAPABILITY ${list}] Logged in\r\n` : `* CAPABILITY ${list}\r\n`
    const out = withCompress(response)
    const listed = (text: string) => (code ? /\[CAPABILITY ([^\]]*)\]/.exec(text)![1]! : text.slice(13).trimEnd())
    const names = listed(out)
      .split(" ")
      .filter((n) => n !== "")
    expect(names.filter((n) => n.toUpperCase() === "COMPRESS=DEFLATE")).toHaveLength(
      caps.some((c) => c.toUpperCase() === "COMPRESS=DEFLATE")
        ? caps.filter((c) => c.toUpperCase() === "COMPRESS=DEFLATE").length
        : 1
    )
    if (out !== response)
      expect(out.replace(/ ?COMPRESS=DEFLATE(?=[\]\r])/, "")).toBe(response.replace(/ (?=[\]\r])/, ""))
  })
})
