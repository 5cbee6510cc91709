/**
 * IMAP/POP3 scanning proxy: listener, scanner seam, verdict cache and the protocol seam.
 *
 * @since 0.1.0
 */
export type { Mode, Protocol } from "./Connection.ts"
export { formatProxyLog } from "./Log.ts"
export {
  type ClientTlsOptions,
  listen,
  type MailProxyHandle,
  type MailProxyOptions,
  type ProxyLimits
} from "./MailProxy.ts"
export type { ClientStep, ProxyEvent, ProxySession } from "./ProxySession.ts"
export { ScanBudget } from "./ScanBudget.ts"
export { type MessageScanner, messageKey, PASS, passThrough, type ScanInput, type ScanOutcome } from "./Scanner.ts"
export type { UpstreamTlsOptions } from "./UpstreamTls.ts"
export { VerdictCache, type VerdictCacheOptions } from "./VerdictCache.ts"
