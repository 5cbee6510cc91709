import { fc, test } from "@fast-check/vitest"
import { describe, expect, it } from "vitest"
import { Pop3Session } from "../../src/pop3/index.ts"
import type { ProxyEvent } from "../../src/proxy/index.ts"

const b = (s: string) => Buffer.from(s, "latin1")

const rawOf = (events: ReadonlyArray<ProxyEvent>): Buffer =>
  Buffer.concat(
    events.map((e) => {
      if (e._tag === "Bytes" || e._tag === "TlsReply") return e.bytes
      if (e._tag === "MessageStart") return e.header
      if (e._tag === "MessageData" || e._tag === "MessageEnd") return e.raw
      return Buffer.alloc(0)
    })
  )

const feedServer = (s: Pop3Session, input: Uint8Array, cuts: ReadonlyArray<number>) => {
  const points = [...new Set(cuts.map((c) => c % (input.length + 1)))].sort((x, y) => x - y)
  const events: Array<ProxyEvent> = []
  let last = 0
  for (const p of [...points, input.length]) {
    events.push(...s.fromServer(input.subarray(last, p)))
    last = p
  }
  if (!events.some((e) => e._tag === "TlsReply" && e.ok)) events.push({ _tag: "Bytes", bytes: s.serverEnded() })
  return events
}

describe("Pop3Session", () => {
  it("marks RETR bodies as messages (unstuffed) and passes TOP, LIST, CAPA through", () => {
    const s = new Pop3Session()
    s.fromClient(b("RETR 1\r\nTOP 1 0\r\nLIST\r\nSTAT\r\n"))
    const events = feedServer(
      s,
      b("+OK hi\r\n+OK 9 octets\r\n..a\r\nb\r\n.\r\n+OK\r\nh\r\n.\r\n+OK\r\n1 9\r\n.\r\n+OK 1 9\r\n"),
      []
    )
    const content = Buffer.concat(events.flatMap((e) => (e._tag === "MessageData" ? e.content : []))).toString("latin1")
    expect(content).toBe(".a\r\nb\r\n")
    expect(events.filter((e) => e._tag === "MessageStart")).toHaveLength(1)
    const start = events.find((e) => e._tag === "MessageStart")
    expect(start?._tag === "MessageStart" && Buffer.from(start.frame(b(".x\r\ny"))[0]!).toString("latin1")).toBe(
      "..x\r\ny\r\n.\r\n"
    )
  })

  it("STLS: the OK is a TlsReply and the server's plaintext after it is dropped", () => {
    const s = new Pop3Session()
    const step = s.fromClient(b("STLS\r\nUSER x\r\n"))
    expect(step.action).toBe("starttls")
    expect(step.discarded).toBe(8)
    const events = feedServer(s, b("+OK ready\r\n+OK Begin TLS\r\n+OK injected\r\n"), [])
    expect(events.map((e) => e._tag)).toEqual(["Bytes", "TlsReply"])
  })

  const messagesOf = (events: ReadonlyArray<ProxyEvent>) =>
    Buffer.concat(events.flatMap((e) => (e._tag === "MessageData" ? e.content : []))).toString("latin1")

  it("a command pipelined after a one-step AUTH is a command: its message is scanned", () => {
    const s = new Pop3Session()
    s.fromClient(b("AUTH PLAIN AHUAcA==\r\nRETR 1\r\n"))
    const events = feedServer(s, b("+OK hi\r\n+OK logged in\r\n+OK 5 octets\r\nabc\r\n.\r\n"), [])
    expect(events.filter((e) => e._tag === "MessageStart")).toHaveLength(1)
    expect(messagesOf(events)).toBe("abc\r\n")
  })

  it("lines that answer the server's continuations are SASL responses, not commands", () => {
    const s = new Pop3Session()
    const events: Array<ProxyEvent> = []
    s.fromClient(b("AUTH SCRAM-SHA-1 biwsbj11\r\n"))
    events.push(...s.fromServer(b("+OK hi\r\n+ cj1meWtv\r\n")))
    s.fromClient(b("RETR\r\n"))
    events.push(...s.fromServer(b("+ dj1ybUY5\r\n")))
    s.fromClient(b("\r\n"))
    events.push(...s.fromServer(b("+OK\r\n")))
    s.fromClient(b("RETR 1\r\n"))
    events.push(...s.fromServer(b("+OK 5 octets\r\nabc\r\n.\r\n")))
    expect(events.filter((e) => e._tag === "MessageStart")).toHaveLength(1)
    expect(messagesOf(events)).toBe("abc\r\n")
  })

  it("a response sent before its continuation, a failed AUTH and a second AUTH, all pipelined", () => {
    const s = new Pop3Session()
    s.fromClient(b("AUTH PLAIN\r\nd3Jvbmc=\r\nAUTH PLAIN AHUAcA==\r\nRETR 1\r\n"))
    const server = "+OK hi\r\n+ \r\n-ERR no\r\n+OK in\r\n+OK 5 octets\r\nabc\r\n.\r\n"
    const events = feedServer(s, b(server), [])
    expect(events.filter((e) => e._tag === "MessageStart")).toHaveLength(1)
    expect(messagesOf(events)).toBe("abc\r\n")
    expect(rawOf(events).toString("latin1")).toBe(server)
  })

  it("STLS inside a SASL exchange is never honoured", () => {
    const s = new Pop3Session()
    const step = s.fromClient(b("AUTH PLAIN AHUAcA==\r\nSTLS\r\nUSER x\r\n"))
    expect(step.action).toBe("none")
    expect(Buffer.concat(step.forward).toString("latin1")).toBe(
      "AUTH PLAIN AHUAcA==\r\nX-MAILMOAT-STLS-UNAVAILABLE\r\nUSER x\r\n"
    )
  })

  test.prop([fc.array(fc.nat(), { maxLength: 6 }), fc.array(fc.nat(), { maxLength: 6 })])(
    "a RETR pipelined after AUTH is scanned however either stream is cut",
    (clientCuts, serverCuts) => {
      const s = new Pop3Session()
      const client = b("CAPA\r\nAUTH PLAIN AHUAcA==\r\nRETR 1\r\nQUIT\r\n")
      const points = [...new Set(clientCuts.map((c) => c % (client.length + 1)))].sort((x, y) => x - y)
      let last = 0
      for (const p of [...points, client.length]) {
        s.fromClient(client.subarray(last, p))
        last = p
      }
      const server = "+OK hi\r\n+OK\r\nSASL PLAIN\r\n.\r\n+OK in\r\n+OK 5 octets\r\nabc\r\n.\r\n+OK bye\r\n"
      const events = feedServer(s, b(server), serverCuts)
      expect(messagesOf(events)).toBe("abc\r\n")
      expect(rawOf(events).toString("latin1")).toBe(server)
    }
  )

  const verbs = fc.constantFrom(
    "RETR 1",
    "TOP 1 2",
    "LIST",
    "LIST 1",
    "UIDL",
    "CAPA",
    "NOOP",
    "STAT",
    "AUTH",
    "AUTH PLAIN",
    "DELE 1",
    "QUIT"
  )
  const serverPiece = fc.constantFrom(
    "+OK\r\n",
    "-ERR no\r\n",
    "+ \r\n",
    "line\r\n",
    ".\r\n",
    "..x\r\n",
    "\r\n",
    "\n",
    "\r",
    ".",
    "abc"
  )
  test.prop([
    fc.array(verbs, { maxLength: 10 }),
    fc.array(serverPiece, { maxLength: 60 }),
    fc.array(fc.nat(), { maxLength: 30 })
  ])("reproduces any server stream exactly, for any chunking, when nothing is rewritten", (commands, pieces, cuts) => {
    const s = new Pop3Session()
    s.fromClient(b(commands.map((c) => `${c}\r\n`).join("")))
    const input = b(pieces.join(""))
    expect(rawOf(feedServer(s, input, cuts)).equals(input)).toBe(true)
  })

  test.prop([
    fc.uint8Array({ maxLength: 2000 }),
    fc.uint8Array({ maxLength: 2000 }),
    fc.array(fc.nat(), { maxLength: 20 })
  ])("never throws on arbitrary bytes from either side", (client, server, cuts) => {
    const s = new Pop3Session({ maxLineLength: 300 })
    s.fromClient(client)
    const events = feedServer(s, server, cuts)
    const raw = rawOf(events)
    // Only an STLS reply may cut the stream short.
    if (!events.some((e) => e._tag === "TlsReply")) expect(raw.equals(Buffer.from(server))).toBe(true)
  })
})
