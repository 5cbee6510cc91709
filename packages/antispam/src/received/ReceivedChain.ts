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

const norm = (ip: string | undefined) => (ip === undefined ? undefined : IpAddress.parse(ip)?.text)

export const analyse = (
  envelope: Envelope.Envelope,
  received: ReadonlyArray<ReceivedHop>,
  options: ChainOptions
): ChainResult => {
  const own = new Set(options.ownAddresses.map(norm).filter((x): x is string => x !== undefined))
  const limit = options.maxIps <= 0 ? 1 : options.maxIps
  const rows: Array<HopRow> = []
  const selected: Array<{ ip: string; source: string }> = []
  const seen = new Set<string>()
  let phase: "trusted-walk" | "outward" = "trusted-walk"
  let sender: string | undefined

  const candidates = [
    {
      source: "client",
      ip: norm(envelope.clientAddress),
      helo: envelope.helo || undefined,
      rdns: envelope.clientHostname
    },
    ...received.map((h) => ({ source: `received[${h.index}]`, ip: norm(h.ip), helo: h.helo, rdns: h.rdns }))
  ]
  for (const c of candidates) {
    const base = { source: c.source, ip: c.ip, helo: c.helo, rdns: c.rdns }
    if (c.ip === undefined) {
      rows.push({ ...base, trusted: false, status: "no-ip", selected: false, why: "no IP recorded in this hop" })
      continue
    }
    const trusted = options.trustedNetworks.has(c.ip)
    if (phase === "trusted-walk") {
      if (own.has(c.ip)) {
        rows.push({ ...base, trusted: true, status: "own", selected: false, why: "our own address" })
        continue
      }
      if (trusted) {
        const net = options.trustedNetworks.match(c.ip)
        rows.push({
          ...base,
          trusted: true,
          status: "trusted",
          selected: false,
          why: `in trustedNetworks ${net?.text ?? ""}`.trim()
        })
        continue
      }
      sender = c.ip
      phase = "outward"
      seen.add(c.ip)
      selected.push({ ip: c.ip, source: c.source })
      rows.push({
        ...base,
        trusted: false,
        status: "sender",
        selected: true,
        why: "last identified sender (first hop outside trusted networks)"
      })
      continue
    }
    // Outward of the sender: written by untrusted hosts; checked only within maxIps.
    if (selected.length < limit && !seen.has(c.ip)) {
      seen.add(c.ip)
      selected.push({ ip: c.ip, source: c.source })
      rows.push({
        ...base,
        trusted,
        status: "outward",
        selected: true,
        why: `hop ${selected.length} of maxIps ${options.maxIps}`
      })
    } else {
      rows.push({
        ...base,
        trusted,
        status: "beyond-limit",
        selected: false,
        why: seen.has(c.ip) ? "IP already selected" : `beyond maxIps ${options.maxIps}`
      })
    }
  }
  return { hops: rows, sender, selected }
}
