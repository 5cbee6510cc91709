/**
 * @mailmoat/core: the engine. Namespaced exports, like `effect`.
 * @since 0.1.0
 */
export * as Action from "./Action.ts"
export type {
  Answered as BlocklistAnswered,
  BlocklistAnswer,
  BlocklistProvider,
  BlocklistQuery,
  Cancel as BlocklistCancel,
  QueryKind,
  QueryOrigin,
  UnknownReason
} from "./Blocklist.ts"
export * as BoundedMap from "./BoundedMap.ts"
export * as BoundedMemo from "./BoundedMemo.ts"
export * as Envelope from "./Envelope.ts"
export type { MessageEvaluator, RecipientOutcome } from "./Evaluation.ts"
export type { BodyFacts, Header, Headers, Message, MimePart, ReceivedHop } from "./MessageTypes.ts"
export type {
  Decision,
  HeaderChange,
  Phase,
  RecipientDecision,
  Stage,
  StageAnswer,
  StageInput,
  StageResult
} from "./Stage.ts"
export { EMPTY_LIST, emptyList, listOfLength } from "./ListKinds.ts"
export * as StageAnswers from "./StageAnswers.ts"
export * as Later from "./Later.ts"
export * as Engine from "./engine/index.ts"
export * as Deadline from "./Deadline.ts"
export * as DeadlineLanes from "./DeadlineLanes.ts"
export * as Facts from "./Facts.ts"
export * as FiberClock from "./FiberClock.ts"
// Also top-level, for the d.ts bundler (it cannot name types inside namespaces for other packages).
export type { Facts as FactCache, Key as FactKey } from "./Facts.ts"
export type { LookupRecord as BlocklistLookupRecord } from "./blocklist/BlocklistRunner.ts"
export { StageError } from "./StageError.ts"
export type { SymbolDefinition, SymbolHit, SymbolTable } from "./SymbolHit.ts"
export type { StageOutcome, StageTrace, Verdict, VerdictClass } from "./Verdict.ts"

export * as BlocklistRunner from "./blocklist/index.ts"
export * as Dns from "./dns/index.ts"
// Also top-level, for imports by other packages (`Dns.DnsShape` is the same type).
export type {
  DnsAnswer,
  DnsErrorReason,
  DnsOutcome,
  DnsShape,
  LookupOptions as DnsLookupOptions,
  RecordType as DnsRecordType
} from "./dns/Dns.ts"
export type {
  CachedEntry as DnsCachedEntry,
  CachedOutcome as DnsCachedOutcome,
  CacheOptions as DnsCacheOptions,
  DnsCacheStore
} from "./dns/DnsCache.ts"
// The service tag under another name: `Dns` is the namespace.
export { Dns as DnsService } from "./dns/Dns.ts"
export * as IpAddress from "./dns/IpAddress.ts"
export * as MessageModel from "./message/index.ts"
export * as GatewayConfig from "./config/index.ts"
// Also top-level, for the d.ts bundler of packages that make a configuration codec.
export type { Codec as ConfigCodec, ConfigOf, Decoded as ConfigDecoded } from "./config/index.ts"
export * as Pipeline from "./pipeline/index.ts"
export * as Plugins from "./plugins/index.ts"
export * as Policy from "./policy/index.ts"
export * as Quarantine from "./quarantine/index.ts"
// The service tag and its types also at the top level (kept for existing imports).
export { QuarantineStore } from "./quarantine/QuarantineStore.ts"
export type {
  ListOptions as QuarantineListOptions,
  ListPage as QuarantineListPage,
  PutEntry as QuarantinePutEntry,
  QuarantineMeta,
  QuarantineStoreShape,
  StoredEnvelope as QuarantineStoredEnvelope,
  ReleaseClaim as QuarantineReleaseClaim,
  StoredMessage as QuarantineStoredMessage,
  VerdictSummary as QuarantineVerdictSummary
} from "./quarantine/QuarantineStore.ts"

export * as State from "./state/index.ts"
// The service tags and shapes also at the top level, for the same d.ts bundler reason.
export { ListDocuments } from "./state/ListDocuments.ts"
export type { ListDocumentsShape } from "./state/ListDocuments.ts"
export { RateCounter } from "./state/RateCounter.ts"
export type { RateCounterShape } from "./state/RateCounter.ts"
export { TempRejectStore } from "./state/TempRejectStore.ts"
export type { TempRejectStoreShape } from "./state/TempRejectStore.ts"
export { TokenStore } from "./state/TokenStore.ts"
export type { Label as TokenLabel, LearnedCounts, TokenStoreShape } from "./state/TokenStore.ts"

export const VERSION = "0.1.0"
