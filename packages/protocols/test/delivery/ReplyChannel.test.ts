import * as net from "node:net"
import { afterEach, describe, expect, test, vi } from "vitest"
import { DeliveryError } from "../../src/delivery/DeliveryError.ts"
import { ReplyChannel } from "../../src/delivery/ReplyChannel.ts"

// A real pause between two writes (the bytes arrive in two reads), also while the test's clock runs
// the channel's timers.
const realSetTimeout = globalThis.setTimeout
const sleep = (ms: number) => new Promise((r) => realSetTimeout(r, ms))

/** A loopback pair: our channel on one end, the test's server socket (the downstream) on the other. */
const pair = async (): Promise<{ channel: ReplyChannel; downstream: net.Socket; close: () => void }> => {
  const server = net.createServer()
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r))
  const accepted = new Promise<net.Socket>((r) => server.once("connection", r))
  const { port } = server.address() as net.AddressInfo
  const socket = net.connect(port, "127.0.0.1")
  await new Promise<void>((r) => socket.once("connect", () => r()))
  const downstream = await accepted
  const channel = new ReplyChannel(socket)
  return {
    channel,
    downstream,
    close: () => {
      channel.close()
      downstream.destroy()
      server.close()
    }
  }
}

const open: Array<() => void> = []
afterEach(() => {
  vi.useRealTimers()
  for (const close of open.splice(0)) close()
})

/**
 * A connected pair whose deadlines run on the test's clock, the socket's bytes real: how long a
 * wait lasted is what the test says, not what a loaded machine made of real time (at load 40-80
 * a 60 ms deadline met a stall before the reply was read, a reply written 200 ms into a 300 ms
 * wait arrived after it, and 1000 ms deadlines expired before bytes written at once were read).
 */
const connected = async () => {
  const p = await pair()
  open.push(p.close)
  vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] })
  return p
}

describe("ReplyChannel: reply waits", () => {
  test("an earlier, shorter wait's deadline does not fail a later wait of another duration", async () => {
    const { channel, downstream } = await connected()
    const first = channel.reply(60, "MAIL FROM")
    downstream.write("250 2.1.0 ok\r\n")
    expect((await first).code).toBe(250)
    // The 60 ms timer of the first wait fires while this one waits; it must find nothing to fail.
    const second = channel.reply(1000, "RCPT TO")
    vi.advanceTimersByTime(200)
    downstream.write("250 2.1.5 ok\r\n")
    expect((await second).code).toBe(250)
    expect(channel.failed).toBeUndefined()
  })

  test("a wait of the same duration re-arms the deadline from its own start", async () => {
    const { channel, downstream } = await connected()
    const first = channel.reply(300, "MAIL FROM")
    vi.advanceTimersByTime(200)
    downstream.write("250 ok\r\n")
    expect((await first).code).toBe(250)
    // 200 ms more: past the first wait's deadline, within this one's.
    const second = channel.reply(300, "RCPT TO")
    vi.advanceTimersByTime(200)
    downstream.write("250 ok\r\n")
    expect((await second).code).toBe(250)
    expect(channel.failed).toBeUndefined()
  })

  test("a silent downstream: Timeout naming the wait and its duration; later waits fail with it", async () => {
    const { channel } = await connected()
    const waiting = channel.reply(80, "the end of data").catch((e: unknown) => e)
    vi.advanceTimersByTime(79)
    expect(channel.failed).toBeUndefined()
    vi.advanceTimersByTime(1)
    const error = await waiting
    expect(error).toBeInstanceOf(DeliveryError)
    expect((error as DeliveryError).reason).toBe("Timeout")
    expect((error as DeliveryError).message).toBe("downstream did not answer the end of data within 80 ms")
    expect(channel.failed).toBe(error)
    await expect(channel.reply(1000, "RSET")).rejects.toBe(error)
  })

  test("a timeout after an answered wait of the same duration still fires", async () => {
    const { channel, downstream } = await connected()
    const first = channel.reply(100, "MAIL FROM")
    downstream.write("250 ok\r\n")
    await first
    vi.advanceTimersByTime(150)
    const second = channel.reply(100, "RCPT TO").catch((e: unknown) => e)
    vi.advanceTimersByTime(100)
    const error = await second
    expect((error as DeliveryError).reason).toBe("Timeout")
    expect((error as DeliveryError).message).toBe("downstream did not answer RCPT TO within 100 ms")
  })

  test("replies of one chunk: the first completes the wait, the next is there for the next wait", async () => {
    const { channel, downstream } = await connected()
    const first = channel.reply(1000, "MAIL FROM")
    downstream.write("250 first\r\n550 5.1.1 second\r\n")
    expect((await first).text).toBe("first")
    const second = await channel.reply(10, "RCPT TO")
    expect(second).toMatchObject({ code: 550, enhanced: "5.1.1", text: "second" })
  })

  test("a reply split over chunks completes the wait once its last line is in", async () => {
    const { channel, downstream } = await connected()
    const waiting = channel.reply(1000, "EHLO")
    downstream.write("250-here\r\n250-PIPE")
    await sleep(30)
    downstream.write("LINING\r\n250 SIZE 10\r\n")
    expect((await waiting).lines).toEqual(["here", "PIPELINING", "SIZE 10"])
  })

  test("two waits at once get the replies in order (the second beside the slot)", async () => {
    const { channel, downstream } = await connected()
    const a = channel.reply(1000, "MAIL FROM")
    const b = channel.reply(1000, "RCPT TO")
    downstream.write("250 a\r\n")
    await sleep(20)
    downstream.write("251 b\r\n")
    expect([(await a).text, (await b).text]).toEqual(["a", "b"])
  })

  test("the downstream closing fails the wait with ConnectionLost", async () => {
    const { channel, downstream } = await connected()
    const waiting = channel.reply(1000, "DATA")
    downstream.end()
    const error = await waiting.catch((e: unknown) => e)
    expect((error as DeliveryError).reason).toBe("ConnectionLost")
  })

  test("a malformed reply fails the wait with Protocol", async () => {
    const { channel, downstream } = await connected()
    const waiting = channel.reply(1000, "DATA")
    downstream.write("hello\r\n")
    const error = await waiting.catch((e: unknown) => e)
    expect((error as DeliveryError).reason).toBe("Protocol")
  })
})
