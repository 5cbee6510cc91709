// The pure session driven with client writes (P15): replies asserted, no sockets.
import { describe, expect, it } from "vitest"
import { initialState, Reply, Session } from "../../src/smtp/index.ts"
import { baseConfig, simulate } from "./support/simulate.ts"

const txn = ["EHLO client.test\r\n", "MAIL FROM:<s@a.test>\r\n", "RCPT TO:<r@b.test>\r\n", "DATA\r\n"]

describe("Session", () => {
  it("greets, advertises extensions and accepts a message", () => {
    const sim = simulate([...txn, "Subject: hi\r\n\r\nbody\r\n.\r\n", "QUIT\r\n"])
    expect(sim.codes).toEqual([220, 250, 250, 250, 354, 250, 221])
    expect(sim.wire).toContain(
      "250-PIPELINING\r\n250-SIZE 1000\r\n250-8BITMIME\r\n250-SMTPUTF8\r\n250-ENHANCEDSTATUSCODES\r\n250 STARTTLS\r\n"
    )
    expect(sim.wire).not.toContain("AUTH")
    expect(sim.closed).toBe(true)
    expect(sim.messages).toHaveLength(1)
    expect(sim.messages[0]!.body).toBe("Subject: hi\r\n\r\nbody\r\n")
    expect(sim.messages[0]!.envelope).toMatchObject({
      clientAddress: "192.0.2.1",
      helo: "client.test",
      mailFrom: "s@a.test",
      rcptTo: ["r@b.test"],
      tls: false,
      receivedAt: 1000
    })
  })

  it("answers every reply with an enhanced status code except greeting, EHLO and 354", () => {
    const sim = simulate([...txn, "x\r\n.\r\n", "NOOP\r\n", "VRFY u\r\n", "HELP\r\n", "RSET\r\n", "QUIT\r\n"])
    const lines = sim.wire.split("\r\n").filter((l) => l !== "" && !/^(220|250-|354)/.test(l))
    for (const l of lines.filter((l) => !l.startsWith("250 STARTTLS"))) expect(l).toMatch(/^\d{3}[ -][245]\.\d+\.\d+ /)
    expect(sim.codes).toEqual([220, 250, 250, 250, 354, 250, 250, 252, 214, 250, 221])
  })

  it("enforces command order", () => {
    const sim = simulate([
      "MAIL FROM:<a@b.test>\r\n",
      "HELO x\r\n",
      "RCPT TO:<a@b.test>\r\n",
      "DATA\r\n",
      "MAIL FROM:<a@b.test>\r\n",
      "DATA\r\n",
      "MAIL FROM:<c@d.test>\r\n"
    ])
    // The fifth error reaches maxBadCommands (5): the reply is followed by 421 and close.
    expect(sim.codes).toEqual([220, 503, 250, 503, 503, 250, 554, 503, 421])
    expect(sim.closed).toBe(true)
  })

  it("pipelines MAIL/RCPT but rejects input sent after DATA before 354 (554 5.5.0, close)", () => {
    const ok = simulate(["EHLO c\r\n", "MAIL FROM:<a@b.test>\r\nRCPT TO:<c@d.test>\r\nDATA\r\n", "x\r\n.\r\n"])
    expect(ok.codes).toEqual([220, 250, 250, 250, 354, 250])
    const abuse = simulate([
      "EHLO c\r\n",
      "MAIL FROM:<a@b.test>\r\nRCPT TO:<c@d.test>\r\nDATA\r\nSubject: early\r\n\r\n.\r\n"
    ])
    expect(abuse.codes).toEqual([220, 250, 250, 250, 554])
    expect(abuse.replies.at(-1)).toMatchObject({ enhanced: "5.5.0" })
    expect(abuse.closed).toBe(true)
    expect(abuse.messages).toHaveLength(0)
  })

  it("rejects pipelining when it was not negotiated (HELO, or before the EHLO reply)", () => {
    const helo = simulate(["HELO c\r\n", "MAIL FROM:<a@b.test>\r\nRCPT TO:<c@d.test>\r\n"])
    expect(helo.codes).toEqual([220, 250, 554])
    expect(helo.replies.at(-1)).toMatchObject({ enhanced: "5.5.0" })
    expect(helo.closed).toBe(true)
    expect(helo.requests.filter((r) => r._tag === "MailFrom")).toHaveLength(0)
    expect(simulate(["EHLO c\r\nMAIL FROM:<a@b.test>\r\n"]).codes).toEqual([220, 554])
    expect(simulate(["HELO c\r\n", "MAIL FROM:<a@b.test>\r\n", "RCPT TO:<c@d.test>\r\n"]).codes).toEqual([
      220, 250, 250, 250
    ])
  })

  it("one DATA with a smuggled transaction gives exactly one message", () => {
    const sim = simulate([
      ...txn,
      "Subject: x\r\n\r\nA\n.\r\nMAIL FROM:<spoof@victim.test>\r\nRCPT TO:<u@local.test>\r\nDATA\r\nFrom: ceo@victim.test\r\n\r\nB\r\n.\r\n",
      "QUIT\r\n"
    ])
    expect(sim.messages).toHaveLength(1)
    expect(sim.codes).toEqual([220, 250, 250, 250, 354, 250, 221])
  })

  it("rejects bare line endings in DATA with 550 5.5.2 in reject mode, keeps the session", () => {
    const sim = simulate([...txn, "A\n.\r\nB\r\n.\r\n", "NOOP\r\n"], { config: { bareLineEndings: "reject" } })
    expect(sim.codes).toEqual([220, 250, 250, 250, 354, 550, 250])
    expect(sim.replies[5]).toMatchObject({ enhanced: "5.5.2" })
    expect(sim.messages).toHaveLength(0)
    expect(sim.aborted).toBe(1)
  })

  it("accepts bare-LF commands when normalising and rejects them in reject mode", () => {
    expect(simulate(["EHLO a\n", "NOOP\n"]).codes).toEqual([220, 250, 250])
    expect(simulate(["EHLO a\n"], { config: { bareLineEndings: "reject" } }).codes).toEqual([220, 500])
  })

  it("checks SIZE at MAIL and the real size after the dot (552 5.3.4)", () => {
    expect(simulate(["EHLO a\r\n", "MAIL FROM:<a@b.test> SIZE=1001\r\n"]).codes).toEqual([220, 250, 552])
    const sim = simulate([...txn, `${"x".repeat(2000)}\r\n.\r\n`, "NOOP\r\n"])
    expect(sim.codes).toEqual([220, 250, 250, 250, 354, 552, 250])
    expect(sim.messages).toHaveLength(0)
  })

  it("a spool failure during DATA gives 451 4.3.0 after the dot, and no onData", () => {
    const sim = simulate([...txn, "x\r\n.\r\n", "NOOP\r\n"], { storeFailed: true })
    expect(sim.codes).toEqual([220, 250, 250, 250, 354, 451, 250])
    expect(sim.replies[5]).toMatchObject({ enhanced: "4.3.0" })
    expect(sim.messages).toHaveLength(0)
    expect(sim.aborted).toBe(1)
  })

  it("validates ESMTP params", () => {
    const sim = simulate([
      "EHLO a\r\n",
      "MAIL FROM:<a@b.test> BODY=BINARYMIME\r\n",
      "MAIL FROM:<a@b.test> FOO=1\r\n",
      "MAIL FROM:<a@b.test> BODY=8BITMIME AUTH=<>\r\n",
      "RCPT TO:<c@d.test> NOTIFY=NEVER\r\n"
    ])
    expect(sim.codes).toEqual([220, 250, 501, 555, 250, 555])
    expect(simulate(["HELO a\r\n", "MAIL FROM:<a@b.test> SIZE=10\r\n"]).codes).toEqual([220, 250, 555])
  })

  it("requires SMTPUTF8 for non-ASCII addresses (553 5.6.7)", () => {
    const sim = simulate([
      "EHLO a\r\n",
      "MAIL FROM:<ü@b.test>\r\n",
      "MAIL FROM:<a@b.test>\r\n",
      "RCPT TO:<ü@b.test>\r\n",
      "RSET\r\n",
      "MAIL FROM:<ü@b.test> SMTPUTF8\r\n",
      "RCPT TO:<ü@b.test>\r\n"
    ])
    expect(sim.codes).toEqual([220, 250, 553, 250, 553, 250, 250, 250])
    expect(sim.replies[2]).toMatchObject({ enhanced: "5.6.7" })
  })

  it("limits recipients with 452 4.5.3", () => {
    const rcpts = ["a", "b", "c", "d"].map((x) => `RCPT TO:<${x}@b.test>\r\n`)
    const sim = simulate(["EHLO a\r\n", "MAIL FROM:<s@a.test>\r\n", ...rcpts])
    expect(sim.codes).toEqual([220, 250, 250, 250, 250, 250, 452])
    expect(sim.replies.at(-1)).toMatchObject({ enhanced: "4.5.3" })
  })

  it("closes with 421 after too many bad commands", () => {
    const sim = simulate(["FOO\r\n", "BAR\r\n", "MAIL FROM:<>\r\n", "\r\n", "BAZ\r\n", "NOOP\r\n"])
    expect(sim.codes).toEqual([220, 500, 500, 503, 500, 500, 421])
    expect(sim.closed).toBe(true)
  })

  it("closes on HTTP and on an overlong line", () => {
    expect(simulate(["GET / HTTP/1.1\r\n"]).codes).toEqual([220, 421])
    const long = simulate([`NOOP ${"x".repeat(600)}\r\n`])
    expect(long.codes).toEqual([220, 500])
    expect(long.replies[1]).toMatchObject({ enhanced: "5.5.2", text: "Line too long" })
    expect(long.closed).toBe(true)
  })

  it("turns a rejecting onConnect into its reply + close, and an early talker into 554", () => {
    const rejected = simulate(["EHLO a\r\n"], {
      connect: { _tag: "ConnectAnswered", reply: Reply.make(554, "5.7.1", "Go away"), earlyTalker: false }
    })
    expect(rejected.codes).toEqual([554])
    expect(rejected.closed).toBe(true)
    const early = simulate([], { connect: { _tag: "ConnectAnswered", reply: undefined, earlyTalker: true } })
    expect(early.codes).toEqual([554])
  })

  it("sends handler replies (sanitised) and never 250 when a handler fails", () => {
    const sim = simulate([...txn.slice(0, 3), "RCPT TO:<x@b.test>\r\n", "DATA\r\n", "x\r\n.\r\n"], {
      answer: (req) =>
        req._tag === "RcptTo" && req.recipient === "r@b.test"
          ? { _tag: "Answered", reply: { code: 550, enhanced: "5.1.1", text: "No such user\r\n250 fake" } }
          : req._tag === "Data"
            ? { _tag: "HandlerFailed", reason: "boom" }
            : undefined
    })
    expect(sim.codes).toEqual([220, 250, 250, 550, 250, 354, 451])
    expect(sim.wire).toContain("550-5.1.1 No such user\r\n550 5.1.1 250 fake\r\n")
    expect(sim.replies.at(-1)).toMatchObject({ code: 451, enhanced: "4.3.0" })
  })

  it("maps a MAIL handler failure to 451 and a nonsense handler code to 451", () => {
    const sim = simulate(["EHLO a\r\n", "MAIL FROM:<a@b.test>\r\n", "MAIL FROM:<a@b.test>\r\n"], {
      answer: (req) => (req._tag === "MailFrom" ? { _tag: "Answered", reply: { code: 999, text: "?" } } : undefined)
    })
    expect(sim.codes).toEqual([220, 250, 451, 451])
  })

  it("STARTTLS: rejects args, forgets EHLO, refuses a second STARTTLS", () => {
    const sim = simulate([
      "EHLO a\r\n",
      "STARTTLS now\r\n",
      "STARTTLS\r\n",
      "MAIL FROM:<a@b.test>\r\n",
      "EHLO a\r\n",
      "STARTTLS\r\n"
    ])
    expect(sim.codes).toEqual([220, 250, 501, 220, 503, 250, 503])
    expect(sim.replies[3]).toMatchObject({ enhanced: "2.0.0" })
    const ehloInTls = sim.replies[5]!.text
    expect(ehloInTls).not.toContain("STARTTLS")
    expect(ehloInTls).toContain("AUTH PLAIN LOGIN")
  })

  it("STARTTLS: plaintext pipelined after the command is never executed", () => {
    const sim = simulate(["EHLO a\r\n", "STARTTLS\r\nMAIL FROM:<injected@evil.test>\r\n", "EHLO a\r\n"])
    expect(sim.codes).toEqual([220, 250, 220, 250])
    expect(sim.requests.filter((r) => r._tag === "MailFrom")).toHaveLength(0)
  })

  it("AUTH only inside TLS (538 5.7.11 before)", () => {
    const sim = simulate(["EHLO a\r\n", "AUTH PLAIN AHVzZXIAc2VjcmV0\r\n"])
    expect(sim.codes).toEqual([220, 250, 538])
    expect(sim.requests.filter((r) => r._tag === "Auth")).toHaveLength(0)
  })

  it("AUTH PLAIN and LOGIN inside TLS; flags and user reach the envelope", () => {
    const plain = Buffer.from("\u0000user\u0000secret").toString("base64")
    const sim = simulate(
      [
        "EHLO a\r\n",
        "STARTTLS\r\n",
        "EHLO a\r\n",
        `AUTH PLAIN ${plain}\r\n`,
        "AUTH PLAIN\r\n",
        ...txn.slice(1),
        "x\r\n.\r\n"
      ],
      {
        answer: (req) =>
          req._tag === "Auth" ? { _tag: "AuthAnswered", result: { ok: true, flags: ["bypassAntispam"] } } : undefined
      }
    )
    expect(sim.codes).toEqual([220, 250, 220, 250, 235, 503, 250, 250, 354, 250])
    const env = sim.messages[0]!.envelope
    expect(env).toMatchObject({ tls: true, authenticatedUser: "user" })
    expect([...env.sessionFlags]).toEqual(["bypassAntispam"])

    const b64 = (s: string) => Buffer.from(s).toString("base64")
    const login = simulate([
      "EHLO a\r\n",
      "STARTTLS\r\n",
      "EHLO a\r\n",
      "AUTH LOGIN\r\n",
      `${b64("user")}\r\n`,
      `${b64("wrong")}\r\n`,
      `AUTH LOGIN ${b64("user")}\r\n`,
      `${b64("secret")}\r\n`
    ])
    expect(login.codes).toEqual([220, 250, 220, 250, 334, 334, 535, 334, 235])
    expect(login.wire).toContain("334 VXNlcm5hbWU6\r\n")
  })

  it("AUTH: cancel, bad base64, unknown mechanism", () => {
    const sim = simulate([
      "EHLO a\r\n",
      "STARTTLS\r\n",
      "EHLO a\r\n",
      "AUTH PLAIN\r\n",
      "*\r\n",
      "AUTH PLAIN !!!\r\n",
      "AUTH CRAM-MD5\r\n"
    ])
    expect(sim.codes).toEqual([220, 250, 220, 250, 334, 501, 501, 504])
  })

  it("QUIT marks the client done only when nothing was pipelined behind it", () => {
    const line = (text: string, pipelined: boolean) =>
      ({ _tag: "Line", line: new TextEncoder().encode(text), bareLf: false, pipelined, at: 0 }) as const
    const facts = { id: "t1", clientAddress: "192.0.2.1", clientPort: 4000, localAddress: "127.0.0.1", localPort: 25 }
    let state = initialState(baseConfig, facts)
    state = Session.step(state, { _tag: "ConnectAnswered", reply: undefined, earlyTalker: false }).state
    state = Session.step(state, line("EHLO a", false)).state
    const alone = Session.step(state, line("QUIT", false))
    expect(alone.replies.map((r) => r.code)).toEqual([221])
    expect(alone).toMatchObject({ close: true, clientDone: true })
    const followed = Session.step(state, line("QUIT", true))
    expect(followed.replies.map((r) => r.code)).toEqual([221])
    expect(followed).toMatchObject({ close: true, clientDone: false })
    // Every other closing reply keeps the wait for the client.
    expect(Session.step(state, { _tag: "IdleTimeout" }).clientDone).toBeUndefined()
  })

  it("RSET and QUIT abort an open transaction", () => {
    const sim = simulate(["EHLO a\r\n", "MAIL FROM:<a@b.test>\r\n", "RSET\r\n", "MAIL FROM:<a@b.test>\r\n", "QUIT\r\n"])
    expect(sim.codes).toEqual([220, 250, 250, 250, 250, 221])
    expect(sim.aborted).toBe(2)
  })
})

describe("command counting", () => {
  it("counts a command line and keeps every other field of the state", () => {
    const facts = { id: "c1", clientAddress: "192.0.2.1", clientPort: 1, localAddress: "192.0.2.2", localPort: 25 }
    const connected = Session.step(initialState(baseConfig, facts), { _tag: "Connected" }).state
    const s = Session.step(connected, { _tag: "ConnectAnswered", reply: undefined, earlyTalker: false }).state
    const line = {
      _tag: "Line" as const,
      line: new TextEncoder().encode("NOOP"),
      bareLf: false,
      pipelined: false,
      at: 0
    }
    const once = Session.step(s, line).state
    expect(once).toStrictEqual({ ...s, commands: s.commands + 1 })
    expect(Session.step(once, line).state).toStrictEqual({ ...s, commands: s.commands + 2 })
  })
})
