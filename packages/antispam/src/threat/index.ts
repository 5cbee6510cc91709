/**
 * The threat scanner: a clamd INSTREAM client, the data-phase stage, and the rewrites for
 * `onThreat: replace | block` (IMAP/POP3 proxies); the SMTP path's `antispam.virus` options and
 * symbols.
 *
 * @since 0.1.0
 */
export { ClamdClient, type ClamdOptions, type ScanInput } from "./ClamdClient.ts"
export * as ClamdReply from "./ClamdReply.ts"
export type { ScanResult, UnavailableReason } from "./ClamdReply.ts"
export * as MimeWalk from "./MimeWalk.ts"
export { headerEnd, replaceThreatParts } from "./ReplaceParts.ts"
export { blockNotice, partNotice, type Threat } from "./ThreatNotice.ts"
export { makeThreatStage, scanMessage, type ThreatFacts, type ThreatStageOptions } from "./ThreatStage.ts"
export { ThreatSymbols } from "./ThreatSymbols.ts"
export { VIRUS_BYPASSES, type VirusBypass } from "./options.ts"
export { VirusSymbols } from "./VirusSymbols.ts"
