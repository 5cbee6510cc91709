// A scriptable DNS server on 127.0.0.1 (UDP, and TCP on the same port) for the built-in
// resolver's tests: each question is handed to a script that says what to send back, when, and
// from which socket, so tests can forge ids, questions, sources and truncation.
import { createSocket, type RemoteInfo, type Socket } from "node:dgram"
import { createServer, type Server } from "node:net"
import { Dns } from "@mailmoat/core"
import { encodeAnswer, type TestAnswer } from "../../../core/test/dns/support/answerEncoder.ts"

export interface Asked {
  readonly id: number
  readonly name: string
  readonly type: "A" | "AAAA" | "TXT" | "PTR" | "MX"
  /** Whether the question carried an EDNS0 OPT record. */
  readonly edns: boolean
  readonly overTcp: boolean
  readonly from: RemoteInfo | undefined
}

export interface Reply {
  readonly packet: Uint8Array
  readonly delayMillis?: number
  /** Sent from a second socket (another source port), as a forger would. */
  readonly fromStranger?: boolean
}

export type Script = (asked: Asked) => ReadonlyArray<Reply>

export interface FakeDns {
  readonly server: string
  readonly asked: Array<Asked>
  readonly stop: () => Promise<void>
}

const TYPES = { 1: "A", 28: "AAAA", 16: "TXT", 12: "PTR", 15: "MX" } as const

const readQuestion = (packet: Uint8Array, overTcp: boolean, from: RemoteInfo | undefined): Asked | undefined => {
  const q = Dns.Wire.decodeAnswer(packet, "A")
  if (Dns.Wire.isWireError(q)) return undefined
  const type = TYPES[q.questionType as keyof typeof TYPES]
  if (type === undefined) return undefined
  return { id: q.header.id, name: q.questionName, type, edns: q.header.arcount > 0, overTcp, from }
}

/** An answer to `asked` built from the test encoder, the question echoed as asked. */
export const answer = (asked: Asked, rest: Omit<TestAnswer, "id" | "question">): Uint8Array =>
  encodeAnswer({ id: asked.id, question: { name: asked.name, type: asked.type }, ...rest })

export const startFakeDns = async (script: Script): Promise<FakeDns> => {
  const asked: Array<Asked> = []
  let udp: Socket = createSocket("udp4")
  const stranger: Socket = createSocket("udp4")
  const timers = new Set<ReturnType<typeof setTimeout>>()
  const later = (millis: number, f: () => void) => {
    const t = setTimeout(() => {
      timers.delete(t)
      f()
    }, millis)
    timers.add(t)
  }
  const onMessage = (packet: Buffer, from: RemoteInfo) => {
    const q = readQuestion(packet, false, from)
    if (q === undefined) return
    asked.push(q)
    for (const r of script(q))
      later(r.delayMillis ?? 0, () => (r.fromStranger ? stranger : udp).send(r.packet, from.port, from.address))
  }
  await new Promise<void>((resolve) => stranger.bind(0, "127.0.0.1", resolve))
  const tcp: Server = createServer((socket) => {
    let buffered = Buffer.alloc(0)
    socket.on("error", () => {})
    socket.on("data", (chunk) => {
      buffered = Buffer.concat([buffered, chunk])
      if (buffered.length < 2 || buffered.length < buffered.readUInt16BE(0) + 2) return
      const q = readQuestion(buffered.subarray(2, buffered.readUInt16BE(0) + 2), true, undefined)
      if (q === undefined) return void socket.destroy()
      asked.push(q)
      for (const r of script(q)) {
        const framed = Buffer.alloc(r.packet.length + 2)
        framed.writeUInt16BE(r.packet.length, 0)
        framed.set(r.packet, 2)
        socket.end(framed)
      }
    })
  })
  // The TCP listener takes the UDP socket's port number; another process may hold that number
  // for TCP (a full test run has many sockets open), so a refused listen draws another port.
  let port = 0
  for (let attempt = 1; ; attempt++) {
    if (attempt > 1) udp = createSocket("udp4")
    udp.on("message", onMessage)
    await new Promise<void>((resolve) => udp.bind(0, "127.0.0.1", resolve))
    port = udp.address().port
    const listening = await new Promise<boolean>((resolve) => {
      const refused = () => resolve(false)
      tcp.once("error", refused)
      tcp.listen(port, "127.0.0.1", () => {
        tcp.off("error", refused)
        resolve(true)
      })
    })
    if (listening) break
    await new Promise<void>((resolve) => udp.close(() => resolve()))
    if (attempt >= 20) throw new Error("fake DNS: no port free for both UDP and TCP after 20 draws")
  }
  return {
    server: `127.0.0.1:${port}`,
    asked,
    stop: async () => {
      for (const t of timers) clearTimeout(t)
      await new Promise<void>((resolve) => udp.close(() => resolve()))
      await new Promise<void>((resolve) => stranger.close(() => resolve()))
      await new Promise<void>((resolve) => tcp.close(() => resolve()))
    }
  }
}
