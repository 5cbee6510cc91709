/**
 * The UDP sockets the built-in resolver asks through: one long-lived socket per server, connected
 * to it, replaced after `maxQuestions` questions or `maxAgeMillis`, so the source port still
 * changes (an off-path forger must guess the port as well as the 16-bit id: RFC 5452 §9.2)
 * without a socket per question. A replaced socket stays open until its last question is done.
 *
 * Connected, because a send then carries no address: Node's `dgram` skips its per-send address
 * lookup (a `process.nextTick`) and parse, and the kernel drops datagrams from any other source
 * before they reach JavaScript. Until the socket is connected (a few ticks after it opens) its
 * packets wait in order.
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
  readonly server: DnsServer
  readonly socket: Socket
  readonly waiting: Map<number, Receive>
  /** Packets sent before the socket was connected; undefined once it is. */
  backlog: Array<Uint8Array> | undefined
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
  const current = new Map<DnsServer, Outlet>()
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
    if (current.get(outlet.server) === outlet) current.delete(outlet.server)
    if (outlet.waiting.size === 0) shut(outlet)
  }

  const openOutlet = (server: DnsServer): Outlet => {
    const socket = createSocket(server.family === 6 ? "udp6" : "udp4")
    const outlet: Outlet = {
      server,
      socket,
      waiting: new Map(),
      backlog: [],
      asked: 0,
      // A socket's age on the monotonic clock (a step of the wall clock must not keep or drop it).
      openedAt: performance.now(),
      retired: false
    }
    socket.connect(server.port, server.host, (error?: Error) => {
      const backlog = outlet.backlog ?? []
      // A socket that cannot connect takes no new question; those waiting on it time out and try again.
      if (error !== undefined && error !== null) return retire(outlet)
      outlet.backlog = undefined
      if (!open.has(outlet)) return
      for (const packet of backlog) socket.send(packet)
    })
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

  const outletFor = (server: DnsServer): Outlet => {
    const now = current.get(server)
    if (now !== undefined && now.asked < maxQuestions && performance.now() - now.openedAt < maxAge) return now
    if (now !== undefined) retire(now)
    const fresh = openOutlet(server)
    current.set(server, fresh)
    return fresh
  }

  const release = (ticket: Ticket): void => {
    const { outlet, id } = ticket
    outlet.waiting.delete(id)
    if (outlet.retired && outlet.waiting.size === 0 && open.has(outlet)) shut(outlet)
  }

  const send: DnsSockets["send"] = (server, build, receive) => {
    if (closed) return undefined
    const outlet = outletFor(server)
    let id = drawId()
    while (outlet.waiting.has(id)) id = drawId()
    outlet.waiting.set(id, receive)
    outlet.asked++
    stats.sent++
    // No callback: Node then sends at once (`uv_udp_try_send`) instead of queueing the datagram
    // for the next poll and calling back; a failed send is the socket's "error" (it is retired)
    // and the question's attempt times out and goes on.
    const packet = build(id)
    if (outlet.backlog === undefined) outlet.socket.send(packet)
    else outlet.backlog.push(packet)
    return { outlet, id }
  }

  const close = (): void => {
    closed = true
    current.clear()
    for (const outlet of [...open]) shut(outlet)
  }

  return { send, release, close, stats }
}
