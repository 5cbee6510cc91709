/**
 * The built-in resolver (`antispam.dns.resolver: builtin`; c-ares is the default): DNS questions in TypeScript over `node:dgram` (and `node:net` for a
 * truncated answer), behind the same `DnsShape` as the c-ares one (`NodeDns` with
 * `resolver: "system"`), giving the same outcomes and details.
 *
 * What it does that c-ares through Node's `Resolver` cannot: keep its UDP socket between
 * questions (c-ares opens a new one, ~8 system calls, whenever none was pending), tell NXDOMAIN
 * and NODATA without building an Error, give the real TTLs of TXT, PTR and MX answers, and stop a
 * question at its caller's deadline (its attempts' timers and socket slot go with it).
 *
 * **Gotchas**
 * - Servers: `servers` as `NodeDns.parseServer` reads them, else the system's at the time the
 *   resolver is made (`dns.getServers()`: resolv.conf, or what `dns.setServers` set).
 * - Each attempt goes to the next server, `tries` rounds over the servers (as c-ares does); a
 *   REFUSED or SERVFAIL answer is final, as it is for c-ares under Node.
 * - No search domains, no `ndots`: names are asked as given (c-ares under Node's `Resolver` does
 *   the same for the `resolve*` calls).
 *
 * @category layers
 * @since 0.1.0
 */
import { getServers } from "node:dns"
import { IpAddress, type DnsShape } from "@mailmoat/core"
import { makeShape } from "./Asking.ts"
import * as Deadlines from "./Deadlines.ts"
import * as DnsSockets from "./DnsSockets.ts"
import { ask, type QuestionSettings } from "./Question.ts"

export interface BuiltinDnsOptions {
  readonly servers?: ReadonlyArray<string> | undefined
  readonly defaultTimeoutMillis?: number | undefined
  readonly attemptTimeoutMillis?: number | undefined
  readonly tries?: number | undefined
  readonly sockets?: DnsSockets.DnsSocketsOptions | undefined
}

/** What the resolver saw, for tests and `bench/`. */
export interface BuiltinDnsStats extends DnsSockets.SocketStats {
  tcp: number
}

export interface BuiltinDns extends DnsShape {
  readonly close: () => void
  readonly stats: BuiltinDnsStats
}

/** A server's address from a `servers` entry or a `dns.getServers()` entry; throws on junk. */
export const serverOf = (input: string): DnsSockets.DnsServer => {
  const s = input.trim()
  const bracketed = /^\[([^\]]+)\](?::(\d{1,5}))?$/.exec(s)
  const v4port = /^([\d.]+):(\d{1,5})$/.exec(s)
  const [host, port] = bracketed ? [bracketed[1]!, bracketed[2]] : v4port ? [v4port[1]!, v4port[2]] : [s, undefined]
  const ip = IpAddress.parse(host)
  if (!ip) throw new Error(`dns.servers: "${input}" is not an IP address (use 127.0.0.1:5353 or [::1]:53)`)
  const p = port === undefined ? 53 : Number(port)
  if (!Number.isInteger(p) || p < 1 || p > 65535) throw new Error(`dns.servers: bad port in "${input}"`)
  return { host: ip.text, port: p, family: ip.family }
}

/** The uncached built-in resolver; throws on invalid `servers`. */
export const makeUncached = (options: BuiltinDnsOptions = {}): BuiltinDns => {
  const listed = options.servers ?? []
  const servers = (listed.length > 0 ? listed : getServers()).map(serverOf)
  const sockets = DnsSockets.make(options.sockets)
  const stats = sockets.stats as BuiltinDnsStats
  stats.tcp = 0
  const deadlines = Deadlines.make()
  const settings: QuestionSettings = {
    sockets,
    deadlines,
    servers,
    attemptTimeoutMillis: options.attemptTimeoutMillis ?? 2000,
    tries: Math.max(1, options.tries ?? 2),
    onTcp: () => {
      stats.tcp++
    }
  }
  const shape = makeShape(
    (type, name, told) => ask(settings, type, name, told),
    options.defaultTimeoutMillis ?? 5000,
    deadlines
  )
  return { ...shape, close: sockets.close, stats }
}
