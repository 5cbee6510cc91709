/**
 * Finds the last identified sender in the Received chain and chooses which hop IPs to check.
 *
 * The walk (SpamAssassin trust path): start at the connecting client (the only IP
 * nobody can forge). While the current hop is trusted (in `trustedNetworks`) or is our own
 * address, the Received header that hop wrote is believable, so step to the IP recorded in it.
 * The first hop outside trusted networks and not ours is the **last identified sender**.
 * Headers below it were written by hosts we do not trust: a forged `Received: from
 * mx.trusted (10.0.0.1)` there never moves the boundary.
 *
 * `maxIps: 0` selects only the sender; `maxIps: N` selects the sender and further hops outward
 * (older headers) up to N IPs in all. Hops without an IP are listed but never count.
 *
 * @category models
 * @since 0.1.0
 */
import type { Envelope, ReceivedHop } from "@mailmoat/core"
import { IpAddress } from "@mailmoat/core"
import type { CidrSet } from "../net/CidrSet.ts"

export type HopStatus = "trusted" | "own" | "sender" | "outward" | "no-ip" | "beyond-limit"

/** One row of the hop table copied into the verdict trace. */
export interface HopRow {
  /** `client` for the connecting IP, else `received[i]` (0 = top-most header). */
  readonly source: string
  readonly ip?: string | undefined
  readonly helo?: string | undefined
  readonly rdns?: string | undefined
  readonly trusted: boolean
  readonly status: HopStatus
  /** True when the IP is selected for list checks (lists may still skip it). */
  readonly selected: boolean
  readonly why: string
}

export interface ChainResult {
  readonly hops: ReadonlyArray<HopRow>
  readonly sender?: string | undefined
  /** Selected IPs, sender first, outward after; deduplicated. */
  readonly selected: ReadonlyArray<{ readonly ip: string; readonly source: string }>
}

export interface ChainOptions {
  readonly trustedNetworks: CidrSet
  /** Our own addresses (the local address of the connection and any configured ones). */
  readonly ownAddresses: ReadonlyArray<string>
  readonly maxIps: number
}

// The hops' source names, made once (a message has a few Received fields).
const SOURCES = Array.from({ length: 16 }, (_, i) => `received[${i}]`)

const norm = (ip: string | undefined) => (ip === undefined ? undefined : IpAddress.parse(ip)?.text)

// Every row of one shape, in the field order of `HopRow`.
const row = (
  source: string,
  ip: string | undefined,
  helo: string | undefined,
  rdns: string | undefined,
  trusted: boolean,
  status: HopStatus,
  selected: boolean,
  why: string
): HopRow => ({ source, ip, helo, rdns, trusted, status, selected, why })

export const analyse = (
  envelope: Envelope.Envelope,
  received: ReadonlyArray<ReceivedHop>,
  options: ChainOptions
): ChainResult => {
  // Our own addresses are one or two: compared in place, without a set or arrays per message.
  const own = options.ownAddresses
  const isOwn = (ip: string): boolean => {
    for (let i = 0; i < own.length; i++) if (norm(own[i]) === ip) return true
    return false
  }
  const limit = options.maxIps <= 0 ? 1 : options.maxIps
  const rows: Array<HopRow> = []
  const selected: Array<{ ip: string; source: string }> = []
  const seen = new Set<string>()
  let phase: "trusted-walk" | "outward" = "trusted-walk"
  let sender: string | undefined

  // One row per hop, client first; the hop's IP is parsed once (its normal form) and matched
  // against the trusted networks once.
  const visit = (source: string, rawIp: string | undefined, helo: string | undefined, rdns: string | undefined) => {
    const parsed = rawIp === undefined ? undefined : IpAddress.parse(rawIp)
    if (parsed === undefined) {
      rows.push(row(source, undefined, helo, rdns, false, "no-ip", false, "no IP recorded in this hop"))
      return
    }
    const ip = parsed.text
    const net = options.trustedNetworks.matchIp(parsed)
    const trusted = net !== undefined
    if (phase === "trusted-walk") {
      if (isOwn(ip)) {
        rows.push(row(source, ip, helo, rdns, true, "own", false, "our own address"))
        return
      }
      if (trusted) {
        rows.push(row(source, ip, helo, rdns, true, "trusted", false, `in trustedNetworks ${net.text}`.trim()))
        return
      }
      sender = ip
      phase = "outward"
      seen.add(ip)
      selected.push({ ip, source })
      rows.push(
        row(
          source,
          ip,
          helo,
          rdns,
          false,
          "sender",
          true,
          "last identified sender (first hop outside trusted networks)"
        )
      )
      return
    }
    // Outward of the sender: written by untrusted hosts; checked only within maxIps.
    if (selected.length < limit && !seen.has(ip)) {
      seen.add(ip)
      selected.push({ ip, source })
      rows.push(
        row(source, ip, helo, rdns, trusted, "outward", true, `hop ${selected.length} of maxIps ${options.maxIps}`)
      )
    } else {
      const why = seen.has(ip) ? "IP already selected" : `beyond maxIps ${options.maxIps}`
      rows.push(row(source, ip, helo, rdns, trusted, "beyond-limit", false, why))
    }
  }
  visit("client", envelope.clientAddress, envelope.helo || undefined, envelope.clientHostname)
  for (const h of received) visit(SOURCES[h.index] ?? `received[${h.index}]`, h.ip, h.helo, h.rdns)
  return { hops: rows, sender, selected }
}
