/**
 * @mailmoat/redis: Redis implementations of core's shared-state contracts, for several gateways
 * pointing at one Redis (`state.backend: redis`): temporary-rejection records, learned
 * classifier token counts, the quarantine, the DNS answer cache, rate-limit and AUTH failure
 * counters, and the imported lists and recipient directory (with change messages).
 *
 * @since 0.1.0
 */
export { type RedisClient, RedisDeadlineError, withDeadline } from "./Deadline.ts"
export * as RedisAuthFailureStore from "./RedisAuthFailureStore.ts"
export * as RedisDnsCacheStore from "./RedisDnsCacheStore.ts"
export * as RedisListDocuments from "./RedisListDocuments.ts"
export * as RedisQuarantineStore from "./RedisQuarantineStore.ts"
export * as RedisRateCounter from "./RedisRateCounter.ts"
export * as SharedClient from "./SharedClient.ts"
export * as RedisTempRejectStore from "./RedisTempRejectStore.ts"
export * as RedisTokenStore from "./RedisTokenStore.ts"
