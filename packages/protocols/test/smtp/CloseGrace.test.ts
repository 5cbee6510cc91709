// The grace period after a closing reply: the socket is destroyed if the client never closes, and
// the timer goes away as soon as the client does close (a pending timer would keep the finished
// session reachable for the whole period). Fake timers count the pending timer; the sockets are
// real, on loopback.
import * as net from "node:net"
import { afterEach, describe, expect, test, vi } from "vitest"
import { destroyAfter } from "../../src/smtp/CloseGrace.ts"

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
    vi.useRealTimers()
  })

  test("the timer is cleared when the client closes its end", async () => {
    const { server, client, stop } = await pair()
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] })
    const serverClosed = closed(server)
    server.end("221 2.0.0 Bye\r\n")
    destroyAfter(server, 5000)
    expect(vi.getTimerCount()).toBe(1)
    client.on("data", () => undefined)
    client.once("end", () => client.end())
    await serverClosed
    expect(vi.getTimerCount()).toBe(0)
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
