export {
  type AntispamCounters,
  type AntispamServices,
  type AntispamStatus,
  makeServerAntispam,
  type ServerAntispam
} from "./module/ServerAntispam.ts"
export { type ClientAntispam, type ClientAntispamServices, makeClientAntispam } from "./module/ClientAntispam.ts"
export * as StageSets from "./stages/StageSets.ts"
export type { StageContext } from "./stages/StageContext.ts"
export {
  type AntispamInput,
  type AntispamSettings,
  type OnSpam,
  resolve as resolveAntispamSettings
} from "./Settings.ts"
/** The gateway configuration with the built-in stages' `antispam` section (decode, defaults, types). */
export * as GatewayConfig from "./config/GatewayConfig.ts"
export { AntispamSection } from "./config/AntispamSection.ts"
export { AntispamConfigError } from "./config/AntispamConfigError.ts"
export * as AntispamSymbols from "./Symbols.ts"
export * as AnalysisSubmitter from "./analysis/AnalysisSubmitter.ts"
export * as Auth from "./auth/index.ts"
export * as AuthResults from "./auth/AuthResultsHeader.ts"
export * as RecipientDirectory from "./bypass/RecipientDirectory.ts"
export * as SenderAuth from "./bypass/SenderAuth.ts"
export * as BodyTargets from "./dnsbl/BodyTargets.ts"
export * as EndUserList from "./enduser/EndUserList.ts"
export * as MailServerEvidence from "./enduser/MailServerEvidence.ts"
export * as ListHealth from "./health/ListHealth.ts"
export * as ListFile from "./lists/ListFile.ts"
export * as ListStore from "./lists/ListStore.ts"
export { formatListFile, parseListFile } from "./lists/ListFile.ts"
export * as CidrSet from "./net/CidrSet.ts"
export * as DnsZoneProvider from "./rbl/DnsZoneProvider.ts"
export * as ReceivedChain from "./received/ReceivedChain.ts"
export * as Reputation from "./reputation/index.ts"
export * as TempReject from "./tempreject/TempReject.ts"
export * as Threat from "./threat/index.ts"
export * as Classifier from "./classifier/index.ts"
