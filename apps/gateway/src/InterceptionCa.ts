/**
 * The IMAP/POP3 proxies' interception CA (`protocols.ca`), checked the same way wherever it is
 * taken in: at start, at a reload, and by `mailmoat config validate` (`checkInterceptionCa`).
 *
 * | what | start | reload | `config validate` |
 * | --- | --- | --- | --- |
 * | files unreadable, not PEM, key not PKCS#8 or not the certificate's, key readable by others | refused | refused (422) | problem (exit 2) |
 * | not a CA (basicConstraints CA:TRUE), or keyUsage without keyCertSign | refused | refused | problem |
 * | not valid now (expired, not yet valid) | refused | refused | problem |
 * | expires within `EXPIRY_WARNING_DAYS` | served, warned twice a day | taken | warning (exit 0) |
 *
 * keyCertSign matters because a verifier (OpenSSL, and so Node, and most mail clients) refuses a
 * certificate whose issuer has a keyUsage extension without it: the proxies would serve
 * certificates no client accepts, so it is refused like a key that does not belong. A CA with no
 * keyUsage extension at all may sign (RFC 5280 §4.2.1.3 only binds a CA that has one).
 *
 * @category constructors
 * @since 0.1.0
 */
import { X509Certificate } from "node:crypto"
import { resolve } from "node:path"
import type { GatewayConfig } from "@mailmoat/antispam"
import { Interception } from "@mailmoat/protocols"
import { StartupError } from "./StartupError.ts"

type CaConfig = GatewayConfig.ProtocolsConfig["ca"]

/** The proxies warn this long before the CA (and every leaf it signed) expires. */
export const EXPIRY_WARNING_DAYS = 7
const DAY_MS = 86_400_000

/** True when the configuration has listeners that intercept TLS: the CA is loaded at start. */
export const usesInterceptionCa = (protocols: GatewayConfig.ProtocolsConfig): boolean =>
  protocols.filtering && protocols.tlsFiltering && protocols.listeners.length > 0

const badCa = (detail: string, cause?: unknown) =>
  new StartupError({ key: "protocols.ca", reason: "BadCertificate", detail, cause })

/**
 * Loads the CA for minting (`Interception.loadCa`: a CA certificate valid at `now`, its key
 * private and its own). An unreadable CA names `mailmoat ca init`; every refusal is a
 * `StartupError` on `protocols.ca` naming the files.
 */
export const loadInterceptionCa = async (
  ca: CaConfig,
  base: string,
  now: number = Date.now()
): Promise<Interception.LoadedCa> => {
  const certPath = resolve(base, ca.cert)
  const keyPath = resolve(base, ca.key)
  let loaded: Interception.LoadedCa
  try {
    loaded = await Interception.loadCa({ certPath, keyPath, now: new Date(now) })
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error)
    if (error instanceof Interception.CaError && error.reason === "Io")
      throw badCa(
        `the interception CA cannot be read (${certPath}, ${keyPath}): ${message}; ` +
          "create it with `npx mailmoat ca init`, or set protocols.tlsFiltering: false to pass TLS through unscanned",
        error
      )
    throw badCa(
      message.includes(certPath) || message.includes(keyPath) ? message : `${keyPath}, ${certPath}: ${message}`,
      error
    )
  }
  const problem = signingProblem(loaded.certPem)
  if (problem !== undefined) throw badCa(`${certPath} ${problem}`)
  return loaded
}

/**
 * Why certificates signed by `caPem` would not verify, or undefined. OpenSSL's CA test (Node's
 * `X509Certificate.ca`) is basicConstraints CA:TRUE and, when keyUsage is present, keyCertSign.
 */
export const signingProblem = (caPem: string): string | undefined =>
  new X509Certificate(caPem).ca
    ? undefined
    : "cannot sign certificates: its keyUsage lacks keyCertSign, so clients would refuse every certificate the proxies mint (make a new CA with `mailmoat ca init --force`)"

/**
 * Checks that `leafPem`, just minted, verifies against the CA: issued by it (names, key
 * identifier, keyCertSign) and signed by its key. The start and a reload check the first leaf
 * they mint, so a CA the proxies cannot use is refused before a client sees it.
 */
export const checkLeaf = (caPem: string, leafPem: string, certFile: string): void => {
  const ca = new X509Certificate(caPem)
  const leaf = new X509Certificate(leafPem)
  if (!leaf.checkIssued(ca) || !leaf.verify(ca.publicKey))
    throw badCa(`${certFile}: a certificate it signed does not verify against it`)
}

/** How soon the CA expires, as a warning, or undefined when it has longer than `EXPIRY_WARNING_DAYS`. */
export const expiryWarning = (caPem: string, certFile: string, now: number): string | undefined => {
  const notAfter = Date.parse(new X509Certificate(caPem).validTo)
  if (notAfter - now >= EXPIRY_WARNING_DAYS * DAY_MS) return undefined
  return `protocols.ca.cert: ${certFile} expires ${new Date(notAfter).toISOString()}, and every certificate the proxies mint with it; make a new CA (\`mailmoat ca init --force\`) and have clients trust it`
}

export interface CaCheck {
  /** What the start would refuse (`protocols.ca: ...`). */
  readonly problems: ReadonlyArray<string>
  /** What the start takes but an admin should know. */
  readonly warnings: ReadonlyArray<string>
}

/**
 * `mailmoat config validate`'s check of the CA, by the start's rules (table above): loaded as
 * the start loads it, a leaf minted and verified against it, its expiry looked at. Nothing when
 * no listener intercepts TLS (the start does not load it either).
 */
export const checkInterceptionCa = async (
  protocols: GatewayConfig.ProtocolsConfig,
  base: string,
  now: number = Date.now()
): Promise<CaCheck> => {
  if (!usesInterceptionCa(protocols)) return { problems: [], warnings: [] }
  try {
    const loaded = await loadInterceptionCa(protocols.ca, base, now)
    const minter = await Interception.LeafMinter.make(loaded, { now: () => now })
    checkLeaf(loaded.certPem, (await minter.mint("mailmoat-validate.invalid")).certPem, protocols.ca.cert)
    const warning = expiryWarning(loaded.certPem, protocols.ca.cert, now)
    return { problems: [], warnings: warning === undefined ? [] : [warning] }
  } catch (error) {
    if (error instanceof StartupError) return { problems: [error.message], warnings: [] }
    throw error
  }
}
