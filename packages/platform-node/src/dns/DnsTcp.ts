/**
 * One question over TCP (RFC 1035 §4.2.2, RFC 7766): asked when a UDP answer came back
 * truncated (TC). The packet goes with its 2-byte length; the answer is read to its own length
 * prefix (at most 65,535 bytes, so bounded by the protocol) within `timeoutMillis`.
 *
 * @category layers
 * @since 0.1.0
 */
import { connect } from "node:net"
import type { DnsServer } from "./DnsSockets.ts"

/** Stops the exchange; `done` is not called after it. */
export type StopTcp = () => void

/** Asks `packet` of `server` over TCP; `done` gets the answer's bytes, or undefined on any failure or at the timeout. */
export const askTcp = (
  server: DnsServer,
  packet: Uint8Array,
  timeoutMillis: number,
  done: (answer: Uint8Array | undefined) => void
): StopTcp => {
  let over = false
  const socket = connect({ host: server.host, port: server.port })
  socket.unref?.()
  const finish = (answer: Uint8Array | undefined): void => {
    if (over) return
    over = true
    clearTimeout(timer)
    socket.destroy()
    done(answer)
  }
  const timer = setTimeout(() => finish(undefined), timeoutMillis)
  const chunks: Array<Buffer> = []
  let have = 0
  socket.on("connect", () => {
    const framed = new Uint8Array(packet.length + 2)
    framed[0] = packet.length >>> 8
    framed[1] = packet.length & 0xff
    framed.set(packet, 2)
    socket.write(framed)
  })
  socket.on("data", (chunk: Buffer) => {
    chunks.push(chunk)
    have += chunk.length
    if (have < 2) return
    const all = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)
    chunks.length = 0
    chunks.push(all)
    const length = (all[0]! << 8) | all[1]!
    if (have >= length + 2) finish(all.subarray(2, length + 2))
  })
  socket.on("error", () => finish(undefined))
  socket.on("close", () => finish(undefined))
  return () => {
    over = true
    clearTimeout(timer)
    socket.destroy()
  }
}
