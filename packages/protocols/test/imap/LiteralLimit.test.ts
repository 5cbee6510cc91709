// The proxy's own literal limits: the marker check (unit + property), the command tracker's
// refusal (NOOP upstream, the refusal in place of the server's answer) and the session putting
// the refusal into the server stream in order, for any chunking.
import { fc, test } from "@fast-check/vitest"
import { describe, expect, it } from "vitest"
import { ImapCommandTracker } from "../../src/imap/index.ts"
import { checkLiteral } from "../../src/imap/LiteralLimit.ts"
import { ImapSession } from "../../src/imap/Session.ts"
import { chunksAt, eventsText } from "./support/events.ts"

const b = (s: string) => Buffer.from(s, "latin1")
const text = (parts: ReadonlyArray<Uint8Array>) => Buffer.concat(parts).toString("latin1")
const MB = 1024 * 1024

describe("checkLiteral", () => {
  it("TESTING catalog 13/14 shapes", () => {
    expect(checkLiteral(b("a APPEND INBOX {4294967295}\r\n"), 64 * MB)).toEqual({ _tag: "toobig", size: 4294967295 })
    expect(checkLiteral(b("a APPEND INBOX {4294967296}\r\n"), 64 * MB)).toMatchObject({
      _tag: "bad",
      text: "literal size 4294967296 is above the protocol's limit"
    })
    expect(checkLiteral(b("a APPEND INBOX ~{4294967296}\r\n"), Number.POSITIVE_INFINITY)).toMatchObject({ _tag: "ok" })
    expect(checkLiteral(b("a APPEND INBOX {99999999999999999999}\r\n"), 64 * MB)).toEqual({
      _tag: "bad",
      text: "invalid literal size {99999999999999999999}"
    })
    expect(checkLiteral(b("a APPEND INBOX {-1}\r\n"), 64 * MB)).toEqual({
      _tag: "bad",
      text: "invalid literal size {-1}"
    })
    expect(checkLiteral(b("a APPEND INBOX {abc}\r\n"), 64 * MB)).toEqual({
      _tag: "bad",
      text: "invalid literal size {abc}"
    })
    expect(checkLiteral(b("a APPEND INBOX {}\r\n"), 64 * MB)).toEqual({ _tag: "bad", text: "invalid literal size {}" })
    expect(checkLiteral(b("a APPEND INBOX {0001}\r\n"), 64 * MB)).toMatchObject({ _tag: "ok", marker: { size: 1 } })
    expect(checkLiteral(b("a LOGIN {5+}\r\n"), 64 * MB)).toMatchObject({
      _tag: "ok",
      marker: { size: 5, nonSync: true }
    })
    expect(checkLiteral(b("a APPEND INBOX {100000+}\r\n"), 4096)).toEqual({ _tag: "close", size: 100000 })
    expect(checkLiteral(b("a APPEND INBOX {100000}\r\n"), 4096)).toEqual({ _tag: "toobig", size: 100000 })
    expect(checkLiteral(b("a NOOP\r\n"), 4096)).toEqual({ _tag: "none" })
    expect(checkLiteral(b('a SEARCH SUBJECT "}"\r\n'), 4096)).toEqual({ _tag: "none" })
    expect(checkLiteral(b("a X {5}\n"), 4096)).toEqual({ _tag: "none" })
  })

  test.prop([fc.uint8Array({ maxLength: 200 }), fc.nat()])(
    "never throws; any ok marker is within the limit",
    (bytes, limit) => {
      const r = checkLiteral(bytes, limit)
      if (r._tag === "ok") expect(r.marker.size).toBeLessThanOrEqual(limit)
      if (r._tag === "toobig" || r._tag === "close") expect(r.size).toBeGreaterThan(limit)
    }
  )

  test.prop([fc.bigInt({ min: 0n, max: 10n ** 22n }), fc.boolean(), fc.nat({ max: 10_000 })])(
    "a decimal size is classified by its exact value",
    (size, nonSync, limit) => {
      const r = checkLiteral(b(`a APPEND INBOX {${size}${nonSync ? "+" : ""}}\r\n`), limit)
      if (size > 4294967295n) expect(r._tag).toBe("bad")
      else if (size > BigInt(limit)) expect(r).toEqual({ _tag: nonSync ? "close" : "toobig", size: Number(size) })
      else expect(r).toMatchObject({ _tag: "ok", marker: { size: Number(size), nonSync } })
    }
  )
})

describe("ImapCommandTracker with a literal limit", () => {
  it("a too big synchronising APPEND goes upstream as NOOP and is refused with NO [TOOBIG]; the next command is read normally", () => {
    const t = new ImapCommandTracker(65_536, true, 1000)
    const step = t.push(b("a APPEND INBOX {4294967295}\r\nb NOOP\r\n"))
    expect(step.action).toBe("none")
    expect(text(step.forward)).toBe("a NOOP\r\nb NOOP\r\n")
    expect(t.takeRefusals()).toEqual([
      { tag: "a", reply: "a NO [TOOBIG] literal of 4294967295 octets is over this proxy's limit of 1000\r\n" }
    ])
    expect(t.takeRefusals()).toEqual([])
    expect(t.push(b("c STARTTLS\r\n")).action).toBe("starttls")
  })

  it("bad sizes are answered BAD; literals within the limit pass untouched", () => {
    const t = new ImapCommandTracker(65_536, true, 1000)
    expect(text(t.push(b("a APPEND INBOX {-1}\r\n")).forward)).toBe("a NOOP\r\n")
    expect(t.takeRefusals()[0]!.reply).toBe("a BAD invalid literal size {-1}\r\n")
    expect(text(t.push(b("b APPEND INBOX {5+}\r\nhello\r\n")).forward)).toBe("b APPEND INBOX {5+}\r\nhello\r\n")
    expect(t.takeRefusals()).toEqual([])
  })

  it("a too big {n+} closes (its octets are already coming); nothing of it is forwarded", () => {
    const t = new ImapCommandTracker(65_536, true, 4096)
    const step = t.push(b(`a NOOP\r\nz APPEND INBOX {100000+}\r\n${"x".repeat(100)}\r\nb DELETE INBOX\r\n`))
    expect(step.action).toBe("close")
    expect(step.reason).toMatch(/literal of 100000 octets is over this proxy's limit of 4096 \(non-synchronising/)
    expect(text(step.forward)).toBe("a NOOP\r\n")
  })

  it("a too big literal after the first line of a command closes (the server has the command's start)", () => {
    const t = new ImapCommandTracker(65_536, true, 1000)
    const first = t.push(b("a APPEND INBOX (\\Seen) {5+}\r\nhello {999999}\r\n"))
    expect(first.action).toBe("close")
    expect(text(first.forward)).toBe("a APPEND INBOX (\\Seen) {5+}\r\nhello")
  })
})

/** The client bytes a session forwards, and the server events it gives the client, as text. */
const run = (session: ImapSession, client: string, serverChunks: ReadonlyArray<string>) => {
  const forwarded = text(session.fromClient(b(client)).forward)
  const toClient = eventsText(serverChunks.flatMap((c) => session.fromServer(b(c))))
  return { forwarded, toClient }
}

describe("ImapSession: the refusal replaces the server's answer to the NOOP, in order", () => {
  const server =
    "* 1 FETCH (BODY[] {5}\r\nhello)\r\n* 2 EXISTS\r\nz OK done\r\na OK NOOP completed\r\nb OK NOOP completed\r\n"
  const expected =
    "* 1 FETCH (BODY[] {5}\r\nhello)\r\n* 2 EXISTS\r\nz OK done\r\na NO [TOOBIG] literal of 4294967295 octets is over this proxy's limit of 1000\r\nb OK NOOP completed\r\n"

  it("whole", () => {
    const s = new ImapSession({ maxLiteralBytes: 1000 })
    const r = run(s, "a APPEND INBOX {4294967295}\r\nb NOOP\r\n", [server])
    expect(r.forwarded).toBe("a NOOP\r\nb NOOP\r\n")
    expect(r.toClient).toBe(expected)
  })

  test.prop([fc.array(fc.nat({ max: server.length }), { maxLength: 12 })])(
    "any chunking of the server stream gives the same client stream",
    (cuts) => {
      const s = new ImapSession({ maxLiteralBytes: 1000 })
      expect(run(s, "a APPEND INBOX {4294967295}\r\nb NOOP\r\n", chunksAt(server, cuts)).toClient).toBe(expected)
    }
  )

  it("a tag that is a prefix of another is not mistaken for it", () => {
    const s = new ImapSession({ maxLiteralBytes: 10 })
    const r = run(s, "a APPEND INBOX {11}\r\n", ["aa OK other\r\na OK NOOP completed\r\n"])
    expect(r.toClient).toBe("aa OK other\r\na NO [TOOBIG] literal of 11 octets is over this proxy's limit of 10\r\n")
  })
})
