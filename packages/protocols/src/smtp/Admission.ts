/**
 * Connection admission for a listener: a total limit, a limit per client address and a limit per
 * client network (/24 for IPv4, /64 for IPv6), so a handful of addresses or one network cannot take
 * every slot, and a "stress" signal when the listener is nearly full (modelled on Postfix smtpd's
 * stress mode: sessions then get short timeouts, so idle or trickling clients make room quickly).
 *
 * **Gotchas**
 * - A slot is held by a `Ticket` and freed by `release()`, which is idempotent: the SMTP driver
 *   releases it as soon as it sends its closing reply (221 to QUIT, any 421), not when the client
 *   finally closes its socket, so a quick reconnect after QUIT is never refused.
 * - Refused connections hold no slot.
 * - IPv4-mapped IPv6 addresses must be normalised by the caller (`Envelope.normaliseIp`).
 *
 * @category services
 * @since 0.1.0
 */

export interface AdmissionLimits {
  readonly maxConnections: number
  readonly maxPerIp: number
  /** Connections from one /24 (IPv4) or /64 (IPv6). */
  readonly maxPerNetwork: number
  /** Fraction of `maxConnections` in use from which the listener counts as stressed (0..1]. */
  readonly stressThreshold: number
}

export interface Ticket {
  release(): void
}

export type Admitted =
  | { readonly ok: true; readonly ticket: Ticket }
  | { readonly ok: false; readonly reason: "total" | "ip" | "network" }

/** A socket's address is IPv6 exactly when it has a colon (an IPv4 address never does). */
const isIPv6 = (ip: string): boolean => ip.includes(":")

/** The first three octets of a dotted quad. */
const ipv4Network = (ip: string): string => {
  const dot = ip.lastIndexOf(".")
  return dot === -1 ? ip : ip.slice(0, dot)
}

/** Expands an IPv6 address to its eight 16-bit groups (an embedded IPv4 tail counts as two). */
const ipv6Groups = (ip: string): Array<string> => {
  const bare = ip.split("%")[0]!
  const [head = "", tail] = bare.split("::") as [string, string | undefined]
  const parts = (s: string): Array<string> =>
    s === "" ? [] : s.split(":").flatMap((p) => (p.includes(".") ? ["v4", "v4"] : [p]))
  const left = parts(head)
  const right = tail === undefined ? [] : parts(tail)
  const missing = Math.max(0, 8 - left.length - right.length)
  return [...left, ...Array<string>(missing).fill("0"), ...right].map((g) => g.toLowerCase().replace(/^0+(?=.)/, ""))
}

/** The network an address counts against: `a.b.c/24` or `g1:g2:g3:g4::/64`. */
export const networkOf = (ip: string): string =>
  isIPv6(ip) ? `${ipv6Groups(ip).slice(0, 4).join(":")}::/64` : `${ipv4Network(ip)}/24`

const bump = (counts: Map<string, number>, key: string, by: number): void => {
  const n = (counts.get(key) ?? 0) + by
  if (n <= 0) counts.delete(key)
  else counts.set(key, n)
}

export class Admission {
  private total = 0
  private readonly perIp = new Map<string, number>()
  private readonly perNetwork = new Map<string, number>()

  constructor(private readonly limits: AdmissionLimits) {}

  /** Slots in use. */
  get inUse(): number {
    return this.total
  }

  /** True when so many slots are in use that sessions should get their short (stress) timeouts. */
  get stressed(): boolean {
    return this.total >= Math.ceil(this.limits.maxConnections * this.limits.stressThreshold)
  }

  admit(ip: string): Admitted {
    const network = networkOf(ip)
    if (this.total >= this.limits.maxConnections) return { ok: false, reason: "total" }
    if ((this.perIp.get(ip) ?? 0) >= this.limits.maxPerIp) return { ok: false, reason: "ip" }
    if ((this.perNetwork.get(network) ?? 0) >= this.limits.maxPerNetwork) return { ok: false, reason: "network" }
    this.total++
    bump(this.perIp, ip, 1)
    bump(this.perNetwork, network, 1)
    let held = true
    return {
      ok: true,
      ticket: {
        release: () => {
          if (!held) return
          held = false
          this.total--
          bump(this.perIp, ip, -1)
          bump(this.perNetwork, network, -1)
        }
      }
    }
  }
}
