/**
 * TLS toward the real server, always verified: chain against the
 * configured CA (or the system store), identity against `servername` (or the upstream host, which
 * may be an IP address), TLS 1.2 at least. There is deliberately no option to turn verification
 * off.
 *
 * @category models
 * @since 0.1.0
 */
import * as net from "node:net"
import * as tls from "node:tls"

export interface UpstreamTlsOptions {
  /** PEM trust anchors for a private server; default: Node's system/bundled store. */
  readonly ca?: string | Uint8Array
  /** Name to send as SNI and to verify; default: the upstream host. */
  readonly servername?: string
  /** Default 30 000. */
  readonly handshakeTimeoutMs?: number
}

/**
 * Connects (or upgrades `socket`) and resolves once the peer's certificate has been verified;
 * rejects with the verification or network error otherwise.
 */
export const connectUpstreamTls = (
  target: { readonly host: string; readonly port: number },
  options: UpstreamTlsOptions,
  socket?: net.Socket
): Promise<tls.TLSSocket> => {
  const name = options.servername ?? target.host
  const connectOptions: tls.ConnectionOptions = {
    host: name,
    // SNI must be a DNS name (RFC 6066 §3); identity is still checked against an IP host.
    ...(net.isIP(name) === 0 ? { servername: name } : {}),
    minVersion: "TLSv1.2",
    rejectUnauthorized: true,
    ...(options.ca !== undefined ? { ca: typeof options.ca === "string" ? options.ca : Buffer.from(options.ca) } : {}),
    ...(socket !== undefined ? { socket } : { port: target.port, host: target.host })
  }
  if (socket === undefined && options.servername !== undefined) {
    // Connect to the configured address, verify the configured name.
    connectOptions.checkServerIdentity = (_host, cert) => tls.checkServerIdentity(name, cert)
  }
  return new Promise((resolve, reject) => {
    const secure = tls.connect(connectOptions)
    const timer = setTimeout(() => {
      secure.destroy()
      reject(new Error("upstream TLS handshake timed out"))
    }, options.handshakeTimeoutMs ?? 30_000)
    secure.once("secureConnect", () => {
      clearTimeout(timer)
      secure.removeListener("error", onError)
      resolve(secure)
    })
    const onError = (error: Error) => {
      clearTimeout(timer)
      secure.destroy()
      reject(error)
    }
    secure.once("error", onError)
  })
}
