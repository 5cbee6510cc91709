// The IMAP session's handling of a partial fetch against a scripted server: its own two fetches,
// the client's command released after them, and the answer served from the rewritten message,
// the same for any chunking of the server's stream.
import { fc, test } from "@fast-check/vitest"
import { describe, expect, it } from "vitest"
import { ImapSession } from "../../src/imap/index.ts"
import { type ProxyEvent, ScanBudget } from "../../src/proxy/index.ts"

const b = (s: string) => Buffer.from(s, "latin1")
const text = (u: Uint8Array) => Buffer.from(u).toString("latin1")

const ORIGINAL = "Subject: hi\r\n\r\nSPAMWORD body\r\n"
const TAGGED = `X-Spam: yes\r\n${ORIGINAL}`

interface Seen {
  client: string
  server: Array<string>
  judged: number
  resumed: number
}

/** Feeds `input` to the session cut at `cuts`, playing the connection's part for each event. */
const serve = (s: ImapSession, input: string, cuts: ReadonlyArray<number>, seen: Seen): void => {
  const bytes = b(input)
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((x, y) => x - y)
  let last = 0
  for (const p of [...points, bytes.length]) {
    for (const e of s.fromServer(bytes.subarray(last, p))) play(e, seen)
    last = p
  }
}

const play = (e: ProxyEvent, seen: Seen): void => {
  if (e._tag === "Bytes") seen.client += text(e.bytes)
  else if (e._tag === "MessageStart") seen.client += text(e.header)
  else if (e._tag === "MessageData") seen.client += text(e.raw)
  else if (e._tag === "ToServer") seen.server.push(...e.step.forward.map(text))
  else if (e._tag === "ResumeClient") seen.resumed++
  else if (e._tag === "Judge") {
    seen.judged++
    const original = text(e.content)
    e.done(original.includes("SPAMWORD") ? b(`X-Spam: yes\r\n${original}`) : undefined, false)
    e.release()
  }
}

/** The whole exchange; the server's three answers are cut at `cuts`. */
const exchange = (cuts: ReadonlyArray<number>, command = "a1 UID FETCH 71 BODY.PEEK[]<0.20>\r\na2 NOOP\r\n") => {
  const s = new ImapSession()
  const seen: Seen = { client: "", server: [], judged: 0, resumed: 0 }
  serve(s, "* OK ready\r\n", [], seen)
  const step = s.fromClient(b(command))
  expect(step.action).toBe("hold")
  const sizing = text(Buffer.concat(step.forward))
  const own1 = /^(\S+) UID FETCH 71 \(UID RFC822\.SIZE\)\r\n$/.exec(sizing)![1]!
  serve(s, `* 1 FETCH (UID 71 RFC822.SIZE ${ORIGINAL.length})\r\n* 3 EXISTS\r\n${own1} OK done\r\n`, cuts, seen)
  const own2 = /^(\S+) UID FETCH 71 \(BODY\.PEEK\[\]\)\r\n$/.exec(seen.server[0]!)![1]!
  serve(
    s,
    `* 1 FETCH (UID 71 BODY[] {${ORIGINAL.length}}\r\n${ORIGINAL} FLAGS (\\Flagged))\r\n${own2} OK done\r\n`,
    cuts,
    seen
  )
  serve(
    s,
    `* 1 FETCH (UID 71 BODY[]<0> {20}\r\n${ORIGINAL.slice(0, 20)})\r\n* 2 FETCH (FLAGS (\\Seen))\r\na1 OK done\r\na2 OK done\r\n`,
    cuts,
    seen
  )
  // A header-only fetch fetches nothing itself: the UID its answer starts with finds the verdict.
  const header = "Subject: hi\r\n\r\n"
  expect(s.fromClient(b("a3 UID FETCH 71 BODY.PEEK[HEADER]\r\n")).forward.map(text)).toEqual([
    "a3 UID FETCH 71 BODY.PEEK[HEADER]\r\n"
  ])
  serve(s, `* 1 FETCH (UID 71 BODY[HEADER] {${header.length}}\r\n${header})\r\na3 OK done\r\n`, cuts, seen)
  return seen
}

const EXPECTED =
  "* OK ready\r\n* 3 EXISTS\r\n* 1 FETCH (FLAGS (\\Flagged))\r\n" +
  `* 1 FETCH (UID 71 BODY[]<0> {20}\r\n${TAGGED.slice(0, 20)})\r\n* 2 FETCH (FLAGS (\\Seen))\r\na1 OK done\r\na2 OK done\r\n` +
  "* 1 FETCH (UID 71 BODY[HEADER] {28}\r\nX-Spam: yes\r\nSubject: hi\r\n\r\n)\r\na3 OK done\r\n"

describe("ImapSession: partial fetches", () => {
  it("holds the command, fetches the message itself, and serves the piece from the rewritten message", () => {
    const seen = exchange([])
    expect(seen.judged).toBe(1)
    expect(seen.resumed).toBe(1)
    expect(seen.server.slice(1)).toEqual(["a1 UID FETCH 71 BODY.PEEK[]<0.20>\r\n", "a2 NOOP\r\n"])
    expect(seen.client).toBe(EXPECTED)
  })

  test.prop([fc.array(fc.nat(400), { maxLength: 12 })])("the same for any chunking of the server's stream", (cuts) => {
    expect(exchange(cuts).client).toBe(EXPECTED)
  })

  it("a client command pipelined behind another waits for its answer before the proxy's own fetch", () => {
    const s = new ImapSession()
    const seen: Seen = { client: "", server: [], judged: 0, resumed: 0 }
    const step = s.fromClient(b("a0 NOOP\r\na1 FETCH 1 BODY.PEEK[TEXT]\r\n"))
    expect(step.action).toBe("hold")
    expect(step.forward.map(text)).toEqual(["a0 NOOP\r\n"])
    // Bytes the client sends meanwhile are kept for later.
    expect(s.fromClient(b("a2 NOOP\r\n")).forward).toEqual([])
    serve(s, "a0 OK done\r\n", [], seen)
    expect(seen.server).toHaveLength(1)
    expect(seen.server[0]).toMatch(/^\S+ FETCH 1 \(UID RFC822\.SIZE\)\r\n$/)
  })
})

describe("ImapSession: header-only fetches by sequence number", () => {
  /** Judges UID 71, message 3 of the mailbox, through a partial fetch; the session and what the client saw. */
  const judged = () => {
    const s = new ImapSession()
    const seen: Seen = { client: "", server: [], judged: 0, resumed: 0 }
    serve(s, "* OK ready\r\n", [], seen)
    const step = s.fromClient(b("a1 UID FETCH 71 BODY.PEEK[]<0.20>\r\n"))
    const own1 = /^(\S+) /.exec(text(Buffer.concat(step.forward)))![1]!
    serve(s, `* 3 FETCH (UID 71 RFC822.SIZE ${ORIGINAL.length})\r\n${own1} OK done\r\n`, [], seen)
    const own2 = /^(\S+) /.exec(seen.server[0]!)![1]!
    serve(s, `* 3 FETCH (UID 71 BODY[] {${ORIGINAL.length}}\r\n${ORIGINAL})\r\n${own2} OK done\r\n`, [], seen)
    serve(s, `* 3 FETCH (UID 71 BODY[]<0> {20}\r\n${ORIGINAL.slice(0, 20)})\r\na1 OK done\r\n`, [], seen)
    expect(seen.judged).toBe(1)
    return { s, seen }
  }
  const header = "Subject: hi\r\n\r\n"
  const headerOf = (seq: number, tag: string) =>
    `* ${seq} FETCH (BODY[HEADER] {${header.length}}\r\n${header})\r\n${tag} OK done\r\n`
  const taggedHeader = (seq: number, tag: string) =>
    `* ${seq} FETCH (BODY[HEADER] {28}\r\nX-Spam: yes\r\n${header})\r\n${tag} OK done\r\n`

  /** The client asks `command`, the server answers `answer`: what the client gets. */
  const ask = (s: ImapSession, command: string, answer: string, cuts: ReadonlyArray<number> = []) => {
    const seen: Seen = { client: "", server: [], judged: 0, resumed: 0 }
    expect(s.fromClient(b(`${command}\r\n`)).action).toBe("none")
    serve(s, answer, cuts, seen)
    return seen.client
  }

  test.prop([fc.array(fc.nat(120), { maxLength: 6 })])(
    "a judged message's header is tagged by its number, which EXPUNGE moves and VANISHED forgets",
    (cuts) => {
      const { s } = judged()
      expect(ask(s, "a2 FETCH 3 BODY.PEEK[HEADER]", headerOf(3, "a2"), cuts)).toBe(taggedHeader(3, "a2"))
      // Message 1 goes (another session expunged it): UID 71 is message 2 now, and 3 another message.
      expect(ask(s, "a3 NOOP", "* 1 EXPUNGE\r\n* 4 EXISTS\r\na3 OK done\r\n", cuts)).toBe(
        "* 1 EXPUNGE\r\n* 4 EXISTS\r\na3 OK done\r\n"
      )
      expect(ask(s, "a4 FETCH 2 BODY.PEEK[HEADER]", headerOf(2, "a4"), cuts)).toBe(taggedHeader(2, "a4"))
      expect(ask(s, "a5 FETCH 3 BODY.PEEK[HEADER]", headerOf(3, "a5"), cuts)).toBe(headerOf(3, "a5"))
      // Message 2 itself goes: nothing is message 2's verdict any more.
      ask(s, "a6 NOOP", "* 2 EXPUNGE\r\na6 OK done\r\n")
      expect(ask(s, "a7 FETCH 2 BODY.PEEK[HEADER]", headerOf(2, "a7"), cuts)).toBe(headerOf(2, "a7"))
    }
  )

  it("EXISTS below a known number and VANISHED forget numbers; the UID still finds the verdict", () => {
    const { s } = judged()
    ask(s, "a2 NOOP", "* VANISHED (EARLIER) 9\r\na2 OK done\r\n")
    expect(ask(s, "a3 FETCH 3 BODY.PEEK[HEADER]", headerOf(3, "a3"))).toBe(taggedHeader(3, "a3"))
    ask(s, "a4 NOOP", "* VANISHED 9\r\na4 OK done\r\n")
    expect(ask(s, "a5 FETCH 3 BODY.PEEK[HEADER]", headerOf(3, "a5"))).toBe(headerOf(3, "a5"))
    const { s: other } = judged()
    ask(other, "b1 NOOP", "* 2 EXISTS\r\nb1 OK done\r\n")
    expect(ask(other, "b2 FETCH 3 BODY.PEEK[HEADER]", headerOf(3, "b2"))).toBe(headerOf(3, "b2"))
    const byUid = `* 3 FETCH (UID 71 BODY[HEADER] {${header.length}}\r\n${header})\r\nb3 OK done\r\n`
    expect(ask(other, "b3 UID FETCH 71 BODY.PEEK[HEADER]", byUid)).toContain("X-Spam: yes")
  })
})

describe("ImapSession: a held response counts in the scan budget", () => {
  test.prop([fc.array(fc.nat(200), { maxLength: 8 }), fc.constantFrom(40, 200)])(
    "one the budget cannot hold goes on as the server sent it, whole and in order, and gives its bytes back",
    (cuts, budgetBytes) => {
      const budget = new ScanBudget(budgetBytes)
      const s = new ImapSession({ budget })
      const seen: Seen = { client: "", server: [], judged: 0, resumed: 0 }
      const logs: Array<string> = []
      const run = (input: string) => {
        const bytes = b(input)
        const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((x, y) => x - y)
        let last = 0
        for (const p of [...points, bytes.length]) {
          for (const e of s.fromServer(bytes.subarray(last, p))) {
            if (e._tag === "Log") logs.push(e.event)
            play(e, seen)
          }
          last = p
        }
      }
      run("* OK ready\r\n")
      const step = s.fromClient(b("a1 UID FETCH 71 (BODY.PEEK[]<0.20> BODY.PEEK[TEXT])\r\n"))
      const own1 = /^(\S+) /.exec(text(Buffer.concat(step.forward)))![1]!
      run(`* 1 FETCH (UID 71 RFC822.SIZE ${ORIGINAL.length})\r\n${own1} OK done\r\n`)
      const own2 = /^(\S+) /.exec(seen.server[0]!)![1]!
      // The proxy's own fetch fits either budget (the message is 31 bytes).
      run(`* 1 FETCH (UID 71 BODY[] {${ORIGINAL.length}}\r\n${ORIGINAL})\r\n${own2} OK done\r\n`)
      expect(seen.judged).toBe(1)
      const body = ORIGINAL.slice(ORIGINAL.indexOf("\r\n\r\n") + 4)
      const answer = `* 1 FETCH (UID 71 BODY[]<0> {20}\r\n${ORIGINAL.slice(0, 20)} BODY[TEXT] {${body.length}}\r\n${body})\r\n`
      seen.client = ""
      run(`${answer}a1 OK done\r\n`)
      if (budgetBytes === 40) {
        // 86 bytes held do not fit 40: the server's answer, untouched.
        expect(seen.client).toBe(`${answer}a1 OK done\r\n`)
        expect(logs).toContain("scan_budget_exhausted_unserved")
      } else {
        expect(seen.client).toBe(
          `* 1 FETCH (UID 71 BODY[]<0> {20}\r\n${TAGGED.slice(0, 20)} BODY[TEXT] {${body.length}}\r\n${body})\r\na1 OK done\r\n`
        )
        expect(logs).not.toContain("scan_budget_exhausted_unserved")
      }
      expect(budget.used).toBe(0)
    }
  )
})
