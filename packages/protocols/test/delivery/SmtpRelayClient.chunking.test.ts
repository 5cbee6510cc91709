// CHUNKING (RFC 3030) towards the downstream: a message held whole goes as one `BDAT <size> LAST`
// with its content in the same write, instead of DATA, its 354 and the dot-stuffed content.
// Against a real Postfix smtpd (which offers CHUNKING) for what a real server stores and logs, and
// against our raw sink for the exact bytes, refusals and the fallbacks to DATA.
import { fc, test as propTest } from "@fast-check/vitest"
import { afterAll, beforeAll, describe, expect, test } from "vitest"
import { toClientReply } from "../../src/delivery/DeliveryError.ts"
import { type MessageSource, SmtpRelayClient, send } from "../../src/delivery/SmtpRelayClient.ts"
import { decodeAll } from "../../src/smtp/DataDecoder.ts"
import { bytes, splitAt } from "../smtp/support/simulate.ts"
import { chunks, failure, RawSink } from "./support/peers.ts"
import { PostfixServer, postfixAvailable } from "./support/postfix.ts"

const fast = { connectMs: 5000, greetingMs: 5000, commandMs: 5000, dataBlockMs: 5000, dataEndMs: 5000 }
const headers =
  "From: a@client.test\r\nTo: u@example.test\r\nDate: Sun, 6 Dec 2026 03:00:00 +0000\r\nMessage-ID: <m@client.test>\r\n"

/** What a DATA receiver stores for `body`: line ends normalised, NULs removed, the last line closed. */
const stored = (body: Uint8Array): string => {
  // Line ends first, then NULs: a NUL between CR and LF separates them (two line ends).
  const text = Buffer.from(body)
    .toString("latin1")
    .replace(/\r\n|\r|\n/g, "\r\n")
    .replace(/\0/g, "")
  return text === "" || text.endsWith("\r\n") ? text : `${text}\r\n`
}

describe.skipIf(!postfixAvailable())("SmtpRelayClient against a real Postfix smtpd (CHUNKING offered)", () => {
  let postfix: PostfixServer
  beforeAll(async () => {
    postfix = await PostfixServer.start()
  }, 30_000)
  afterAll(() => postfix?.stop())

  test("a message held in memory goes as BDAT ... LAST; Postfix stores it byte for byte", async () => {
    const client = await SmtpRelayClient.connect({ host: "127.0.0.1", port: postfix.port, timeouts: fast })
    expect(client.advertised.has("CHUNKING")).toBe(true)
    const body = `${headers}Subject: chunked\r\n\r\n.a line with a leading dot\r\n..two\r\nno final line end`
    const [r] = await client.transaction("a@client.test", {}, ["u@example.test"], splitAt(bytes(body), [7, 90, 91]))
    await client.quit()
    expect([r?.accepted, r?.reply.code]).toEqual([true, 250])
    const [file] = await postfix.waitDelivered(1)
    // Postfix puts its own trace fields first; what follows is ours, dots single, the last line closed.
    expect(
      file!
        .replace(/\n/g, "\r\n")
        .endsWith(`${headers}Subject: chunked\r\n\r\n.a line with a leading dot\r\n..two\r\nno final line end\r\n`)
    ).toBe(true)
    expect(await postfix.logMatching(/disconnect from .* ehlo=1 mail=1 rcpt=1 bdat=1 quit=1 commands=5/)).toMatch(
      /disconnect from .* ehlo=1 mail=1 rcpt=1 bdat=1 quit=1 commands=5/
    )
  })

  test("a streamed message goes by DATA, on the same kind of connection", async () => {
    const before = postfix.delivered().length
    const body = `${headers}Subject: streamed\r\n\r\n.dot\r\n`
    const [r] = await send(
      { host: "127.0.0.1", port: postfix.port, timeouts: fast },
      { mailFrom: "a@client.test", rcptTo: ["u@example.test"] },
      chunks(body)
    )
    expect(r?.accepted).toBe(true)
    const files = await postfix.waitDelivered(before + 1)
    expect(files.some((f) => f.replace(/\n/g, "\r\n").endsWith(`Subject: streamed\r\n\r\n.dot\r\n`))).toBe(true)
    expect(await postfix.logMatching(/disconnect from .* ehlo=1 mail=1 rcpt=1 data=1 quit=1 commands=5/)).toMatch(
      /disconnect from .* ehlo=1 mail=1 rcpt=1 data=1 quit=1 commands=5/
    )
  })

  test("two held messages on one connection, the second after a refused recipient", async () => {
    const before = postfix.delivered().length
    const client = await SmtpRelayClient.connect({ host: "127.0.0.1", port: postfix.port, timeouts: fast })
    for (const subject of ["one", "two"]) {
      const results = await client.transaction(
        "a@client.test",
        {},
        ["u@example.test", "refused@example.test"],
        [bytes(`${headers}Subject: ${subject}\r\n\r\nbody\r\n`)]
      )
      expect(results.map((r) => [r.accepted, r.reply.code])).toEqual([
        [true, 250],
        [false, 554]
      ])
      expect(client.inTransaction).toBe(false)
    }
    await client.quit()
    const files = await postfix.waitDelivered(before + 2)
    expect(files.filter((f) => /Subject: (one|two)\n/.test(f))).toHaveLength(2)
    expect(await postfix.logMatching(/mail=2 rcpt=2\/4 bdat=2 quit=1 commands=8\/10/)).toMatch(
      /mail=2 rcpt=2\/4 bdat=2 quit=1 commands=8\/10/
    )
  })
})

describe("SmtpRelayClient: BDAT against our raw sink", () => {
  let sink: RawSink
  let refusing: RawSink
  beforeAll(async () => {
    const extensions = ["PIPELINING", "SIZE 100000000", "8BITMIME", "CHUNKING"]
    sink = await RawSink.start({ extensions })
    refusing = await RawSink.start({
      extensions,
      dataReply: (r) => (r.startsWith("full") ? "452 4.2.2 mailbox full" : "250 2.0.0 ok")
    })
  })
  afterAll(async () => {
    await sink?.stop()
    await refusing?.stop()
  })

  propTest.prop(
    [
      fc.uint8Array({ maxLength: 3000 }),
      fc.array(fc.nat(3000), { maxLength: 8 }),
      fc.array(fc.constantFrom(".", "\r", "\n", "\r\n", "\0", ".\r\n", "\r\n.\r\n"), { maxLength: 6 })
    ],
    { numRuns: 40 }
  )(
    "for any held body and parts: one BDAT whose size is its content, the content a DATA receiver would store",
    async (random, cuts, hostile) => {
      const body = Buffer.concat([Buffer.from(hostile.join(""), "latin1"), random])
      const before = sink.messages.length
      const [r] = await send(
        { host: "127.0.0.1", port: sink.port, timeouts: fast },
        { mailFrom: "", rcptTo: ["ok@example.test"] },
        splitAt(body, cuts)
      )
      expect(r?.accepted).toBe(true)
      const m = sink.messages[before]!
      expect(m.bdat).toEqual([`BDAT ${m.raw.length} LAST`])
      const text = m.raw.toString("latin1")
      expect(text).toBe(stored(body))
      // No CR or LF outside CRLF pairs, no NUL: the same guarantees as the DATA path.
      expect(/\r(?!\n)|(?<!\r)\n|\0/.test(text)).toBe(false)
      // The same content as the DATA path's wire bytes, once a DATA receiver decodes them.
      const viaData = Buffer.from(decodeAll([Buffer.from(await dataWire(body), "latin1")]).body).toString("latin1")
      expect(text).toBe(viaData)
    }
  )

  /** The DATA path's wire bytes for `body` (the same sink without CHUNKING). */
  const dataWire = async (body: Uint8Array): Promise<string> => {
    const plain = await RawSink.start()
    try {
      await send(
        { host: "127.0.0.1", port: plain.port, timeouts: fast },
        { mailFrom: "", rcptTo: ["ok@example.test"] },
        [body]
      )
      expect(plain.messages[0]!.bdat).toEqual([])
      return plain.messages[0]!.raw.toString("latin1")
    } finally {
      await plain.stop()
    }
  }

  test("the command and the content go in one write, after MAIL and RCPT's replies", async () => {
    const client = await SmtpRelayClient.connect({ host: "127.0.0.1", port: sink.port, timeouts: fast })
    const readsBefore = sink.reads.length
    await client.begin("a@client.test", {}, ["ok@example.test"])
    const [r] = await client.data([bytes("Subject: x\r\n\r\n"), bytes("body\r\n")])
    await client.quit()
    expect(r?.accepted).toBe(true)
    const reads = sink.reads.slice(readsBefore)
    expect(reads[0]).toBe("MAIL FROM:<a@client.test>\r\nRCPT TO:<ok@example.test>\r\n")
    expect(reads[1]).toBe("BDAT 20 LAST\r\nSubject: x\r\n\r\nbody\r\n")
    expect(sink.commands).not.toContain("DATA")
  })

  test("a refused BDAT is returned, not thrown, and the connection is reset before its next transaction", async () => {
    const client = await SmtpRelayClient.connect({ host: "127.0.0.1", port: refusing.port, timeouts: fast })
    const [r] = await client.transaction("a@client.test", {}, ["full@example.test"], [bytes("Subject: x\r\n\r\nb\r\n")])
    expect([r?.accepted, r?.reply.code, r?.reply.enhanced]).toEqual([false, 452, "4.2.2"])
    expect(client.inTransaction).toBe(true)
    await client.reset()
    const [again] = await client.transaction(
      "a@client.test",
      {},
      ["ok@example.test"],
      [bytes("Subject: y\r\n\r\nb\r\n")]
    )
    await client.quit()
    expect(again?.accepted).toBe(true)
    const after = refusing.commands.slice(refusing.commands.indexOf("BDAT 17 LAST"))
    expect(after.slice(0, 4)).toEqual([
      "BDAT 17 LAST",
      "RSET",
      "MAIL FROM:<a@client.test>",
      "RCPT TO:<ok@example.test>"
    ])
  })

  test("a downstream that drops the connection at the BDAT: ConnectionLost, temporary (451), never a result", async () => {
    const dropping = await RawSink.start({
      extensions: ["PIPELINING", "CHUNKING"],
      dropOn: (line) => line.startsWith("BDAT ")
    })
    try {
      const error = await failure(
        send(
          { host: "127.0.0.1", port: dropping.port, timeouts: fast },
          { mailFrom: "a@client.test", rcptTo: ["ok@example.test"] },
          [bytes("Subject: x\r\n\r\nb\r\n")]
        )
      )
      expect([error.reason, error.temporary, toClientReply(error).code]).toEqual(["ConnectionLost", true, 451])
      expect(dropping.messages).toEqual([])
    } finally {
      await dropping.stop()
    }
  })

  test("DATA instead: a streamed source, LMTP, or a server that does not offer CHUNKING", async () => {
    const held = (): MessageSource => [bytes("Subject: x\r\n\r\nb\r\n")]
    const plain = await RawSink.start()
    const lmtp = await RawSink.start({ lmtp: true, extensions: ["PIPELINING", "CHUNKING"] })
    try {
      for (const [port, protocol, source] of [
        [sink.port, "smtp", chunks("Subject: x\r\n\r\nb\r\n")],
        [lmtp.port, "lmtp", held()],
        [plain.port, "smtp", held()]
      ] as const) {
        const [r] = await send(
          { host: "127.0.0.1", port, protocol, timeouts: fast },
          { mailFrom: "", rcptTo: ["ok@example.test"] },
          source
        )
        expect(r?.accepted).toBe(true)
      }
      expect([sink.messages.at(-1)!.bdat, lmtp.messages[0]!.bdat, plain.messages[0]!.bdat]).toEqual([[], [], []])
      expect(plain.messages[0]!.raw.toString("latin1")).toBe("Subject: x\r\n\r\nb\r\n.\r\n")
    } finally {
      await plain.stop()
      await lmtp.stop()
    }
  })
})
