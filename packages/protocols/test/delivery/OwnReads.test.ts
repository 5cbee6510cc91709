import * as net from "node:net"
import { afterEach, describe, expect, test } from "vitest"
import { OwnReads, ownReadsAvailable } from "../../src/delivery/OwnReads.ts"
import { openSocket } from "../../src/delivery/RelaySocket.ts"
import { ReplyChannel } from "../../src/delivery/ReplyChannel.ts"

const enc = (s: string) => new TextEncoder().encode(s)
const text = (b: Uint8Array) => new TextDecoder().decode(b)
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** What Node does for a read: the bytes land in the one buffer, then the callback gets their count. */
const read = (reads: OwnReads, s: string): void => {
  const bytes = enc(s)
  reads.buffer.set(bytes)
  reads.callback(bytes.length, reads.buffer)
}

describe("OwnReads", () => {
  test("reads before anyone listens are kept as copies and handed over first, in order", () => {
    const reads = new OwnReads()
    read(reads, "220 greeting\r\n")
    read(reads, "XXX overwritten")
    const seen: Array<string> = []
    reads.listen((b) => seen.push(text(b)))
    read(reads, "250 ok\r\n")
    expect(seen).toEqual(["220 greeting\r\n", "XXX overwritten", "250 ok\r\n"])
  })

  test("after stop (the TLS upgrade) reads are dropped, not kept for a later listener", () => {
    const reads = new OwnReads()
    const seen: Array<string> = []
    reads.listen((b) => seen.push(text(b)))
    read(reads, "220 go ahead\r\n")
    reads.stop()
    read(reads, "250 injected in clear text\r\n")
    reads.listen((b) => seen.push(text(b)))
    expect(seen).toEqual(["220 go ahead\r\n"])
  })
})

const servers: Array<net.Server> = []
afterEach(() => {
  for (const s of servers.splice(0)) s.close()
})

/** A downstream that sends `parts` one write at a time, a pause between them, once connected. */
const downstream = async (parts: ReadonlyArray<string>): Promise<number> => {
  const server = net.createServer(async (socket) => {
    socket.on("error", () => undefined)
    for (const part of parts) {
      socket.write(part)
      await sleep(30)
    }
  })
  servers.push(server)
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r))
  return (server.address() as net.AddressInfo).port
}

describe.runIf(ownReadsAvailable)("the relay's connection on Node reads into its own buffer", () => {
  test("replies come through the own reads, none as 'data' events; a line split over reads arrives whole", async () => {
    const port = await downstream(["220 sink ready\r\n250-first line is spl", "it over two reads\r\n250 last\r\n"])
    const { socket, reads } = await openSocket("127.0.0.1", port, 5_000)
    expect(reads).toBeDefined()
    let dataEvents = 0
    socket.on("data", () => dataEvents++)
    const channel = new ReplyChannel(socket, reads)
    try {
      expect((await channel.reply(5_000, "greeting")).text).toBe("sink ready")
      expect((await channel.reply(5_000, "EHLO")).lines).toEqual(["first line is split over two reads", "last"])
      expect(dataEvents).toBe(0)
    } finally {
      channel.close()
    }
  })

  test("the downstream closing still fails the wait (the socket's events are unchanged)", async () => {
    const server = net.createServer((socket) => socket.end("220 bye\r\n"))
    servers.push(server)
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r))
    const { socket, reads } = await openSocket("127.0.0.1", (server.address() as net.AddressInfo).port, 5_000)
    const channel = new ReplyChannel(socket, reads)
    try {
      expect((await channel.reply(5_000, "greeting")).code).toBe(220)
      await expect(channel.reply(5_000, "EHLO")).rejects.toMatchObject({ reason: "ConnectionLost" })
    } finally {
      channel.close()
    }
  })
})
