import { fc, test } from "@fast-check/vitest"
import { describe, expect, it } from "vitest"
import { ImapSession } from "../../src/imap/index.ts"
import type { ProxyEvent } from "../../src/proxy/index.ts"
import { chunksAt, eventsText as show } from "./support/events.ts"

const b = (s: string) => Buffer.from(s, "latin1")

const server = "* 3 EXISTS\r\nz OK NOOP completed.\r\n* 4 EXISTS\r\n* 1 FETCH (BODY[] {5}\r\nhello)\r\n"
const expected = "* 3 EXISTS\r\nz OK DEFLATE active\r\n<Z>* 4 EXISTS\r\n* 1 FETCH (BODY[] {5}\r\nhello)\r\n"

describe("ImapSession: COMPRESS DEFLATE", () => {
  it("the NOOP's answer becomes our OK, and compression starts right after it, in the server's order", () => {
    const s = new ImapSession()
    const step = s.fromClient(b("z COMPRESS DEFLATE\r\n"))
    expect(step.action).toBe("compress")
    expect(Buffer.concat(step.forward).toString("latin1")).toBe("z NOOP\r\n")
    expect(show(s.fromServer(b(server)))).toBe(expected)
  })

  test.prop([fc.array(fc.nat({ max: server.length }), { maxLength: 12 })])(
    "any chunking of the server stream gives the same events",
    (cuts) => {
      const s = new ImapSession()
      s.fromClient(b("z COMPRESS DEFLATE\r\n"))
      const events: Array<ProxyEvent> = chunksAt(server, cuts).flatMap((c) => s.fromServer(b(c)))
      expect(show(events)).toBe(expected)
    }
  )

  it("a refused mechanism starts nothing", () => {
    const s = new ImapSession()
    expect(s.fromClient(b("z COMPRESS LZ4\r\n")).action).toBe("none")
    expect(show(s.fromServer(b("z OK NOOP completed.\r\n")))).toMatch(/^z BAD [^\r\n]*\r\n$/)
  })
})
