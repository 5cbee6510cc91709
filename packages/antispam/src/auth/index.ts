/**
 * Sender authentication: SPF (MAIL FROM and HELO), DKIM, DMARC and ARC through mailauth and our
 * `Dns`, as facts, symbols, an `Authentication-Results` header and DMARC enforcement.
 *
 * @since 0.1.0
 */
export type { ArcFact, AuthFacts, DkimFact, DmarcFact, SpfFact } from "./AuthFacts.ts"
export type { AuthInput, AuthSettings } from "./AuthSettings.ts"
export { resolveAuth } from "./AuthSettings.ts"
export { AuthSymbols, symbolsOf } from "./AuthSymbols.ts"
export * as Authenticate from "./Authenticate.ts"
export * as AuthStage from "./AuthStage.ts"
export * as AuthModule from "./AuthModule.ts"
export * as DmarcEnforcement from "./DmarcEnforcement.ts"
