/**
 * Mints server certificates on the fly for the names clients ask for (SNI), signed by the
 * interception CA, and caches them.
 *
 * **Key reuse.** Generating a key pair is the slow part of minting (RSA 2048 takes tens of
 * milliseconds). Like other interception proxies (mitmproxy, Squid ssl-bump), the minter makes
 * ONE leaf key pair when it is created and certifies it for every name. The key never leaves the
 * process; a restart makes a new one. Signing a certificate then costs well under a millisecond.
 *
 * **Cache.** Leaves are kept in an LRU keyed by the (normalised) names; concurrent requests for
 * the same names share one mint. A leaf is re-minted when less than `renewBeforeMillis` of its
 * validity remains, and never outlives the CA.
 *
 * @category constructors
 * @since 0.1.0
 */
import type { LoadedCa } from "./Ca.ts"
import { CaError } from "./CaError.ts"
import * as CertificateCode from "./CertificateCode.ts"
import type * as KeyPair from "./KeyPair.ts"
import * as LeafName from "./LeafName.ts"
import { WeightedLru } from "../cache/WeightedLru.ts"
import * as Pem from "./Pem.ts"
import type * as X509 from "./X509.ts"

export interface LeafMinterOptions {
  /** Distinct name sets kept (default 1000). */
  readonly cacheSize?: number | undefined
  /** Default 30. */
  readonly validityDays?: number | undefined
  /** notBefore lies this far in the past, for clients with a slow clock (default 1 hour). */
  readonly backdateMillis?: number | undefined
  /** Re-mint a cached leaf when less than this remains (default 1 day). */
  readonly renewBeforeMillis?: number | undefined
  /** Default: the CA's key kind (`rsa` -> `rsa-2048`). */
  readonly keyType?: KeyPair.KeyType | undefined
  readonly now?: (() => number) | undefined
}

export interface Leaf {
  /** The certified names, normalised; the first is also the subject CN. */
  readonly names: ReadonlyArray<string>
  /** Leaf certificate PEM (the CA is the trust anchor and is not sent). */
  readonly certPem: string
  /** The shared leaf key (PKCS#8 PEM). */
  readonly keyPem: string
  readonly notBefore: Date
  readonly notAfter: Date
  readonly serialHex: string
}

export interface MinterStats {
  readonly mints: number
  readonly hits: number
  readonly cached: number
}

export interface LeafMinter {
  readonly caCertPem: string
  /**
   * A leaf for `names` (a host name or an IP, or several for one certificate). Names are
   * normalised; an unusable name rejects with `CaError("BadName")`.
   */
  readonly mint: (names: string | ReadonlyArray<string>) => Promise<Leaf>
  /**
   * The cached leaf for one normalised name while it is not due for renewal, else undefined:
   * lets a caller that rations minting (SNI) skip the ration for a hit.
   */
  readonly cached: (name: string) => Leaf | undefined
  readonly stats: () => MinterStats
}

const DAY = 24 * 3600_000

const hex = (bytes: Uint8Array) => Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("")

export const make = async (ca: LoadedCa, options: LeafMinterOptions = {}): Promise<LeafMinter> => {
  const now = options.now ?? Date.now
  const validity = (options.validityDays ?? 30) * DAY
  const backdate = options.backdateMillis ?? 3600_000
  const renewBefore = options.renewBeforeMillis ?? DAY
  const { X509, KeyPair } = await CertificateCode.load()
  const leafKey = await KeyPair.generate(options.keyType ?? (ca.key.kind === "rsa" ? "rsa-2048" : "ecdsa-p256"))
  const keyPem = Pem.encode("PRIVATE KEY", await KeyPair.exportPkcs8(leafKey.privateKey))
  const fixedExtensions = X509.leafFixedExtensions(
    leafKey.kind,
    await X509.keyIdentifier(leafKey.spki),
    ca.keyIdentifier
  )
  const cache = new WeightedLru<string, Leaf>({ maxEntries: options.cacheSize ?? 1000 })
  const inflight = new Map<string, Promise<Leaf>>()
  let mints = 0
  let hits = 0

  const build = async (names: ReadonlyArray<X509.LeafName>): Promise<Leaf> => {
    const t = now()
    const notBefore = new Date(t - backdate)
    // A leaf valid after its issuer expires would be rejected by clients anyway.
    const notAfter = new Date(Math.min(t + validity, ca.cert.notAfter.getTime()))
    const serial = X509.randomSerial()
    const first = names[0]!.value
    // CN is limited to 64 characters (RFC 5280 ub-common-name); the SAN carries the name anyway.
    const subject = X509.makeName(
      first.length <= 64
        ? [
            ["CN", first],
            ["O", "Mailmoat interception"]
          ]
        : [["O", "Mailmoat interception"]]
    )
    const der = await X509.issue({
      subject,
      issuer: ca.cert.subjectName,
      serial,
      notBefore,
      notAfter,
      spki: leafKey.spki,
      extensions: X509.leafExtensions(names, fixedExtensions),
      signer: ca.key
    })
    mints++
    return {
      names: names.map((n) => n.value),
      certPem: Pem.encode("CERTIFICATE", der),
      keyPem,
      notBefore,
      notAfter,
      serialHex: hex(serial)
    }
  }

  const cached = (key: string): Leaf | undefined => {
    const leaf = cache.get(key)
    if (leaf === undefined || leaf.notAfter.getTime() - now() <= renewBefore) return undefined
    hits++
    return leaf
  }

  const mint = (input: string | ReadonlyArray<string>): Promise<Leaf> => {
    const raw = typeof input === "string" ? [input] : input
    const names: Array<X509.LeafName> = []
    for (const r of raw) {
      const parsed = LeafName.parse(r)
      if (parsed === undefined)
        return Promise.reject(
          new CaError("BadName", `cannot certify ${JSON.stringify(r.slice(0, 300))}: not a host name or IP address`)
        )
      if (!names.some((n) => n.value === parsed.value)) names.push(parsed)
    }
    if (names.length === 0) return Promise.reject(new CaError("BadName", "no name to certify"))
    const key = names.map((n) => n.value).join(" ")
    const fresh = cached(key)
    if (fresh !== undefined) return Promise.resolve(fresh)
    const pending = inflight.get(key)
    if (pending !== undefined) {
      hits++
      return pending
    }
    const p = build(names).then(
      (leaf) => {
        inflight.delete(key)
        cache.set(key, leaf)
        return leaf
      },
      (e: unknown) => {
        inflight.delete(key)
        throw e
      }
    )
    inflight.set(key, p)
    return p
  }

  return { caCertPem: ca.certPem, mint, cached, stats: () => ({ mints, hits, cached: cache.size }) }
}
