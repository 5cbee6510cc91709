/**
 * Connection and message rate limits per client address and per network (/24 for IPv4, /64 for
 * IPv6), in fixed windows of `smtp.limits.rateWindowSeconds`, counted in the shared state: with
 * `state.backend: redis` a client spreading over N gateways meets each limit once in total.
 *
 * A connection over `connectionRatePerIp` / `connectionRatePerNetwork` gets 421 4.7.0 and is
 * closed; a transaction (MAIL FROM) over `messageRatePerIp` / `messageRatePerNetwork` gets
 * 451 4.7.1 (replies from the gateway's reply table), each with one `rate_limited` warn line.
 * Refused attempts count too: a client that keeps hammering stays refused until it slows down.
 *
 * **Gotchas**
 * - A counter store that fails (Redis down or past its deadline) lets the attempt through and
 *   logs `rate_limit_unavailable` at warn: the limits fail open, like the other shared limits.
 * - IPv4-mapped IPv6 addresses count as their IPv4 address.
 * - The answer comes at once (no promise) when the limits are off or the counts are in memory;
 *   only a remote store's counts come as a promise.
 *
 * @category services
 * @since 0.1.0
 */
import type { RateCounterShape } from "@mailmoat/core"
import { Smtp } from "@mailmoat/protocols"
import type { GatewayLog } from "./Log.ts"
import * as Replies from "./Replies.ts"

export interface RateLimitSettings {
  readonly windowMs: number
  readonly connectionsPerIp: number
  readonly connectionsPerNetwork: number
  readonly messagesPerIp: number
  readonly messagesPerNetwork: number
}

export interface RateLimits {
  /** The reply refusing a new connection from `ip`, or undefined. */
  readonly connection: (ip: string) => Smtp.Answer<Smtp.SmtpReply | undefined>
  /** The reply refusing a new transaction from `ip`, or undefined. */
  readonly message: (ip: string) => Smtp.Answer<Smtp.SmtpReply | undefined>
}

const unmapped = (ip: string): string => (/^::ffff:\d+\.\d+\.\d+\.\d+$/i.test(ip) ? ip.slice(7) : ip)

export const makeRateLimits = (
  counter: RateCounterShape,
  limits: RateLimitSettings,
  logger: GatewayLog
): RateLimits => {
  const failedOpen = (kind: string, ip: string, error: unknown): undefined => {
    logger.warn("rate_limit_unavailable", { kind, ip, error: error instanceof Error ? error.message : String(error) })
    return undefined
  }
  const judge = (
    kind: "connection" | "message",
    ip: string,
    network: string,
    counts: ReadonlyArray<number>,
    perIp: number,
    perNetwork: number
  ): Smtp.SmtpReply | undefined => {
    const [byIp = 0, byNetwork = 0] = counts
    const over =
      perIp > 0 && byIp > perIp
        ? { scope: "ip", count: byIp, limit: perIp }
        : perNetwork > 0 && byNetwork > perNetwork
          ? { scope: "network", count: byNetwork, limit: perNetwork }
          : undefined
    if (over === undefined) return undefined
    logger.warn("rate_limited", { kind, ip, network, ...over, windowSeconds: Math.round(limits.windowMs / 1000) })
    const what = kind === "connection" ? "connections" : "messages"
    const from = over.scope === "ip" ? "your address" : "your network"
    return Replies.refusal(kind === "connection" ? "connect" : "mail", "Tempfail", `too many ${what} from ${from}`)
  }
  /** The refusal or undefined: at once when the counts are (limits off, the memory store), else a promise. */
  const check = (
    kind: "connection" | "message",
    rawIp: string,
    perIp: number,
    perNetwork: number
  ): Smtp.Answer<Smtp.SmtpReply | undefined> => {
    if (perIp <= 0 && perNetwork <= 0) return undefined
    const ip = unmapped(rawIp)
    const network = Smtp.networkOf(ip)
    let counts: ReturnType<RateCounterShape["hit"]>
    try {
      counts = counter.hit(`${kind}:${network}`, [`ip:${ip}`, "net"], limits.windowMs)
    } catch (error) {
      return failedOpen(kind, ip, error)
    }
    if (!Smtp.isPending(counts)) return judge(kind, ip, network, counts, perIp, perNetwork)
    return counts.then(
      (c) => judge(kind, ip, network, c, perIp, perNetwork),
      (error: unknown) => failedOpen(kind, ip, error)
    )
  }
  return {
    connection: (ip) => check("connection", ip, limits.connectionsPerIp, limits.connectionsPerNetwork),
    message: (ip) => check("message", ip, limits.messagesPerIp, limits.messagesPerNetwork)
  }
}
