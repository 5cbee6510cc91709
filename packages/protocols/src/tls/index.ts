/**
 * TLS interception for the IMAP/POP3 proxies: the local CA (`initCa`, `showCa`, `loadCa`,
 * `trustInstructions`) and on-the-fly leaf certificates (`LeafMinter`, `sniCallback`,
 * `serverOptions`). See docs/tls-interception.md.
 *
 * @since 0.1.0
 */
export { type CaDescription, type InitCaOptions, initCa, type LoadedCa, loadCa, showCa } from "./Ca.ts"
export { CaError, type CaErrorReason } from "./CaError.ts"
export type { KeyKind, KeyType } from "./KeyPair.ts"
export * as LeafMinter from "./LeafMinter.ts"
export type { Leaf, LeafMinterOptions, MinterStats } from "./LeafMinter.ts"
export * as LeafName from "./LeafName.ts"
export * as Pem from "./Pem.ts"
export { type SniCallback, type SniOptions, secureContext, serverOptions, sniCallback } from "./SniCallback.ts"
export { trustInstructions } from "./TrustInstructions.ts"
