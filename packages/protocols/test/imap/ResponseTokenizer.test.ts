import { fc, test } from "@fast-check/vitest"
import { describe, expect, it } from "vitest"
import { type ImapServerEvent, ImapResponseTokenizer } from "../../src/imap/index.ts"

const b = (s: string) => Buffer.from(s, "latin1")

const rawOf = (events: ReadonlyArray<ImapServerEvent>): Array<Uint8Array> =>
  events.flatMap((e) =>
    e._tag === "Bytes" || e._tag === "MessageData" ? [e.bytes] : e._tag === "MessageStart" ? [e.marker] : []
  )

/** Feeds `input` cut at `cuts`; returns the events. */
const feed = (input: Uint8Array, cuts: ReadonlyArray<number>) => {
  const t = new ImapResponseTokenizer()
  const points = [...new Set(cuts.map((c) => c % (input.length + 1)))].sort((x, y) => x - y)
  const events: Array<ImapServerEvent> = []
  let last = 0
  for (const p of [...points, input.length]) {
    events.push(...t.push(input.subarray(last, p)))
    last = p
  }
  events.push({ _tag: "Bytes", bytes: t.flush() })
  return events
}

/** Messages found: concatenated MessageData between MessageStart and MessageEnd. */
const messagesOf = (events: ReadonlyArray<ImapServerEvent>): Array<string> => {
  const out: Array<string> = []
  let current: Array<Uint8Array> | undefined
  for (const e of events) {
    if (e._tag === "MessageStart") current = []
    else if (e._tag === "MessageData") current!.push(e.bytes)
    else if (e._tag === "MessageEnd") {
      out.push(Buffer.concat(current!).toString("latin1"))
      current = undefined
    }
  }
  return out
}

const STREAM = b(
  "* OK [CAPABILITY IMAP4rev1 LITERAL+] ready {5}\r\n" + // a literal in any response but `+` lines, as clients read it
    "hello" +
    " more\r\n" +
    "* 1 FETCH (UID 7 BODY[] {12}\r\nSubject: a\r\n FLAGS (\\Seen))\r\n" +
    "* 2 FETCH (BODY[]<0> {3}\r\nabc)\r\n" +
    "* 3 FETCH (BODY[HEADER.FIELDS (SUBJECT)] {5}\r\nx\r\n\r\n RFC822 {2}\r\nhi BINARY[] ~{3}\r\n\0\0\0 BODY[1] {1}\r\nz)\r\n" +
    '* 4 FETCH (ENVELOPE ("d" {3}\r\nsub NIL) RFC822.HEADER {2}\r\nab RFC822 {0}\r\n)\r\n' +
    "+ idling {5}\r\n" +
    "a1 OK FETCH completed\r\n"
)

describe("ImapResponseTokenizer", () => {
  it("finds whole-message literals only, across several messages per response", () => {
    const events = feed(STREAM, [])
    expect(messagesOf(events)).toEqual(["Subject: a\r\n", "hi", "\0\0\0", ""])
    const ends = events.filter((e) => e._tag === "ResponseEnd")
    expect(ends.map((e) => (e._tag === "ResponseEnd" ? `${e.tag} ${e.status}` : ""))).toEqual([
      "* OK",
      "* 1",
      "* 2",
      "* 3",
      "* 4",
      "+ IDLING",
      "a1 OK"
    ])
    expect(Buffer.concat(rawOf(events)).equals(STREAM)).toBe(true)
  })

  it("reports literal forms (literal8, non-synchronising)", () => {
    const events = feed(b("* 1 FETCH (BINARY[] ~{2}\r\nab RFC822 {1+}\r\nc)\r\n"), [])
    const starts = events.flatMap((e) => (e._tag === "MessageStart" ? [e.literal] : []))
    expect(starts).toEqual([
      { size: 2, nonSync: false, literal8: true, length: 6 },
      { size: 1, nonSync: true, literal8: false, length: 6 }
    ])
  })

  it("does not take a continuation line's {n} for a literal", () => {
    const events = feed(b("+ {3}\r\n* 1 FETCH (RFC822 {1}\r\nx)\r\n"), [])
    expect(messagesOf(events)).toEqual(["x"])
  })

  test.prop([fc.array(fc.nat(), { maxLength: 40 })])(
    "gives the same events' bytes and messages for every chunking of a FETCH stream",
    (cuts) => {
      const events = feed(STREAM, cuts)
      expect(Buffer.concat(rawOf(events)).equals(STREAM)).toBe(true)
      expect(messagesOf(events)).toEqual(["Subject: a\r\n", "hi", "\0\0\0", ""])
    }
  )

  test.prop([fc.uint8Array({ maxLength: 2000 }), fc.array(fc.nat(), { maxLength: 30 })])(
    "never throws on arbitrary bytes and reproduces them exactly",
    (input, cuts) => {
      const events = feed(input, cuts)
      expect(Buffer.concat(rawOf(events)).equals(Buffer.from(input))).toBe(true)
    }
  )

  const token = fc.constantFrom(
    "* ",
    "1 ",
    "FETCH ",
    "(",
    ")",
    "BODY[] ",
    "RFC822 ",
    "BINARY[] ",
    "BODY[]<0> ",
    "{3}\r\n",
    "~{2}\r\n",
    "{0}\r\n",
    "{1+}\r\n",
    "\r\n",
    '"q ',
    "\\",
    "abc",
    "[",
    "]",
    "+ ",
    "a1 OK ",
    "{",
    "}",
    "~"
  )
  test.prop([fc.array(token, { maxLength: 80 }), fc.array(fc.nat(), { maxLength: 30 })])(
    "never throws on IMAP-shaped noise; same messages for every chunking",
    (tokens, cuts) => {
      const input = b(tokens.join(""))
      const whole = feed(input, [])
      const chunked = feed(input, cuts)
      expect(Buffer.concat(rawOf(chunked)).equals(input)).toBe(true)
      expect(messagesOf(chunked)).toEqual(messagesOf(whole))
    }
  )
})
