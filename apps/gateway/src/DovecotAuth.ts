/**
 * SMTP AUTH checked by Dovecot's auth service (`smtp.auth.dovecot`), the way Postfix's
 * `smtpd_sasl_type = dovecot` does: the gateway speaks Dovecot's auth-client protocol to its
 * `auth-client` listener (a unix socket, or TCP) and asks it about the name and password a client
 * gave with AUTH PLAIN or LOGIN. The users and their passwords stay in Dovecot's passdb.
 *
 * One connection per check: handshake (`VERSION`, `CPID`; the server lists its mechanisms and
 * ends with `DONE`), one `AUTH ... PLAIN` with the credentials as the initial response, then `OK`
 * or `FAIL`. AUTH is rare on a gateway (a relay authenticates once per session), so a
 * connection kept open would save little and would need its own reconnection and health logic.
 *
 * **Gotchas**
 * - An answer that cannot be had (socket missing, refused, closed early, a protocol the gateway
 *   does not speak, no answer within `timeoutMs`, or a `FAIL` Dovecot marks temporary) rejects:
 *   the SMTP session answers `454 4.7.0` and the attempt does not count as a failed login.
 * - `no-penalty`: Dovecot would otherwise delay its answers to an address with recent failures
 *   (up to 15 s); the gateway counts failures itself, per IP and per user name, across the fleet.
 * - `secured` tells Dovecot the session is inside TLS (the gateway offers AUTH only there), so a
 *   Dovecot with `disable_plaintext_auth = yes` accepts the PLAIN mechanism.
 *
 * @category constructors
 * @since 0.1.0
 */
import * as net from "node:net"
import { formatLine, optionsOf, parseLine } from "./DovecotAuthLine.ts"

export interface DovecotSettings {
  /** Dovecot's auth-client listener: a unix socket path, or a TCP address. */
  readonly endpoint: { readonly path: string } | { readonly host: string; readonly port: number }
  /** The deadline of one check, from connect to answer. */
  readonly timeoutMs: number
  /** Sessions of users Dovecot accepts carry the bypass flag. */
  readonly bypassAntispam: boolean
}

export interface DovecotCheck {
  readonly username: string
  readonly password: string
  /** The SMTP client's address and ours (Dovecot's `rip`/`lip`: its logs and its own policies). */
  readonly clientAddress: string
  readonly localAddress: string
  /** The SMTP session runs inside TLS. */
  readonly secured: boolean
}

/** Dovecot's answer: accepted, with the name it knows the user by, or refused. */
export type DovecotAnswer =
  | { readonly ok: true; readonly user: string }
  | { readonly ok: false; readonly reason: string }

/** The protocol's major version we speak; a server with another one is not talked to. */
const MAJOR = "1"
/** Dovecot's own limit for a line; a longer one is not an answer of this protocol. */
const MAX_LINE = 16_384
const REQUEST_ID = "1"

/** Asks Dovecot whether `request`'s name and password are good. Rejects when it cannot tell. */
export const check = (settings: DovecotSettings, request: DovecotCheck): Promise<DovecotAnswer> => {
  // PLAIN separates its fields with NUL: such a name or password cannot be asked about.
  if (request.username.includes("\0") || request.password.includes("\0"))
    return Promise.resolve({ ok: false, reason: "NUL in the credentials" })
  return new Promise((resolve, reject) => {
    const where =
      "path" in settings.endpoint ? settings.endpoint.path : `${settings.endpoint.host}:${settings.endpoint.port}`
    const socket = "path" in settings.endpoint ? net.connect(settings.endpoint.path) : net.connect(settings.endpoint)
    let settled = false
    const finish = (outcome: () => void) => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      socket.destroy()
      outcome()
    }
    const fail = (why: string) => finish(() => reject(new Error(`dovecot auth at ${where}: ${why}`)))
    const timer = setTimeout(() => fail(`no answer within ${settings.timeoutMs} ms`), settings.timeoutMs)

    let buffered = ""
    let plain = false
    let versionSeen = false
    const onLine = (line: string) => {
      const { command, args } = parseLine(line)
      switch (command) {
        case "VERSION":
          if (args[0] !== MAJOR) return fail(`protocol version ${args[0] ?? "?"} is not ${MAJOR}.x`)
          versionSeen = true
          return
        case "MECH":
          if (args[0]?.toUpperCase() === "PLAIN") plain = true
          return
        case "DONE": {
          if (!versionSeen) return fail("handshake without VERSION")
          if (!plain) return fail("the PLAIN mechanism is not offered (auth_mechanisms)")
          const response = Buffer.from(`\0${request.username}\0${request.password}`, "utf8").toString("base64")
          socket.write(
            formatLine("AUTH", [
              REQUEST_ID,
              "PLAIN",
              "service=smtp",
              "nologin",
              "no-penalty",
              ...(request.secured ? ["secured"] : []),
              `rip=${request.clientAddress}`,
              `lip=${request.localAddress}`,
              `resp=${response}`
            ])
          )
          return
        }
        case "OK": {
          if (args[0] !== REQUEST_ID) return fail("an answer to a request we did not make")
          const user = optionsOf(args.slice(1)).get("user")
          return finish(() => resolve({ ok: true, user: typeof user === "string" ? user : request.username }))
        }
        case "FAIL": {
          if (args[0] !== REQUEST_ID) return fail("an answer to a request we did not make")
          const options = optionsOf(args.slice(1))
          const reason = options.get("reason")
          const text = typeof reason === "string" ? reason : "refused"
          if (options.get("temp") === true || options.get("code") === "temp_fail")
            return fail(`temporary failure (${text})`)
          return finish(() => resolve({ ok: false, reason: text }))
        }
        case "CONT":
          return fail("asked for more than the PLAIN initial response")
        default:
          // SPID, CUID, COOKIE and anything a later minor version adds.
          return
      }
    }

    socket.setEncoding("utf8")
    socket.once("connect", () =>
      socket.write(formatLine("VERSION", [MAJOR, "2"]) + formatLine("CPID", [String(process.pid)]))
    )
    socket.on("data", (chunk: string) => {
      buffered += chunk
      for (let lf = buffered.indexOf("\n"); lf >= 0 && !settled; lf = buffered.indexOf("\n")) {
        const line = buffered.slice(0, lf)
        buffered = buffered.slice(lf + 1)
        onLine(line)
      }
      if (buffered.length > MAX_LINE) fail(`a line longer than ${MAX_LINE} characters`)
    })
    socket.once("error", (error: Error) => fail(error.message))
    socket.once("close", () => fail("closed before answering"))
  })
}
