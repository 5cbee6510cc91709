// The compressed client leg over a real loopback socket, checked against zlib used directly by
// the peer (raw DEFLATE, RFC 1951, as RFC 4978 has it).
import * as net from "node:net"
import * as zlib from "node:zlib"
import { afterEach, describe, expect, it } from "vitest"
import { DeflateLeg } from "../../src/proxy/DeflateLeg.ts"

const sockets: Array<net.Socket> = []
const servers: Array<net.Server> = []
afterEach(() => {
  for (const s of sockets.splice(0)) s.destroy()
  for (const s of servers.splice(0)) s.close()
})

/** A connected pair: `ours` (the proxy's accepted socket) and `peer` (the client). */
const pair = async (): Promise<{ ours: net.Socket; peer: net.Socket }> => {
  const server = net.createServer()
  servers.push(server)
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r))
  const accepted = new Promise<net.Socket>((r) => server.once("connection", r))
  const peer = net.connect((server.address() as net.AddressInfo).port, "127.0.0.1")
  const ours = await accepted
  sockets.push(ours, peer)
  return { ours, peer }
}

const collect = (stream: NodeJS.ReadableStream, until: (all: Buffer) => boolean): Promise<Buffer> =>
  new Promise((resolve) => {
    const parts: Array<Buffer> = []
    const onData = (d: Buffer) => {
      parts.push(d)
      const all = Buffer.concat(parts)
      if (until(all)) {
        stream.removeListener("data", onData)
        resolve(all)
      }
    }
    stream.on("data", onData)
  })

describe("DeflateLeg", () => {
  it("each write batch arrives whole (sync flush); the client's compressed bytes are read back", async () => {
    const { ours, peer } = await pair()
    const leg = new DeflateLeg(ours)
    const inflate = zlib.createInflateRaw()
    peer.pipe(inflate)
    const first = collect(inflate, (all) => all.includes("a OK done\r\n"))
    leg.cork()
    leg.write("* 1 EXISTS\r\n")
    leg.write("a OK done\r\n")
    leg.uncork()
    expect((await first).toString()).toBe("* 1 EXISTS\r\na OK done\r\n")
    // A second reply, written later, also arrives without waiting for more.
    const second = collect(inflate, (all) => all.includes("b OK\r\n"))
    leg.write("b OK\r\n")
    expect((await second).toString()).toBe("b OK\r\n")

    const deflate = zlib.createDeflateRaw({ flush: zlib.constants.Z_SYNC_FLUSH })
    deflate.pipe(peer)
    const read = collect(leg, (all) => all.includes("c LOGOUT\r\n"))
    deflate.write("b FETCH 1 BODY[]\r\n")
    deflate.write("c LOGOUT\r\n")
    expect((await read).toString()).toBe("b FETCH 1 BODY[]\r\nc LOGOUT\r\n")
  })

  it("flushed(): what was written has reached the socket, so destroying right after loses nothing", async () => {
    const { ours, peer } = await pair()
    const leg = new DeflateLeg(ours)
    const inflate = zlib.createInflateRaw({ finishFlush: zlib.constants.Z_SYNC_FLUSH })
    peer.pipe(inflate)
    const parts: Array<Buffer> = []
    inflate.on("data", (d: Buffer) => parts.push(d))
    const ended = new Promise<void>((r) => inflate.once("end", () => r()))
    const big = Buffer.alloc(2 * 1024 * 1024, "0123456789abcdef")
    leg.write("* BYE bye\r\n")
    leg.write(big)
    leg.write("t5 OK Logout completed.\r\n")
    await leg.flushed()
    leg.destroy()
    await ended
    const all = Buffer.concat(parts)
    expect(all.length).toBe(big.length + "* BYE bye\r\n".length + "t5 OK Logout completed.\r\n".length)
    const last = "t5 OK Logout completed.\r\n"
    expect(all.subarray(all.length - last.length).toString()).toBe(last)
  })

  it("a compression bomb is inflated only as fast as it is read", async () => {
    const { ours, peer } = await pair()
    const leg = new DeflateLeg(ours)
    // 16 MiB of one byte compresses to ~16 KB.
    const bomb = zlib.deflateRawSync(Buffer.alloc(16 * 1024 * 1024, 0x61), { flush: zlib.constants.Z_SYNC_FLUSH })
    peer.write(bomb)
    await new Promise((r) => setTimeout(r, 300))
    // Nobody reads: what sits inflated is at most about one slice's expansion past the buffer.
    expect(leg.readableLength).toBeLessThan(4 * 1024 * 1024)
    let total = 0
    await new Promise<void>((resolve) => {
      leg.on("data", (d: Buffer) => {
        total += d.length
        if (total === 16 * 1024 * 1024) resolve()
      })
    })
    expect(total).toBe(16 * 1024 * 1024)
  })

  it("a corrupt stream is an error, and the socket is closed with it", async () => {
    const { ours, peer } = await pair()
    const leg = new DeflateLeg(ours)
    const failed = new Promise<Error>((r) => leg.once("error", r))
    const peerClosed = new Promise<void>((r) => peer.once("close", () => r()))
    peer.on("error", () => undefined)
    peer.write(Buffer.from([0xff, 0xff, 0xff, 0xff, 0x00, 0x12]))
    expect((await failed).message).toMatch(/compressed stream/)
    await peerClosed
    expect(ours.destroyed).toBe(true)
  })
})
