// The relay client's command pipelining (RFC 2920) against our raw sink, which records what
// arrives in each read: MAIL, the RCPTs and DATA go out as one write when the downstream offers
// PIPELINING, one by one when it does not, and the replies are mapped to their commands in order
// whatever the downstream refuses or drops.
import { fc, test as propTest } from "@fast-check/vitest"
import { afterEach, describe, expect, test } from "vitest"
import { toClientReply } from "../../src/delivery/DeliveryError.ts"
import { SmtpRelayClient } from "../../src/delivery/SmtpRelayClient.ts"
import { chunks, RawSink, type RawSinkOptions, failure } from "./support/peers.ts"

const message = "Subject: pipelined\r\n\r\nHello\r\n"
const fast = { connectMs: 5000, greetingMs: 5000, commandMs: 5000, dataBlockMs: 5000, dataEndMs: 5000 }

const sinks: Array<RawSink> = []
afterEach(async () => {
  for (const s of sinks.splice(0)) await s.stop()
})

const connect = async (options: RawSinkOptions = {}) => {
  const sink = await RawSink.start(options)
  sinks.push(sink)
  const client = await SmtpRelayClient.connect({ host: "127.0.0.1", port: sink.port, timeouts: fast })
  return { sink, client }
}

const refuseUnknown = (r: string) => (r.startsWith("unknown") ? "550 5.1.1 no such user" : "250 2.1.5 ok")

describe("SmtpRelayClient with a downstream that offers PIPELINING", () => {
  test("a whole transaction: MAIL, every RCPT and DATA arrive in one read; the message follows the 354", async () => {
    const { sink, client } = await connect()
    expect(client.pipelining).toBe(true)
    const results = await client.transaction(
      "a@example.test",
      { size: 100 },
      ["b@example.test", "c@example.test"],
      chunks(message)
    )
    expect(results.map((r) => [r.recipient, r.accepted, r.reply.code])).toEqual([
      ["b@example.test", true, 250],
      ["c@example.test", true, 250]
    ])
    expect(sink.reads).toContain(
      "MAIL FROM:<a@example.test> SIZE=100\r\nRCPT TO:<b@example.test>\r\nRCPT TO:<c@example.test>\r\nDATA\r\n"
    )
    expect(sink.messages.map((m) => [m.mailFrom, m.rcptTo, m.raw.toString("latin1")])).toEqual([
      ["a@example.test", ["b@example.test", "c@example.test"], `${message}.\r\n`]
    ])
    expect(client.inTransaction).toBe(false)
    await client.quit()
  })

  test("begin: MAIL and its RCPTs in one read, each RCPT's own answer back; later RCPTs one by one", async () => {
    const { sink, client } = await connect({ rcptReply: refuseUnknown })
    const answered = await client.begin("a@example.test", {}, ["b@example.test", "unknown@example.test"])
    expect(answered.map((r) => [r.recipient, r.accepted, r.reply.code])).toEqual([
      ["b@example.test", true, 250],
      ["unknown@example.test", false, 550]
    ])
    expect(sink.reads).toContain(
      "MAIL FROM:<a@example.test>\r\nRCPT TO:<b@example.test>\r\nRCPT TO:<unknown@example.test>\r\n"
    )
    expect(client.inTransaction).toBe(true)
    expect((await client.rcptTo("d@example.test")).accepted).toBe(true)
    expect(client.acceptedRecipients).toEqual(["b@example.test", "d@example.test"])
    const delivered = await client.data(chunks(message))
    expect(delivered.map((r) => [r.recipient, r.accepted])).toEqual([
      ["b@example.test", true],
      ["d@example.test", true]
    ])
    expect(sink.messages.map((m) => m.rcptTo)).toEqual([["b@example.test", "d@example.test"]])
    await client.quit()
  })

  test("one RCPT refused in the batch: it gets its refusal, the others the reply after the message", async () => {
    const { sink, client } = await connect({ rcptReply: refuseUnknown })
    const results = await client.transaction(
      "a@example.test",
      {},
      ["b@example.test", "unknown@example.test", "c@example.test"],
      chunks(message)
    )
    expect(results.map((r) => [r.recipient, r.accepted, r.reply.code, r.reply.enhanced])).toEqual([
      ["b@example.test", true, 250, "2.0.0"],
      ["unknown@example.test", false, 550, "5.1.1"],
      ["c@example.test", true, 250, "2.0.0"]
    ])
    expect(sink.messages.map((m) => m.rcptTo)).toEqual([["b@example.test", "c@example.test"]])
    await client.quit()
  })

  test("every RCPT refused: the pipelined DATA is refused, no message is sent, the connection stays usable", async () => {
    const { sink, client } = await connect({ rcptReply: refuseUnknown })
    const results = await client.transaction("a@example.test", {}, ["unknown1@example.test"], chunks(message))
    expect(results.map((r) => [r.accepted, r.reply.code])).toEqual([[false, 550]])
    expect(sink.messages).toEqual([])
    // Still in step: the next transaction on the same connection gets its own replies.
    await client.reset()
    const next = await client.transaction("a@example.test", {}, ["b@example.test"], chunks(message))
    expect(next.map((r) => r.accepted)).toEqual([true])
    expect(sink.messages).toHaveLength(1)
    expect(sink.connections).toBe(1)
    await client.quit()
  })

  test("a refused MAIL throws after every reply of the group was read; the connection stays in step", async () => {
    const { sink, client } = await connect({ mailReply: () => "553 5.7.1 sender refused" })
    const e = await failure(client.transaction("bad@example.test", {}, ["b@example.test"], chunks(message)))
    expect([e.reason, e.reply?.code, e.temporary]).toEqual(["Rejected", 553, false])
    expect(client.usable).toBe(true)
    expect(client.inTransaction).toBe(false)
    expect(sink.messages).toEqual([])
    // The three replies (MAIL, RCPT, DATA) were all consumed: RSET now reads its own 250.
    await client.reset()
    expect(sink.commands.at(-1)).toBe("RSET")
    await client.quit()
  })

  test("a downstream that drops the connection mid-batch: a temporary error (4xx for the client), nothing sent", async () => {
    const { sink, client } = await connect({ dropOn: (line) => line === "RCPT TO:<c@example.test>" })
    const e = await failure(
      client.transaction("a@example.test", {}, ["b@example.test", "c@example.test"], chunks(message))
    )
    expect(e.reason).toBe("ConnectionLost")
    expect(e.temporary).toBe(true)
    expect(toClientReply(e).code).toBe(451)
    expect(client.usable).toBe(false)
    expect(sink.messages).toEqual([])
  })

  test("421 to the pipelined MAIL fails the connection at once (temporary)", async () => {
    const { client } = await connect({ mailReply: () => "421 4.3.2 going down" })
    const e = await failure(client.begin("a@example.test", {}, ["b@example.test"]))
    expect([e.reason, e.reply?.code, e.temporary]).toEqual(["Rejected", 421, true])
    expect(client.usable).toBe(false)
  })
})

describe("SmtpRelayClient with a downstream that does not offer PIPELINING", () => {
  test("each command is its own write and waits for its reply; the transaction still works", async () => {
    const { sink, client } = await connect({ extensions: ["SIZE 100000", "8BITMIME"], rcptReply: refuseUnknown })
    expect(client.pipelining).toBe(false)
    const results = await client.transaction(
      "a@example.test",
      {},
      ["b@example.test", "unknown@example.test"],
      chunks(message)
    )
    expect(results.map((r) => [r.recipient, r.accepted, r.reply.code])).toEqual([
      ["b@example.test", true, 250],
      ["unknown@example.test", false, 550]
    ])
    const commandReads = sink.reads.filter((r) => /^(MAIL|RCPT|DATA)/.test(r))
    expect(commandReads).toEqual([
      "MAIL FROM:<a@example.test>\r\n",
      "RCPT TO:<b@example.test>\r\n",
      "RCPT TO:<unknown@example.test>\r\n",
      "DATA\r\n"
    ])
    expect(sink.messages.map((m) => m.rcptTo)).toEqual([["b@example.test"]])
    await client.quit()
  })

  test("every RCPT refused: no DATA is sent at all", async () => {
    const { sink, client } = await connect({ extensions: [], rcptReply: refuseUnknown })
    const results = await client.transaction("a@example.test", {}, ["unknown@example.test"], chunks(message))
    expect(results.map((r) => r.accepted)).toEqual([false])
    expect(sink.commands).not.toContain("DATA")
    expect(client.inTransaction).toBe(true)
    await client.reset()
    expect(client.inTransaction).toBe(false)
    await client.quit()
  })
})

describe("SmtpRelayClient: pipelined replies map to their recipients", () => {
  propTest.prop(
    [
      fc.array(fc.constantFrom("250 2.1.5 ok", "550 5.1.1 no such user", "452 4.2.2 full"), {
        minLength: 1,
        maxLength: 12
      }),
      fc.boolean()
    ],
    { numRuns: 15 }
  )(
    "whatever the downstream accepts or refuses, pipelined or not: each recipient gets its own answer",
    async (answers, pipelining) => {
      const recipients = answers.map((_, i) => `r${i}@example.test`)
      const sink = await RawSink.start({
        extensions: pipelining ? ["PIPELINING"] : [],
        rcptReply: (r) => answers[Number(/^r(\d+)@/.exec(r)?.[1])]!
      })
      try {
        const client = await SmtpRelayClient.connect({ host: "127.0.0.1", port: sink.port, timeouts: fast })
        const results = await client.transaction("a@example.test", {}, recipients, chunks(message))
        const accepted = recipients.filter((_, i) => answers[i]!.startsWith("2"))
        expect(results.map((r) => [r.recipient, r.reply.code])).toEqual(
          recipients.map((r, i) => [r, answers[i]!.startsWith("2") ? 250 : Number(answers[i]!.slice(0, 3))])
        )
        expect(sink.messages.map((m) => m.rcptTo)).toEqual(accepted.length > 0 ? [accepted] : [])
        await client.quit()
      } finally {
        await sink.stop()
      }
    }
  )
})
