/**
 * One interception listener's certificates: a leaf of its own for each allowed name a client
 * asks for (SNI), the listener's default leaf for everything else.
 *
 * ```ts
 * const sni = SniCertificates.make({
 *   minter, gate: MintGate.make(), defaultLeaf: await minter.mint(["imap.internal", "127.0.0.1"]),
 *   serverNames: ServerNames.compile(["imap.example.com", "*.mail.example.org"])
 * })
 * new tls.TLSSocket(socket, { isServer: true, ...sni.tlsOptions() })   // or MailProxy's clientTls
 * ```
 *
 * `tlsOptions()` carries the default leaf as a `secureContext`, which `tls.TLSSocket` honours
 * (`tls.createServer` does not: it wants `key`/`cert`).
 * - An allowed name gets a leaf for exactly that name, minted once through the gate and then
 *   served from the minter's cache (LRU, re-minted when due like any leaf).
 * - No SNI (Node does not call the callback), an IP literal, junk, or a name not allowed get the
 *   default leaf: a client never makes us certify a name the admin did not list. So do allowed
 *   names while the gate declines or a mint fails; the client then sees a name mismatch and the
 *   next attempt gets its own leaf.
 * - `onDefault` hears of a name served the default at most once per `reportEveryMillis`, and of
 *   at most `maxReportsPerInterval` names in all per interval (a scanner cycling through names
 *   adds no lines beyond that; `suppressed` counts what was left out). Names the default leaf
 *   certifies are not reported.
 *
 * @category constructors
 * @since 0.1.0
 */
import type * as tls from "node:tls"
import type { Leaf, LeafMinter } from "./LeafMinter.ts"
import { WeightedLru } from "../cache/WeightedLru.ts"
import type { MintGate } from "./MintGate.ts"
import type { ServerNames } from "./ServerNames.ts"
import { fromSni } from "./ServerNames.ts"
import { leafContext, type SniCallback } from "./SniCallback.ts"

/** Why a client that sent SNI got the default leaf. */
export type DefaultReason =
  /** A host name the listener may not certify. */
  | "not-allowed"
  /** Not a host name (an IP literal, junk, a U-label). */
  | "unusable"
  /** Allowed, but the mint gate declined (too many new names at once). */
  | "busy"
  /** Allowed, but minting failed. */
  | "mint-failed"

export interface DefaultReport {
  /** As the client sent it, cut to 253 characters. */
  readonly servername: string
  readonly reason: DefaultReason
  /** Names left unreported since the last report (the interval's cap was reached). */
  readonly suppressed: number
}

export interface SniCertificatesOptions {
  readonly minter: LeafMinter
  readonly gate: MintGate
  readonly defaultLeaf: Leaf
  readonly serverNames: ServerNames
  readonly onDefault?: ((report: DefaultReport) => void) | undefined
  /** Default one hour. */
  readonly reportEveryMillis?: number | undefined
  /** Default 100. */
  readonly maxReportsPerInterval?: number | undefined
  /** Extra context options (ciphers...); `minVersion` defaults to TLSv1.2. */
  readonly contextOptions?: tls.SecureContextOptions | undefined
  readonly now?: (() => number) | undefined
}

export interface SniCertificatesStats {
  /** Handshakes that got a leaf for the name they asked for. */
  readonly own: number
  /** Handshakes with SNI that got the default leaf. */
  readonly defaulted: number
}

export interface SniCertificates {
  /** Client-leg options for connections accepted from now on. */
  readonly tlsOptions: () => { readonly secureContext: tls.SecureContext; readonly SNICallback: SniCallback }
  readonly defaultLeaf: () => Leaf
  /** A renewed default leaf, for the connections accepted from now on (take `tlsOptions()` again). */
  readonly setDefaultLeaf: (leaf: Leaf) => void
  /** The allowed names from now on (a reload); open connections keep their certificates. */
  readonly setServerNames: (serverNames: ServerNames) => void
  readonly stats: () => SniCertificatesStats
}

const reporter = (options: SniCertificatesOptions, now: () => number) => {
  const every = options.reportEveryMillis ?? 3600_000
  const cap = options.maxReportsPerInterval ?? 100
  const lastReported = new WeightedLru<string, number>({ maxEntries: 1024 })
  let windowStart = now()
  let inWindow = 0
  let suppressed = 0
  return (servername: string, reason: DefaultReason): void => {
    if (options.onDefault === undefined) return
    const t = now()
    if (t - windowStart >= every) {
      windowStart = t
      inWindow = 0
    }
    const name = servername.slice(0, 253)
    const last = lastReported.get(name)
    if (last !== undefined && t - last < every) return
    if (inWindow >= cap) {
      suppressed++
      return
    }
    lastReported.set(name, t)
    inWindow++
    options.onDefault({ servername: name, reason, suppressed })
    suppressed = 0
  }
}

export const make = (options: SniCertificatesOptions): SniCertificates => {
  const { minter, gate, contextOptions } = options
  const now = options.now ?? (() => Date.now())
  const report = reporter(options, now)
  const pending = new Map<string, Promise<Leaf>>()
  let defaultLeaf = options.defaultLeaf
  let serverNames = options.serverNames
  let own = 0
  let defaulted = 0

  const serveDefault = (servername: string, reason: DefaultReason, callback: Parameters<SniCallback>[1]) => {
    defaulted++
    const name = fromSni(servername)
    if (name === undefined || !defaultLeaf.names.includes(name)) report(servername, reason)
    // No context: Node keeps the default one, the listener's leaf.
    callback(null)
  }

  const serveOwn = (leaf: Leaf, callback: Parameters<SniCallback>[1]) => {
    let context: tls.SecureContext
    try {
      context = leafContext(leaf, contextOptions)
    } catch (e) {
      callback(e instanceof Error ? e : new Error(String(e)))
      return
    }
    own++
    callback(null, context)
  }

  const SNICallback: SniCallback = (servername, callback) => {
    const name = serverNames.match(servername)
    if (name === undefined)
      return serveDefault(servername, fromSni(servername) === undefined ? "unusable" : "not-allowed", callback)
    const cached = minter.cached(name)
    if (cached !== undefined) return serveOwn(cached, callback)
    let minting = pending.get(name)
    if (minting === undefined) {
      const started = gate.run(() => minter.mint(name))
      if (started === undefined) return serveDefault(servername, "busy", callback)
      minting = started
      pending.set(name, minting)
      const forget = () => pending.delete(name)
      minting.then(forget, forget)
    }
    minting.then(
      (leaf) => serveOwn(leaf, callback),
      () => serveDefault(servername, "mint-failed", callback)
    )
  }

  return {
    tlsOptions: () => ({ secureContext: leafContext(defaultLeaf, contextOptions), SNICallback }),
    defaultLeaf: () => defaultLeaf,
    setDefaultLeaf: (leaf) => {
      defaultLeaf = leaf
    },
    setServerNames: (names) => {
      serverNames = names
    },
    stats: () => ({ own, defaulted })
  }
}
