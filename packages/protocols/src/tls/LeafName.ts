/**
 * Turns a server name from SNI or configuration into something we may certify.
 *
 * SNI is chosen by the client, so it is attacker-controlled: only LDH host names (underscores
 * tolerated, as real mail hosts use them), IPv4 and IPv6 literals pass. Wildcards, spaces,
 * control characters and non-ASCII are refused (IDNs arrive as punycode A-labels, RFC 6066 §3).
 *
 * @category constructors
 * @since 0.1.0
 */
import { isIP } from "node:net"
import type { LeafName } from "./X509.ts"

const label = /^[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?$/

/** Normalised name (lower case, no trailing dot, no IPv6 brackets) or `undefined` when unusable. */
export const parse = (raw: string): LeafName | undefined => {
  let name = raw.trim().toLowerCase()
  if (name.startsWith("[") && name.endsWith("]")) name = name.slice(1, -1)
  if (isIP(name) !== 0) return { kind: "ip", value: name }
  if (name.endsWith(".")) name = name.slice(0, -1)
  if (name.length === 0 || name.length > 253) return undefined
  return name.split(".").every((l) => label.test(l)) ? { kind: "dns", value: name } : undefined
}
