/**
 * The quarantine contract (`QuarantineStore`) and its helpers. The embedded file store is in
 * `@mailmoat/platform-node` (`FileQuarantineStore`); the Redis store in `@mailmoat/redis`.
 *
 * @since 0.1.0
 */
import type * as H from "./HeaderSummary.ts"
import type * as L from "./ListQuery.ts"
import type * as S from "./QuarantineStore.ts"

// Types are declared here as aliases, not re-exported: the d.ts bundler turns interfaces
// re-exported from a chunk shared with another entry (`node`) into values inside the namespace.
export type ListFilter = S.ListFilter
export type ListOptions = S.ListOptions
export type ListRow = L.ListRow
export type ListPage = S.ListPage
export type PutEntry = S.PutEntry
export type QuarantineErrorReason = S.QuarantineErrorReason
export type QuarantineMeta = S.QuarantineMeta
export type QuarantineStoreShape = S.QuarantineStoreShape
export type ReleaseClaim = S.ReleaseClaim
export type StoredEnvelope = S.StoredEnvelope
export type StoredMessage = S.StoredMessage
export type VerdictSummary = S.VerdictSummary
export type HeaderSummary = H.HeaderSummary
export {
  alreadyReleased,
  CLAIM_LEASE_MS,
  checkId,
  isValidId,
  newId,
  QuarantineError,
  QuarantineStore,
  RELEASED_MEMORY_MS,
  storeEnvelope,
  summarise
} from "./QuarantineStore.ts"
export { compareKeys, compileFilter, keyOf, needsText, pageOf, receivedIso, rowOf } from "./ListQuery.ts"
export { HEAD_BYTES, headCollector, headerSummary, toStream } from "./HeaderSummary.ts"
