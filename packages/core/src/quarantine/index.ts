/**
 * The quarantine contract (`QuarantineStore`) and its helpers. The embedded file store is in
 * `@mailmoat/core/node` (`FileQuarantineStore`); the Redis store in `@mailmoat/antispam`.
 *
 * @since 0.1.0
 */
export {
  checkId,
  isValidId,
  type ListOptions,
  type ListPage,
  newId,
  type PutEntry,
  QuarantineError,
  type QuarantineErrorReason,
  type QuarantineMeta,
  QuarantineStore,
  type QuarantineStoreShape,
  type StoredEnvelope,
  type StoredMessage,
  storeEnvelope,
  summarise,
  type VerdictSummary
} from "./QuarantineStore.ts"
export { HEAD_BYTES, headCollector, headerSummary, type HeaderSummary, toStream } from "./HeaderSummary.ts"
