// The relay client against real peers on loopback: Postfix smtp-sink (plain, LMTP, fault flags),
// our raw sink (exact wire bytes, per-recipient LMTP replies) and our own SMTP server with
// STARTTLS (certificate verification).
import { fc, test as propTest } from "@fast-check/vitest"
import * as net from "node:net"
import { afterAll, beforeAll, describe, expect, test } from "vitest"
import { type DeliveryError, toClientReply } from "../../src/delivery/DeliveryError.ts"
import { type MessageSource, SmtpRelayClient, send } from "../../src/delivery/SmtpRelayClient.ts"
import { decodeAll } from "../../src/smtp/DataDecoder.ts"
import * as SmtpServer from "../../src/smtp/SmtpServer.ts"
import { chunks, freePort, makeCert, RawSink, SmtpSink, failure } from "./support/peers.ts"

const message = "From: a@example.test\r\nTo: b@example.test\r\nSubject: relay test\r\n\r\nHello\r\n.leading dot\r\n"
const fast = { connectMs: 5000, greetingMs: 5000, commandMs: 5000, dataBlockMs: 5000, dataEndMs: 5000 }

describe("SmtpRelayClient against smtp-sink", () => {
  let sink: SmtpSink
  beforeAll(async () => {
    sink = await SmtpSink.start()
  })
  afterAll(() => sink?.stop())

  test("delivers one message; smtp-sink dumps it with our envelope and the unstuffed body", async () => {
    const before = sink.delivered()
    const results = await send(
      { host: "127.0.0.1", port: sink.port, heloName: "relay.test", timeouts: fast },
      { mailFrom: "a@example.test", rcptTo: ["b@example.test", "c@example.test"], size: message.length },
      chunks(message)
    )
    expect(results.map((r) => [r.recipient, r.accepted, r.reply.code])).toEqual([
      ["b@example.test", true, 250],
      ["c@example.test", true, 250]
    ])
    expect(sink.delivered()).toBe(before + 1)
    const dump = sink.dumpWith("X-Rcpt-Args: <c@example.test>")
    expect(dump).toContain("X-Helo-Args: relay.test\n")
    // smtp-sink does not advertise SIZE, so none is sent
    expect(dump).toContain("X-Mail-Args: <a@example.test>\n")
    expect(dump).toContain("X-Rcpt-Args: <b@example.test>\n")
    expect(dump).toContain("Subject: relay test\n\nHello\n.leading dot\n")
  })

  test("step by step: two transactions on one connection, RSET in between", async () => {
    const before = sink.delivered()
    const client = await SmtpRelayClient.connect({ host: "127.0.0.1", port: sink.port, timeouts: fast })
    expect(client.advertised.has("PIPELINING")).toBe(true)
    await client.mailFrom("a@example.test")
    await client.rcptTo("x@example.test")
    await client.reset()
    expect(client.acceptedRecipients).toEqual([])
    await client.mailFrom("a@example.test")
    await client.rcptTo("y@example.test")
    const [r] = await client.data(chunks(message))
    expect(r?.accepted).toBe(true)
    await client.quit()
    expect(sink.delivered()).toBe(before + 1)
  })

  test("tls: required fails (temporarily) against a server without STARTTLS; starttls stays in clear", async () => {
    const e = await failure(
      SmtpRelayClient.connect({ host: "127.0.0.1", port: sink.port, tls: "required", timeouts: fast })
    )
    expect(e.reason).toBe("TlsFailed")
    expect(e.temporary).toBe(true)
    const client = await SmtpRelayClient.connect({
      host: "127.0.0.1",
      port: sink.port,
      tls: "starttls",
      timeouts: fast
    })
    expect(client.tls).toBe(false)
    await client.quit()
  })
})

describe("SmtpRelayClient: downstream faults (smtp-sink fault flags)", () => {
  const run = async (flags: ReadonlyArray<string>) => {
    const sink = await SmtpSink.start(flags)
    try {
      const outcome = await send(
        { host: "127.0.0.1", port: sink.port, timeouts: fast },
        { mailFrom: "a@example.test", rcptTo: ["b@example.test"] },
        chunks(message)
      ).then(
        (results) => ({ results, error: undefined }),
        (error: unknown) => ({ results: undefined, error: error as DeliveryError })
      )
      return { ...outcome, delivered: sink.delivered() }
    } finally {
      await sink.stop()
    }
  }

  // smtp-sink may dump a transaction it refused, so dump counts are asserted only where every
  // transaction was accepted; here the replies are what matter.
  test("-Q DATA (421 at DATA): temporary, 451 to our client", async () => {
    const { error } = await run(["-Q", "DATA"])
    expect(error?.reason).toBe("Rejected")
    expect(error?.temporary).toBe(true)
    expect(toClientReply(error).code).toBe(451)
  })

  test("-Q . (421 after the data): temporary", async () => {
    const { error, results } = await run(["-Q", "."])
    // smtp-sink answers 421 to the dot: a final reply, temporary
    const code = error !== undefined ? toClientReply(error).code : results?.[0]?.reply.code
    expect(code).toBeGreaterThanOrEqual(400)
    expect(code).toBeLessThan(500)
    expect(results?.[0]?.accepted ?? false).toBe(false)
  })

  test("-q . (disconnect without a reply after the data): ConnectionLost, temporary", async () => {
    const { error } = await run(["-q", "."])
    expect(error?.reason).toBe("ConnectionLost")
    expect(error?.temporary).toBe(true)
    expect(toClientReply(error).code).toBe(451)
  })

  test("-r . (4xx to the data): not accepted, 4xx", async () => {
    const { results } = await run(["-r", "."])
    expect(results?.[0]?.accepted).toBe(false)
    expect(results?.[0]?.reply.code).toBe(450)
  })

  test("-f . (5xx to the data): not accepted, 5xx", async () => {
    const { results } = await run(["-f", "."])
    expect(results?.[0]?.accepted).toBe(false)
    expect(results?.[0]?.reply.code).toBe(500)
  })

  test("-f RCPT: every recipient refused, reported per recipient", async () => {
    // (smtp-sink may still dump the refused transaction, so its dump count is not asserted)
    const { results } = await run(["-f", "RCPT"])
    expect(results?.map((r) => [r.accepted, r.reply.code])).toEqual([[false, 500]])
  })

  test("-f MAIL: permanent Rejected", async () => {
    const { error } = await run(["-f", "MAIL"])
    expect(error?.reason).toBe("Rejected")
    expect(error?.temporary).toBe(false)
    expect(toClientReply(error).code).toBe(500)
  })

  test("LMTP (-L): one reply per recipient after the data", async () => {
    const sink = await SmtpSink.start(["-L"])
    try {
      const results = await send(
        { host: "127.0.0.1", port: sink.port, protocol: "lmtp", timeouts: fast },
        { mailFrom: "a@example.test", rcptTo: ["b@example.test", "c@example.test"] },
        chunks(message)
      )
      expect(results.map((r) => r.accepted)).toEqual([true, true])
      expect(sink.delivered()).toBe(1)
      expect(sink.dumps()[0]).toContain("X-Client-Proto: LMTP")
    } finally {
      await sink.stop()
    }
  })
})

describe("SmtpRelayClient: connection failures and timeouts", () => {
  test("connection refused: ConnectFailed, temporary (451 4.4.1)", async () => {
    const port = await freePort()
    const e = await failure(SmtpRelayClient.connect({ host: "127.0.0.1", port, timeouts: fast }))
    expect(e.reason).toBe("ConnectFailed")
    expect(toClientReply(e)).toMatchObject({ code: 451, enhanced: "4.4.1" })
  })

  test("a server that never greets: Timeout", async () => {
    const silent = net.createServer(() => undefined)
    await new Promise<void>((r) => silent.listen(0, "127.0.0.1", r))
    try {
      const port = (silent.address() as net.AddressInfo).port
      const e = await failure(
        SmtpRelayClient.connect({ host: "127.0.0.1", port, timeouts: { ...fast, greetingMs: 300 } })
      )
      expect(e.reason).toBe("Timeout")
      expect(e.temporary).toBe(true)
    } finally {
      silent.close()
    }
  })

  test("a server that answers garbage: Protocol, temporary", async () => {
    const rude = net.createServer((s) => s.end("HTTP/1.1 400 Bad Request\r\n\r\n"))
    await new Promise<void>((r) => rude.listen(0, "127.0.0.1", r))
    try {
      const port = (rude.address() as net.AddressInfo).port
      const e = await failure(SmtpRelayClient.connect({ host: "127.0.0.1", port, timeouts: fast }))
      expect(["Protocol", "ConnectionLost"]).toContain(e.reason)
      expect(e.temporary).toBe(true)
    } finally {
      rude.close()
    }
  })
})

describe("SmtpRelayClient: wire bytes and LMTP per recipient (raw sink)", () => {
  let sink: RawSink
  beforeAll(async () => {
    sink = await RawSink.start({
      lmtp: true,
      rcptReply: (r) => (r.startsWith("unknown") ? "550 5.1.1 no such user" : "250 2.1.5 ok"),
      dataReply: (r) =>
        r.startsWith("full") ? "452 4.2.2 mailbox full" : r.startsWith("bad") ? "554 5.6.0 no" : "250 2.0.0 ok"
    })
  })
  afterAll(() => sink?.stop())

  test("LMTP: RCPT refusals and per-recipient final replies are reported per recipient", async () => {
    const results = await send(
      { host: "127.0.0.1", port: sink.port, protocol: "lmtp", timeouts: fast },
      {
        mailFrom: "a@example.test",
        rcptTo: ["ok@example.test", "unknown@example.test", "full@example.test", "bad@example.test"]
      },
      chunks(message)
    )
    expect(results.map((r) => [r.recipient, r.accepted, r.reply.code, r.reply.enhanced])).toEqual([
      ["ok@example.test", true, 250, "2.0.0"],
      ["unknown@example.test", false, 550, "5.1.1"],
      ["full@example.test", false, 452, "4.2.2"],
      ["bad@example.test", false, 554, "5.6.0"]
    ])
    expect(sink.commands.some((c) => c.startsWith("LHLO "))).toBe(true)
  })

  test("every recipient refused: the pipelined DATA is refused and no message is sent", async () => {
    const before = sink.messages.length
    const results = await send(
      { host: "127.0.0.1", port: sink.port, protocol: "lmtp", timeouts: fast },
      { mailFrom: "a@example.test", rcptTo: ["unknown1@example.test", "unknown2@example.test"] },
      chunks(message)
    )
    expect(results.map((r) => [r.accepted, r.reply.code])).toEqual([
      [false, 550],
      [false, 550]
    ])
    expect(sink.messages.length).toBe(before)
  })

  test("SIZE and BODY=8BITMIME are sent when advertised", async () => {
    await send(
      { host: "127.0.0.1", port: sink.port, protocol: "lmtp", timeouts: fast },
      { mailFrom: "a@example.test", rcptTo: ["ok@example.test"], size: 1234, eightBitMime: true, smtputf8: true },
      chunks(message)
    )
    // the raw sink advertises SIZE and 8BITMIME, not SMTPUTF8
    expect(sink.commands).toContain("MAIL FROM:<a@example.test> SIZE=1234 BODY=8BITMIME")
  })

  const smuggling = [
    "A\n.\r\nMAIL FROM:<x>\r\n",
    "A\n.\nB",
    "A\r.\rB",
    "A\r\n.\rB",
    "A\r\n\x00.\r\nB",
    "A\n..\r\nB",
    ".\r\n",
    "\r\n.\r\n",
    "..\n",
    "x\r"
  ]

  test("smuggling forms are neutralised on the wire (bare CR/LF, NUL, dot lines)", async () => {
    for (const body of smuggling) {
      const before = sink.messages.length
      await send(
        { host: "127.0.0.1", port: sink.port, protocol: "lmtp", timeouts: fast },
        { mailFrom: "a@example.test", rcptTo: ["ok@example.test"] },
        chunks(body)
      )
      expect(sink.messages.length).toBe(before + 1)
      assertCleanWire(sink.messages.at(-1)!.raw)
    }
    // A3: "A\n..\r\nB" goes out re-stuffed as "A\r\n..\r\nB", never "A\n.\r\nB".
    const i = smuggling.indexOf("A\n..\r\nB")
    expect(sink.messages.at(-(smuggling.length - i))!.raw.toString("latin1")).toBe("A\r\n...\r\nB\r\n.\r\n")
  })

  propTest.prop([fc.uint8Array({ maxLength: 3000 }), fc.array(fc.nat(3000), { maxLength: 8 })], { numRuns: 25 })(
    "for any body and chunking: no bare CR/LF/NUL on the wire, dot-stuffed, and it decodes back",
    async (body, cuts) => {
      const points = [...new Set(cuts.map((c) => c % (body.length + 1)))].sort((a, b) => a - b)
      const parts: Array<Uint8Array> = []
      let prev = 0
      for (const p of [...points, body.length]) {
        parts.push(body.subarray(prev, p))
        prev = p
      }
      const before = sink.messages.length
      await send(
        { host: "127.0.0.1", port: sink.port, protocol: "lmtp", timeouts: fast },
        { mailFrom: "", rcptTo: ["ok@example.test"] },
        chunks(...parts)
      )
      const raw = sink.messages[before]!.raw
      assertCleanWire(raw)
      // What the downstream decodes is our body with its line ends normalised and NULs removed.
      const expected = Buffer.from(body.filter((b) => b !== 0))
        .toString("latin1")
        .replace(/\r\n|\r|\n/g, "\r\n")
      const decoded = Buffer.from(decodeAll([raw]).body).toString("latin1")
      expect(decoded).toBe(expected === "" || expected.endsWith("\r\n") ? expected : `${expected}\r\n`)
    }
  )

  propTest.prop(
    [
      fc.array(fc.oneof(fc.uint8Array({ maxLength: 2000 }), fc.constant(new Uint8Array(70_000).fill(0x2e))), {
        maxLength: 5
      })
    ],
    { numRuns: 15 }
  )(
    "a message held in memory (a plain iterable) goes on the wire byte for byte as the same parts streamed",
    async (parts) => {
      const sent = async (source: MessageSource) => {
        const before = sink.messages.length
        await send(
          { host: "127.0.0.1", port: sink.port, protocol: "lmtp", timeouts: fast },
          { mailFrom: "", rcptTo: ["ok@example.test"] },
          source
        )
        return sink.messages[before]!.raw.toString("latin1")
      }
      // Parts of 70,000 dots fill a write batch (64 KiB) in the middle of the message.
      expect(await sent(parts)).toBe(await sent(chunks(...parts)))
    }
  )
})

/** No CR or LF outside CRLF, no NUL, no line "." except the final terminator. */
const assertCleanWire = (raw: Buffer): void => {
  const text = raw.toString("latin1")
  expect(text.endsWith("\r\n.\r\n") || text === ".\r\n").toBe(true)
  expect(text.includes("\0")).toBe(false)
  expect(/\r(?!\n)|(?<!\r)\n/.test(text)).toBe(false)
  const lines = text.split("\r\n").slice(0, -2)
  expect(lines.includes(".")).toBe(false)
  for (const line of lines) if (line.startsWith(".")) expect(line.startsWith("..")).toBe(true)
}

describe("SmtpRelayClient: STARTTLS against our own server", () => {
  const { key, cert } = makeCert()
  let server: SmtpServer.SmtpServerHandle
  const received: Array<string> = []
  beforeAll(async () => {
    server = await SmtpServer.listen(
      { hostname: "downstream.test", tls: { key, cert } },
      {
        onData: async (session, _envelope, spool) => {
          let body = ""
          for await (const c of spool.stream()) body += Buffer.from(c).toString("latin1")
          received.push(`${session.tls}:${body}`)
          return { code: 250, enhanced: "2.0.0", text: "queued" }
        }
      }
    )
  })
  afterAll(() => server?.close({ graceful: false }))

  test("tls: required, certificate verified against the CA and the name: delivered over TLS", async () => {
    const client = await SmtpRelayClient.connect({
      host: "127.0.0.1",
      port: server.address.port,
      tls: "required",
      servername: "localhost",
      ca: cert,
      timeouts: fast
    })
    expect(client.tls).toBe(true)
    await client.mailFrom("a@example.test")
    await client.rcptTo("b@example.test")
    const [r] = await client.data(chunks(message))
    await client.quit()
    expect(r?.accepted).toBe(true)
    expect(received.at(-1)).toBe(`true:${message}`)
  })

  test("tls: starttls with an untrusted certificate fails closed (no fallback to clear text)", async () => {
    const before = received.length
    const e = await failure(
      SmtpRelayClient.connect({ host: "127.0.0.1", port: server.address.port, tls: "starttls", timeouts: fast })
    )
    expect(e.reason).toBe("TlsFailed")
    expect(e.temporary).toBe(true)
    expect(received.length).toBe(before)
  })

  test("tls: required with the wrong name fails", async () => {
    const e = await failure(
      SmtpRelayClient.connect({
        host: "127.0.0.1",
        port: server.address.port,
        tls: "required",
        servername: "mx.other.test",
        ca: cert,
        timeouts: fast
      })
    )
    expect(e.reason).toBe("TlsFailed")
    expect(e.message).toMatch(/mx\.other\.test|altnames|Hostname/i)
  })
})
