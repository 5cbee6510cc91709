/**
 * TLS interception for the IMAP/POP3 proxies: the local CA (`initCa`, `showCa`, `loadCa`,
 * `trustInstructions`), on-the-fly leaf certificates (`LeafMinter`, `sniCallback`,
 * `serverOptions`), and a listener's per-SNI certificates for allowed names only (`ServerNames`,
 * `MintGate`, `SniCertificates`). See docs/tls-interception.md.
 *
 * @since 0.1.0
 */
export { type CaDescription, type InitCaOptions, initCa, type LoadedCa, loadCa, showCa } from "./Ca.ts"
export { CaError, type CaErrorReason } from "./CaError.ts"
export type { KeyKind, KeyType } from "./KeyPair.ts"
export * as LeafMinter from "./LeafMinter.ts"
export type { Leaf, LeafMinterOptions, MinterStats } from "./LeafMinter.ts"
export * as LeafName from "./LeafName.ts"
export * as MintGate from "./MintGate.ts"
export type { MintGateOptions, MintGateStats, MintRates } from "./MintGate.ts"
export * as Pem from "./Pem.ts"
export * as ServerNames from "./ServerNames.ts"
export * as SniCertificates from "./SniCertificates.ts"
export type { DefaultReason, DefaultReport, SniCertificatesOptions, SniCertificatesStats } from "./SniCertificates.ts"
export { type SniCallback, type SniOptions, secureContext, serverOptions, sniCallback } from "./SniCallback.ts"
export { trustInstructions } from "./TrustInstructions.ts"
