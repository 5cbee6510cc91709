/**
 * A reputation key as an admin writes it: an IP address, a network or a domain, optionally with
 * the store's prefix (`ip:`, `net:`, `domain:`, as the docs and Redis show keys). The result is
 * the key the stage itself derives (`Keys.ts`), so every text form of one source names one
 * history: `::ffff:192.0.2.7` is `ip:192.0.2.7`, `2001:DB8::1` is `ip:2001:db8:0:0:0:0:0:1`,
 * `192.0.2.77/24` is `net:192.0.2.0/24`, `Example.NET.` is `domain:example.net`.
 *
 * **Gotchas**
 * - Only the networks the stage counts exist: /24 for IPv4, /64 for IPv6. Any other prefix
 *   length is refused rather than silently widened or narrowed.
 * - Text that is both a valid domain and an IPv4 address (`192.0.2.7`) is the address; write
 *   `domain:` before it to mean the name. Text ending in a number that is no address
 *   (`192.0.2.07`, `1.2.3`) is refused without `domain:`.
 *
 * @category models
 * @since 0.1.0
 */
import { IpAddress } from "@mailmoat/core"
import * as Keys from "./Keys.ts"

export type Parsed =
  | { readonly ok: true; readonly key: Keys.ReputationKey }
  | { readonly ok: false; readonly error: string }

/** Longer text is no address, network or domain name (a name has at most 253 characters). */
const MAX_LENGTH = 300

const PREFIXES: ReadonlyArray<readonly [string, Keys.Kind]> = [
  ["ip:", "ip"],
  ["net:", "network"],
  ["domain:", "domain"]
]

const fail = (error: string): Parsed => ({ ok: false, error })
const quoted = (text: string) => JSON.stringify(text.length > 60 ? `${text.slice(0, 60)}...` : text)

const address = (text: string): Parsed => {
  const ip = Keys.ipKeys(text)[0]
  return ip === undefined ? fail(`not an IP address: ${quoted(text)}`) : { ok: true, key: ip }
}

const network = (text: string): Parsed => {
  const slash = text.lastIndexOf("/")
  if (slash < 0) return fail(`a network needs its prefix length (/24 or /64): ${quoted(text)}`)
  const ip = IpAddress.parse(text.slice(0, slash))
  if (ip === undefined) return fail(`not a network (an IP address before the /): ${quoted(text)}`)
  const wanted = ip.family === 4 ? "24" : "64"
  if (text.slice(slash + 1) !== wanted)
    return fail(`only /24 (IPv4) and /64 (IPv6) networks are counted, got ${quoted(text)}`)
  return { ok: true, key: Keys.ipKeys(ip.text)[1]! }
}

const domain = (text: string): Parsed => {
  const name = Keys.normaliseDomain(text)
  return name === undefined
    ? fail(`not a domain name: ${quoted(text)}`)
    : { ok: true, key: { kind: "domain", key: `domain:${name}`, subject: name } }
}

const byKind: Readonly<Record<Keys.Kind, (text: string) => Parsed>> = { ip: address, network, domain }

/** The key `text` names, or why it names none; never throws. */
export const parse = (text: string): Parsed => {
  const t = text.trim()
  if (t === "") return fail("expected an IP address, a /24 or /64 network or a domain name, got nothing")
  if (t.length > MAX_LENGTH) return fail(`longer than ${MAX_LENGTH} characters: ${quoted(t)}`)
  const lower = t.toLowerCase()
  for (const [prefix, kind] of PREFIXES) if (lower.startsWith(prefix)) return byKind[kind](t.slice(prefix.length))
  if (t.includes("/")) return network(t)
  if (IpAddress.parse(t) !== undefined) return address(t)
  // `192.0.2.07`, `1.2.3`, `2130706433`: a mistyped address, not a name (a top-level domain is
  // never all digits, RFC 3696 §2). Read as a domain, a reset would answer "it had no history"
  // and the admin would believe the address forgiven.
  if (/(?:^|\.)\d+\.?$/.test(t))
    return fail(
      `not an IP address (a domain name never ends in a number; write domain: before it to mean one): ${quoted(t)}`
    )
  const named = domain(t)
  return named.ok ? named : fail(`expected an IP address, a /24 or /64 network or a domain name, got ${quoted(t)}`)
}

/**
 * The keys a message from this key's source is scored by, the key itself first: an IP address
 * and its network; a network or a domain alone.
 */
export const scoredWith = (key: Keys.ReputationKey): ReadonlyArray<Keys.ReputationKey> =>
  key.kind === "ip" ? Keys.ipKeys(key.subject) : [key]
