/**
 * Opening the relay client's connection: TCP connect and the TLS upgrade after STARTTLS, each
 * under a deadline, every failure a temporary `DeliveryError`.
 *
 * **Gotchas**
 * - The certificate chain and the name (`servername`, default `host`) are always verified; SNI
 *   never carries an IP address (RFC 6066 §3).
 *
 * @category services
 * @since 0.1.0
 */
import * as net from "node:net"
import * as tls from "node:tls"
import { DeliveryError } from "./DeliveryError.ts"
import { OwnReads, ownReadsAvailable } from "./OwnReads.ts"

/** What the TLS upgrade needs to know about the downstream. */
export interface UpgradeOptions {
  readonly host: string
  readonly port: number
  readonly servername?: string | undefined
  readonly ca?: string | ReadonlyArray<string> | undefined
}

/**
 * Opens a socket with `open` and resolves with it at its `ready` event; at its first error or at
 * the deadline destroys it and rejects with the error made by `failure` / `timeout` (a throw from
 * `open` rejects too).
 */
const whenReady = <S extends net.Socket>(
  open: () => S,
  ready: "connect" | "secureConnect",
  timeoutMs: number,
  timeout: () => DeliveryError,
  failure: (error: Error) => DeliveryError
): Promise<S> =>
  new Promise((resolve, reject) => {
    const socket = open()
    const timer = setTimeout(() => {
      socket.destroy()
      reject(timeout())
    }, timeoutMs)
    socket.once(ready, () => {
      clearTimeout(timer)
      socket.removeAllListeners("error")
      resolve(socket)
    })
    socket.once("error", (error: Error) => {
      clearTimeout(timer)
      socket.destroy()
      reject(failure(error))
    })
  })

/** A connected socket and, on Node, its reads into a buffer of its own (else its 'data' events). */
export interface RelayConnection {
  readonly socket: net.Socket
  readonly reads: OwnReads | undefined
}

export const openSocket = async (host: string, port: number, timeoutMs: number): Promise<RelayConnection> => {
  const reads = ownReadsAvailable ? new OwnReads() : undefined
  const socket = await whenReady(
    () =>
      net.connect(
        reads === undefined
          ? { host, port }
          : { host, port, onread: { buffer: reads.buffer, callback: reads.callback } }
      ),
    "connect",
    timeoutMs,
    () => new DeliveryError("Timeout", `connect to ${host}:${port} timed out after ${timeoutMs} ms`),
    (error) =>
      new DeliveryError("ConnectFailed", `connect to ${host}:${port} failed: ${error.message}`, undefined, error)
  )
  return { socket, reads }
}

export const upgrade = (plain: net.Socket, options: UpgradeOptions, timeoutMs: number): Promise<net.Socket> => {
  const name = options.servername ?? options.host
  return whenReady(
    () =>
      // SNI must not carry an IP address (RFC 6066 §3); the identity check still uses `host`.
      tls.connect({
        socket: plain,
        host: name,
        servername: net.isIP(name) === 0 ? name : undefined,
        ca: options.ca === undefined ? undefined : typeof options.ca === "string" ? [options.ca] : [...options.ca],
        minVersion: "TLSv1.2"
      }),
    "secureConnect",
    timeoutMs,
    () => new DeliveryError("Timeout", `TLS handshake with ${options.host}:${options.port} timed out`),
    (error) =>
      new DeliveryError(
        "TlsFailed",
        `TLS with ${options.host}:${options.port} failed: ${error.message}`,
        undefined,
        error
      )
  )
}
