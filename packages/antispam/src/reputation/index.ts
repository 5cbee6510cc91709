/**
 * Reputation counters: how mail from a client IP, its network and an authenticated sender
 * domain was judged, decayed over time, added to the next message's score.
 *
 * @since 0.1.0
 */
export * as Decay from "./Decay.ts"
export * as History from "./History.ts"
export * as Keys from "./Keys.ts"
export * as Listing from "./Listing.ts"
export * as KeyText from "./KeyText.ts"
export * as MemoryReputationStore from "./MemoryReputationStore.ts"
export type { Bucket, Label, ReputationStoreShape, WalkPage, WalkQuery, Window } from "./ReputationStore.ts"
export * as ReputationStage from "./ReputationStage.ts"
export { ReputationSymbols } from "./symbols.ts"
export * as Score from "./Score.ts"
export * as Update from "./Update.ts"
