// The start of a FETCH response waits with its message: the size it announces before the literal
// is the size of what is sent, for any chunking; anything else passes byte for byte.
import { fc, test } from "@fast-check/vitest"
import { describe, expect, it } from "vitest"
import { ImapSession } from "../../src/imap/index.ts"
import { ResponsePrefix } from "../../src/imap/ResponsePrefix.ts"

const b = (s: string) => Buffer.from(s, "latin1")
const text = (u: Uint8Array) => Buffer.from(u).toString("latin1")

/** What the client gets from `input` cut at `cuts`, each message replaced by `rewrite(content)` when given. */
const through = (input: string, cuts: ReadonlyArray<number>, rewrite?: (content: string) => string): string => {
  const s = new ImapSession()
  const bytes = b(input)
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((x, y) => x - y)
  let out = ""
  let message: { frame: (c: Uint8Array) => Array<Uint8Array>; header: string; content: string } | undefined
  let last = 0
  for (const p of [...points, bytes.length]) {
    for (const e of s.fromServer(bytes.subarray(last, p))) {
      if (e._tag === "Bytes") out += text(e.bytes)
      else if (e._tag === "MessageStart") message = { frame: e.frame, header: text(e.header), content: "" }
      else if (e._tag === "MessageData") message!.content += text(e.raw)
      else if (e._tag === "MessageEnd") {
        const m = message!
        out +=
          rewrite === undefined
            ? m.header + m.content
            : m
                .frame(b(rewrite(m.content)))
                .map(text)
                .join("")
        message = undefined
      }
    }
    last = p
  }
  return out
}

const MESSAGE = "Subject: hi\r\n\r\nbody\r\n"
const TAGGED = `X-Spam: yes\r\n${MESSAGE}`
const cuts = fc.array(fc.nat(300), { maxLength: 10 })

describe("ResponsePrefix", () => {
  test.prop([cuts])("RFC822.SIZE before the literal is the size sent, for any chunking", (c) => {
    const input =
      `* OK [CAPABILITY IMAP4rev1] hi\r\n* 1 FETCH (UID 7 RFC822.SIZE ${MESSAGE.length} BODY[] {${MESSAGE.length}}\r\n${MESSAGE})\r\n` +
      `* 2 FETCH (FLAGS (\\Seen))\r\na1 OK done\r\n`
    expect(through(input, c)).toBe(input)
    expect(through(input, c, (m) => `X-Spam: yes\r\n${m}`)).toBe(
      input.replace(
        `RFC822.SIZE ${MESSAGE.length} BODY[] {${MESSAGE.length}}\r\n${MESSAGE}`,
        `RFC822.SIZE ${TAGGED.length} BODY[] {${TAGGED.length}}\r\n${TAGGED}`
      )
    )
  })

  test.prop([cuts])("a size in a string or a header literal before the body is not one to rewrite", (c) => {
    const header = "RFC822.SIZE 22\r\n\r\n"
    const input =
      `* 1 FETCH (ENVELOPE (NIL "RFC822.SIZE 22" NIL) BODY[HEADER] {${header.length}}\r\n${header} RFC822.SIZE ${MESSAGE.length} BODY[] {${MESSAGE.length}}\r\n${MESSAGE})\r\n` +
      "a1 OK done\r\n"
    expect(through(input, c, (m) => `X-Spam: yes\r\n${m}`)).toBe(
      input.replace(
        ` RFC822.SIZE ${MESSAGE.length} BODY[] {${MESSAGE.length}}\r\n${MESSAGE}`,
        ` RFC822.SIZE ${TAGGED.length} BODY[] {${TAGGED.length}}\r\n${TAGGED}`
      )
    )
  })

  test.prop([
    fc.array(fc.constantFrom("* ", "1 ", "FETCH ", "(", ")", "{3}\r\n", "RFC822.SIZE ", "BODY[] ", "\r\n", "x", '"'), {
      maxLength: 40
    }),
    cuts
  ])("passes any stream byte for byte when nothing is rewritten", (parts, c) => {
    const input = `${parts.join("")}\r\n`
    expect(through(input, c)).toBe(input)
  })

  test.prop([fc.uint8Array({ maxLength: 200 })])(
    "never throws on arbitrary bytes, and gives back what it held",
    (bytes) => {
      const p = new ResponsePrefix()
      const held = p.take(bytes) ? [bytes] : []
      if (p.holding) expect(Buffer.concat(p.release()).equals(Buffer.concat(held))).toBe(true)
      p.end()
      expect(p.holding).toBe(false)
    }
  )

  it("holds a response start no larger than its bound", () => {
    const p = new ResponsePrefix()
    expect(p.take(b("* 1 FETCH ("))).toBe(true)
    expect(p.take(new Uint8Array(20_000))).toBe(false)
    expect(text(Buffer.concat(p.release()))).toBe("* 1 FETCH (")
  })
})
