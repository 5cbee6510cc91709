/**
 * Node `tls` glue: a SecureContext per minted leaf, an `SNICallback`, and complete server
 * options for the interception listener.
 *
 * **Gotchas**
 * Node calls `SNICallback` only when the client sends SNI. Clients that connect to an IP
 * address send none (RFC 6066 §3 forbids IP literals in SNI) and get the server's default
 * context, which is why `serverOptions` also mints the fallback leaf up front.
 * An unusable SNI value (wildcards, junk) is answered with the fallback leaf, never certified.
 *
 * @category constructors
 * @since 0.1.0
 */
import * as tls from "node:tls"
import * as LeafName from "./LeafName.ts"
import type { Leaf, LeafMinter } from "./LeafMinter.ts"

export interface SniOptions {
  /** Names certified when SNI is absent or unusable: normally the upstream's host (plus the listener's IP). */
  readonly fallbackName: string | ReadonlyArray<string>
  /** Extra context options (ciphers...). `minVersion` defaults to TLSv1.2 (RFC 8996). */
  readonly contextOptions?: tls.SecureContextOptions | undefined
}

const contexts = new WeakMap<Leaf, tls.SecureContext>()

/** The SecureContext serving `leaf`, made once per leaf. */
export const leafContext = (leaf: Leaf, options: tls.SecureContextOptions | undefined): tls.SecureContext => {
  let context = contexts.get(leaf)
  if (context === undefined) {
    context = tls.createSecureContext({ minVersion: "TLSv1.2", ...options, key: leaf.keyPem, cert: leaf.certPem })
    // The context lives as long as the cached leaf: when the LRU drops the leaf, this goes too.
    contexts.set(leaf, context)
  }
  return context
}

/** The SecureContext for `names` (minted or cached). */
export const secureContext = async (
  minter: LeafMinter,
  names: string | ReadonlyArray<string>,
  options?: tls.SecureContextOptions
): Promise<tls.SecureContext> => leafContext(await minter.mint(names), options)

export type SniCallback = (
  servername: string,
  callback: (error: Error | null, context?: tls.SecureContext) => void
) => void

export const sniCallback =
  (minter: LeafMinter, options: SniOptions): SniCallback =>
  (servername, callback) => {
    const names = servername && LeafName.parse(servername) !== undefined ? servername : options.fallbackName
    minter.mint(names).then(
      (leaf) => {
        let context: tls.SecureContext
        try {
          context = leafContext(leaf, options.contextOptions)
        } catch (e) {
          callback(e as Error)
          return
        }
        callback(null, context)
      },
      (e: unknown) => callback(e instanceof Error ? e : new Error(String(e)))
    )
  }

/** Options for `tls.createServer` / `new tls.TLSSocket(socket, { isServer: true, ... })`. */
export const serverOptions = async (minter: LeafMinter, options: SniOptions): Promise<tls.TlsOptions> => {
  const fallback = await minter.mint(options.fallbackName)
  return {
    minVersion: "TLSv1.2",
    ...options.contextOptions,
    key: fallback.keyPem,
    cert: fallback.certPem,
    SNICallback: sniCallback(minter, options)
  }
}
