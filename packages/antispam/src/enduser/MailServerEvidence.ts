/**
 * Decides from evidence whether a message came from a mail server.
 *
 * The rule (documented in docs/antispam.md): the sending host is **not a mail server** when at
 * least one of these holds
 * 1. its IP is on the end-user list (local list or an end-user DNS zone), unless the IP comes
 *    from a Received header and an external RBL answered for it (RBL answers take precedence);
 * 2. it has no forward-confirmed reverse DNS (no PTR, or no PTR name whose A/AAAA records
 *    contain the IP); a DNS failure (timeout, SERVFAIL) is *no* evidence either way;
 * 3. its HELO is not a fully qualified domain name (empty, no dot, an address literal
 *    `[192.0.2.1]`, or not a valid host name).
 *
 * @category models
 * @since 0.1.0
 */
import type { DnsShape } from "@mailmoat/core"
import { IpAddress } from "@mailmoat/core"
import { Effect } from "effect"

const FQDN = /^(?=.{4,253}$)(?!-)[a-z0-9-]{1,63}(?<!-)(\.(?!-)[a-z0-9-]{1,63}(?<!-))*\.[a-z][a-z0-9-]*[a-z0-9]$/i

/** True when `helo` is a plausible fully qualified host name. */
export const isFqdnHelo = (helo: string | undefined): boolean => {
  const h = (helo ?? "").trim().replace(/\.$/, "")
  return h.length > 0 && !h.startsWith("[") && !IpAddress.isIp(h) && FQDN.test(h)
}

export type FcrdnsResult =
  | { readonly _tag: "Confirmed"; readonly name: string }
  | { readonly _tag: "NotConfirmed"; readonly why: string }
  | { readonly _tag: "Unknown"; readonly why: string }

/** Forward-confirmed reverse DNS: some PTR name of `ip` resolves back to `ip` (at most 3 names tried). */
export const fcrdns = (dns: DnsShape, ip: string, timeoutMillis: number): Effect.Effect<FcrdnsResult> =>
  Effect.gen(function* () {
    const parsed = IpAddress.parse(ip)
    if (!parsed) return { _tag: "NotConfirmed", why: "not an IP" } as const
    const ptr = yield* Effect.result(dns.resolve("PTR", parsed.text, { timeoutMillis }))
    if (ptr._tag === "Failure") {
      return ptr.failure.reason === "NotFound"
        ? ({ _tag: "NotConfirmed", why: "no PTR record" } as const)
        : ({ _tag: "Unknown", why: `PTR ${ptr.failure.reason}` } as const)
    }
    let unknown: string | undefined
    for (const name of ptr.success.records.slice(0, 3)) {
      const fwd = yield* Effect.result(dns.resolve(parsed.family === 4 ? "A" : "AAAA", name, { timeoutMillis }))
      if (fwd._tag === "Success") {
        if (fwd.success.records.some((r) => IpAddress.parse(r)?.text === parsed.text))
          return { _tag: "Confirmed", name } as const
      } else if (fwd.failure.reason !== "NotFound") unknown = `${name}: ${fwd.failure.reason}`
    }
    return unknown
      ? ({ _tag: "Unknown", why: unknown } as const)
      : ({ _tag: "NotConfirmed", why: "PTR names do not resolve back to the IP" } as const)
  })
