/**
 * The UDP sockets the built-in resolver asks through: one long-lived socket per address family,
 * replaced after `maxQuestions` questions or `maxAgeMillis`, so the source port still changes
 * (an off-path forger must guess the port as well as the 16-bit id: RFC 5452 §9.2) without a
 * socket per question. A replaced socket stays open until its last question is done.
 *
 * Ids are random 16-bit numbers from `crypto`, drawn 256 at a time; an id already waiting on
 * the same socket is drawn again. A datagram whose id has no question waiting is dropped and
 * counted; one whose id matches is handed to that question, which says whether it is its answer
 * (source address and port, question echoed): if not, it is dropped and counted too.
 *
 * **Gotchas**
 * - Sockets are `unref`'d: a question in flight never keeps a process alive; its own timers do,
 *   until its deadline.
 *
 * @category layers
 * @since 0.1.0
 */
import { randomFillSync } from "node:crypto"
import { createSocket, type RemoteInfo, type Socket } from "node:dgram"

/** A resolver's address. */
export interface DnsServer {
  readonly host: string
  readonly port: number
  readonly family: 4 | 6
}

/** Whether a datagram carrying the question's id is its answer (false: drop it, keep waiting). */
export type Receive = (packet: Uint8Array, from: RemoteInfo) => boolean

/** What the sockets saw: for tests and `bench/`. */
export interface SocketStats {
  sent: number
  dropped: number
  opened: number
}

interface Outlet {
  readonly family: 4 | 6
  readonly socket: Socket
  readonly waiting: Map<number, Receive>
  asked: number
  readonly openedAt: number
  retired: boolean
}

/** A question waiting on a socket: give it back with `release`. */
export interface Ticket {
  readonly outlet: Outlet
  readonly id: number
}

export interface DnsSocketsOptions {
  /** Questions per socket before a new one is opened (default 500). */
  readonly maxQuestions?: number | undefined
  /** Age of a socket after which the next question opens a new one (ms, default 30,000). */
  readonly maxAgeMillis?: number | undefined
}

export interface DnsSockets {
  /**
   * Sends the packet `build(id)` makes to `server` under a fresh id; `receive` sees datagrams
   * carrying that id until `release`. Undefined once the sockets are closed.
   */
  readonly send: (server: DnsServer, build: (id: number) => Uint8Array, receive: Receive) => Ticket | undefined
  readonly release: (ticket: Ticket) => void
  readonly close: () => void
  readonly stats: SocketStats
}

export const make = (options: DnsSocketsOptions = {}): DnsSockets => {
  const maxQuestions = options.maxQuestions ?? 500
  const maxAge = options.maxAgeMillis ?? 30_000
  const stats: SocketStats = { sent: 0, dropped: 0, opened: 0 }
  const current: { 4?: Outlet | undefined; 6?: Outlet | undefined } = {}
  const open = new Set<Outlet>()
  let closed = false

  const ids = new Uint16Array(256)
  let idAt = ids.length
  const drawId = (): number => {
    if (idAt === ids.length) {
      randomFillSync(ids)
      idAt = 0
    }
    return ids[idAt++]!
  }

  const shut = (outlet: Outlet): void => {
    open.delete(outlet)
    try {
      outlet.socket.close()
    } catch {
      // Already closed by an error: nothing left to release.
    }
  }

  const retire = (outlet: Outlet): void => {
    outlet.retired = true
    if (current[outlet.family] === outlet) delete current[outlet.family]
    if (outlet.waiting.size === 0) shut(outlet)
  }

  const openOutlet = (family: 4 | 6): Outlet => {
    const socket = createSocket(family === 6 ? "udp6" : "udp4")
    const outlet: Outlet = { family, socket, waiting: new Map(), asked: 0, openedAt: Date.now(), retired: false }
    socket.on("message", (msg: Buffer, from: RemoteInfo) => {
      const receive = msg.length >= 2 ? outlet.waiting.get((msg[0]! << 8) | msg[1]!) : undefined
      if (receive === undefined || !receive(msg, from)) stats.dropped++
    })
    // A socket that failed takes no new question; those waiting on it time out and try again.
    socket.on("error", () => retire(outlet))
    socket.unref?.()
    stats.opened++
    open.add(outlet)
    return outlet
  }

  const outletFor = (family: 4 | 6): Outlet => {
    const now = current[family]
    if (now !== undefined && now.asked < maxQuestions && Date.now() - now.openedAt < maxAge) return now
    if (now !== undefined) retire(now)
    const fresh = openOutlet(family)
    current[family] = fresh
    return fresh
  }

  const release = (ticket: Ticket): void => {
    const { outlet, id } = ticket
    outlet.waiting.delete(id)
    if (outlet.retired && outlet.waiting.size === 0 && open.has(outlet)) shut(outlet)
  }

  const send: DnsSockets["send"] = (server, build, receive) => {
    if (closed) return undefined
    const outlet = outletFor(server.family)
    let id = drawId()
    while (outlet.waiting.has(id)) id = drawId()
    outlet.waiting.set(id, receive)
    outlet.asked++
    stats.sent++
    // No callback: Node then sends at once (`uv_udp_try_send`) instead of queueing the datagram
    // for the next poll and calling back; a failed send is the socket's "error" (it is retired)
    // and the question's attempt times out and goes on.
    outlet.socket.send(build(id), server.port, server.host)
    return { outlet, id }
  }

  const close = (): void => {
    closed = true
    delete current[4]
    delete current[6]
    for (const outlet of [...open]) shut(outlet)
  }

  return { send, release, close, stats }
}
