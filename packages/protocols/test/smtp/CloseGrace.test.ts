// The grace period after a closing reply: the socket is destroyed if the client never closes, and
// the timer goes away as soon as the client does close (a pending timer would keep the finished
// session reachable for the whole period). Fake timers count the pending timer; the sockets are
// real, on loopback.
import * as net from "node:net"
import { afterEach, describe, expect, test, vi } from "vitest"
import { closeDone, destroyAfter } from "../../src/smtp/CloseGrace.ts"

/** A connected pair on 127.0.0.1: the server's socket and the client's. */
const pair = async (): Promise<{ server: net.Socket; client: net.Socket; stop: () => void }> => {
  const listener = net.createServer()
  await new Promise<void>((r) => listener.listen(0, "127.0.0.1", r))
  const accepted = new Promise<net.Socket>((r) => listener.once("connection", r))
  const { port } = listener.address() as net.AddressInfo
  const client = net.connect(port, "127.0.0.1")
  const server = await accepted
  return { server, client, stop: () => listener.close() }
}

const closed = (socket: net.Socket) => new Promise<void>((r) => socket.once("close", () => r()))

describe("destroyAfter", () => {
  afterEach(() => {
    // The spies wrap the fake timers: removed first, then the real timers come back.
    vi.restoreAllMocks()
    vi.useRealTimers()
  })

  test("the timer is cleared when the client closes its end", async () => {
    const { server, client, stop } = await pair()
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] })
    // This timer, not the count of every pending one: the worker's other files leave work running
    // (the files share it) that may set a timer meanwhile (one was pending here at load 80).
    const set = vi.spyOn(globalThis, "setTimeout")
    const cleared = vi.spyOn(globalThis, "clearTimeout")
    const serverClosed = closed(server)
    server.end("221 2.0.0 Bye\r\n")
    const before = set.mock.results.length
    destroyAfter(server, 5000)
    expect(set.mock.results.length).toBe(before + 1)
    const timer = set.mock.results[before]!.value
    expect(cleared).not.toHaveBeenCalledWith(timer)
    client.on("data", () => undefined)
    client.once("end", () => client.end())
    await serverClosed
    expect(cleared).toHaveBeenCalledWith(timer)
    stop()
  })

  test("a client that never closes is cut off when the period ends", async () => {
    const { server, client, stop } = await pair()
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] })
    client.on("data", () => undefined)
    const clientClosed = closed(client)
    server.end("221 2.0.0 Bye\r\n")
    destroyAfter(server, 5000)
    expect(server.destroyed).toBe(false)
    vi.advanceTimersByTime(5000)
    expect(server.destroyed).toBe(true)
    expect(vi.getTimerCount()).toBe(0)
    await clientClosed
    stop()
  })

  test("an already destroyed socket gets no timer", async () => {
    const { server, client, stop } = await pair()
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] })
    server.destroy()
    destroyAfter(server, 5000)
    expect(vi.getTimerCount()).toBe(0)
    client.destroy()
    stop()
  })
})

/** Everything the client reads until the server's FIN, and whether its socket saw an error (an RST). */
const readAll = (client: net.Socket) =>
  new Promise<{ bytes: number; text: string; error: Error | undefined }>((resolve) => {
    const chunks: Array<Buffer> = []
    let error: Error | undefined
    client.on("data", (d: Buffer) => chunks.push(d))
    client.on("error", (e) => (error = e))
    client.once("end", () => {
      const all = Buffer.concat(chunks)
      resolve({ bytes: all.length, text: all.subarray(0, 64).toString("latin1"), error })
    })
  })

describe("closeDone", () => {
  test("a plain socket whose reply is in the kernel is closed at once: the client reads the reply, then our FIN", async () => {
    const { server, client, stop } = await pair()
    const read = readAll(client)
    server.write("221 2.0.0 Bye\r\n")
    expect(closeDone(server)).toBe(true)
    expect(server.destroyed).toBe(true)
    const got = await read
    expect(got.text).toBe("221 2.0.0 Bye\r\n")
    expect(got.error).toBeUndefined()
    client.destroy()
    stop()
  })

  test("bytes still queued in the stream: the socket is ended and closed once they are written, none lost", async () => {
    const { server, client, stop } = await pair()
    client.pause()
    const big = Buffer.alloc(8 * 1024 * 1024, 0x41)
    server.write(big)
    expect(server.writableLength).toBeGreaterThan(0)
    const serverClosed = closed(server)
    expect(closeDone(server)).toBe(false)
    expect(server.writableEnded).toBe(true)
    const read = readAll(client)
    client.resume()
    const got = await read
    await serverClosed
    expect(got.bytes).toBe(big.length)
    expect(got.error).toBeUndefined()
    client.destroy()
    stop()
  })
})
