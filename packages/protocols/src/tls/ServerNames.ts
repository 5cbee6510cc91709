/**
 * Which SNI names a listener may certify: exact host names and `*.example.com` wildcards (one
 * label), compiled once into two sets so a handshake costs a lookup or two.
 *
 * SNI is chosen by the client, so `match` takes hostile input: it never throws, and only a name
 * the admin allowed comes back (normalised: lower case, no trailing dot). IP literals, junk and
 * U-labels never match (SNI carries A-labels, RFC 6066 §3); punycode is compared as it is.
 *
 * @category constructors
 * @since 0.1.0
 */
import { GatewayConfig } from "@mailmoat/core"
import { CaError } from "./CaError.ts"
import * as LeafName from "./LeafName.ts"

export interface ServerNames {
  /** The allowed name to certify for this SNI value, or undefined (not allowed, or unusable). */
  readonly match: (servername: string) => string | undefined
  /** How many entries were configured. */
  readonly size: number
}

/** The SNI value as a name we could certify (lower case, no trailing dot), or undefined. */
export const fromSni = (servername: string): string | undefined => {
  // LeafName trims and unbrackets for configuration; a client sending either is not asking for a host.
  if (servername.length === 0 || servername.length > 254 || servername !== servername.trim()) return undefined
  const name = LeafName.parse(servername)
  return name?.kind === "dns" ? name.value : undefined
}

/** Compiles the configured entries; an entry that is not a pattern rejects with `CaError("BadName")`. */
export const compile = (entries: ReadonlyArray<string>): ServerNames => {
  const exact = new Set<string>()
  const wildcardParents = new Set<string>()
  for (const entry of entries) {
    const pattern = GatewayConfig.Formats.serverNamePattern(entry)
    if ("expected" in pattern)
      throw new CaError("BadName", `server name ${JSON.stringify(entry.slice(0, 300))}: expected ${pattern.expected}`)
    if (pattern.kind === "exact") exact.add(pattern.name)
    else wildcardParents.add(pattern.parent)
  }
  return {
    size: entries.length,
    match: (servername) => {
      const name = fromSni(servername)
      if (name === undefined) return undefined
      if (exact.has(name)) return name
      // `*.a.com` stands for one label: `x.a.com`, never `a.com` nor `y.x.a.com`.
      const dot = name.indexOf(".")
      return dot > 0 && wildcardParents.has(name.slice(dot + 1)) ? name : undefined
    }
  }
}
