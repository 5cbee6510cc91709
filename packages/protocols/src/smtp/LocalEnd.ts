/**
 * The local end (address and port) of the connections a listener accepts, known from the
 * listener's bound address: a listener bound to one address accepts every connection on exactly
 * that address and port, so the SMTP server need not ask each socket (one getsockname(2) per
 * connection). A wildcard listener (`0.0.0.0`, `::`) accepts on whichever local address the client
 * dialled, which only the socket knows.
 *
 * @category services
 * @since 0.1.0
 */
import { Envelope } from "@mailmoat/core"
import type { AddressInfo } from "node:net"

export interface LocalEnd {
  readonly address: string
  readonly port: number
}

/** The local end every accepted connection has, or undefined when each socket must say. */
export const localEndOf = (bound: AddressInfo): LocalEnd | undefined =>
  bound.address === "0.0.0.0" || bound.address === "::"
    ? undefined
    : { address: Envelope.normaliseIp(bound.address), port: bound.port }
