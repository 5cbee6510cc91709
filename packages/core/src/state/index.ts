/**
 * Shared-state contracts with their memory implementations: temporary-rejection records,
 * learned classifier token counts, imported list documents and rate-limit counters. Node (file) implementations are
 * in `@mailmoat/platform-node`, Redis ones in `@mailmoat/redis`.
 *
 * @since 0.1.0
 */
export type { ListDocumentsShape } from "./ListDocuments.ts"
export {
  isListDocumentChanged,
  ListDocumentChanged,
  ListDocuments,
  layerMemory as layerMemoryListDocuments,
  makeMemory as makeMemoryListDocuments
} from "./ListDocuments.ts"
export type { RateCounterShape } from "./RateCounter.ts"
export {
  layerMemory as layerMemoryRateCounter,
  makeMemory as makeMemoryRateCounter,
  RateCounter
} from "./RateCounter.ts"
export type { TempRejectStoreShape } from "./TempRejectStore.ts"
export {
  layerMemory as layerMemoryTempRejectStore,
  makeMemory as makeMemoryTempRejectStore,
  TempRejectStore
} from "./TempRejectStore.ts"
export type { Label as TokenLabel, LearnedCounts, TokenStoreShape } from "./TokenStore.ts"
export { layerMemory as layerMemoryTokenStore, makeMemory as makeMemoryTokenStore, TokenStore } from "./TokenStore.ts"
