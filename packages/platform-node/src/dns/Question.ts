/**
 * One question of the built-in resolver, from its first packet to its outcome: attempts over the
 * servers in turn (`tries` rounds, each attempt `attemptTimeoutMillis`), an answer accepted only
 * from the server asked and echoing the question, a truncated answer asked again over TCP, a
 * FORMERR to our EDNS0 question asked again without it (RFC 6891 §7), and the outcome told once.
 *
 * @category layers
 * @since 0.1.0
 */
import type { RemoteInfo } from "node:dgram"
import { Dns as CoreDns, type DnsRecordType as RecordType } from "@mailmoat/core"
import type { Deadlines, Wait } from "./Deadlines.ts"
import type { DnsServer, DnsSockets, Ticket } from "./DnsSockets.ts"
import { askTcp, type StopTcp } from "./DnsTcp.ts"
import { badName, exhausted, outcomeOf, type Told, unavailable } from "./Outcome.ts"

const { Wire } = CoreDns

export interface QuestionSettings {
  readonly sockets: DnsSockets
  /** The attempts' timers (one length: `attemptTimeoutMillis`). */
  readonly deadlines: Deadlines
  readonly servers: ReadonlyArray<DnsServer>
  readonly attemptTimeoutMillis: number
  readonly tries: number
  /** Counts TCP exchanges, for tests and `bench/`. */
  readonly onTcp: () => void
}

/** Same bytes but for ASCII case (RFC 4343): the echoed question against the one asked. */
const sameQuestion = (packet: Uint8Array, answer: CoreDns.Wire.Answer, asked: Uint8Array): boolean => {
  if (answer.questionEnd - answer.questionStart !== asked.length) return false
  for (let i = 0; i < asked.length; i++) {
    let a = packet[answer.questionStart + i]!
    let b = asked[i]!
    if (a >= 0x41 && a <= 0x5a) a |= 0x20
    if (b >= 0x41 && b <= 0x5a) b |= 0x20
    if (a !== b) return false
  }
  return true
}

/** A copy of `packet` under `id` (the packet may still be queued in the socket when the next attempt is built). */
const withId = (packet: Uint8Array, id: number): Uint8Array => {
  const out = packet.slice()
  out[0] = id >>> 8
  out[1] = id & 0xff
  return out
}

/** Asks `name` (`normaliseName`'s form); `told` gets the outcome once. Returns a stop. */
export const ask = (
  settings: QuestionSettings,
  type: RecordType,
  name: string,
  told: (exit: Told) => void
): (() => void) => {
  const { sockets, servers } = settings
  const probe = Wire.encodeQuery(0, name, type)
  if (!(probe instanceof Uint8Array)) {
    told(badName(type, name))
    return () => {}
  }
  if (servers.length === 0) {
    told(unavailable(type, name, "no DNS servers"))
    return () => {}
  }
  const question = Wire.questionBytes(probe)
  const attempts = servers.length * settings.tries
  let attempt = 0
  let udpSize = Wire.DEFAULT_UDP_SIZE
  let over = false
  let ticket: Ticket | undefined
  let timer: Wait | undefined
  let stopTcp: StopTcp | undefined

  const settle = (): void => {
    timer?.cancel()
    timer = undefined
    if (ticket !== undefined) sockets.release(ticket)
    ticket = undefined
    stopTcp?.()
    stopTcp = undefined
  }
  const finish = (exit: Told): void => {
    if (over) return
    over = true
    settle()
    told(exit)
  }
  const next = (): void => {
    settle()
    attempt++
    if (attempt >= attempts) finish(exhausted(type, name))
    else send()
  }

  /** The answer's fate once it is known to be ours. */
  const accept = (answer: CoreDns.Wire.Answer, server: DnsServer, overTcp: boolean): void => {
    if (answer.header.truncated && !overTcp) {
      settle()
      settings.onTcp()
      const id = answer.header.id
      const again = Wire.encodeQuery(id, name, type, { udpSize }) as Uint8Array
      stopTcp = askTcp(server, again, settings.attemptTimeoutMillis, (bytes) => {
        stopTcp = undefined
        const read = bytes === undefined ? undefined : Wire.decodeAnswer(bytes, type)
        if (
          read === undefined ||
          Wire.isWireError(read) ||
          read.header.id !== id ||
          !sameQuestion(bytes!, read, question)
        )
          next()
        else accept(read, server, true)
      })
      return
    }
    if (answer.header.rcode === Wire.RCODE.FormErr && udpSize > 0) {
      // The server may not know EDNS0: the same attempt again without the OPT record.
      udpSize = 0
      settle()
      send()
      return
    }
    finish(outcomeOf(type, name, answer))
  }

  const send = (): void => {
    const server = servers[attempt % servers.length]!
    const receive = (packet: Uint8Array, from: RemoteInfo): boolean => {
      if (over || from.port !== server.port || from.address !== server.host) return false
      const answer = Wire.decodeAnswer(packet, type)
      if (Wire.isWireError(answer) || !answer.header.isResponse || !sameQuestion(packet, answer, question)) return false
      accept(answer, server, false)
      return true
    }
    const packet =
      udpSize === Wire.DEFAULT_UDP_SIZE ? probe : (Wire.encodeQuery(0, name, type, { udpSize }) as Uint8Array)
    ticket = sockets.send(server, (id) => withId(packet, id), receive)
    if (ticket === undefined) {
      finish(unavailable(type, name, "resolver closed"))
      return
    }
    timer = settings.deadlines.add(settings.attemptTimeoutMillis, next)
  }

  send()
  return () => {
    over = true
    settle()
  }
}
