/**
 * @mailmoat/redis: Redis implementations of core's shared-state contracts, for several gateways
 * pointing at one Redis (`state.backend: redis`): the process's one connection (standalone,
 * TLS, ACL, Sentinel or Cluster, with deadlines), the key scheme, temporary-rejection records,
 * learned classifier token counts, reputation counts, the quarantine, and on that connection's client the DNS
 * answer cache, rate-limit and AUTH failure counters, and the imported lists and recipient
 * directory (with change messages).
 *
 * @since 0.1.0
 */
export { RedisDeadlineError, withDeadline } from "./Deadline.ts"
export * as RedisAuthFailureStore from "./RedisAuthFailureStore.ts"
export * as RedisConnection from "./RedisConnection.ts"
export * as RedisDigestLedger from "./RedisDigestLedger.ts"
export * as RedisDnsCacheStore from "./RedisDnsCacheStore.ts"
export * as RedisExpiringValues from "./RedisExpiringValues.ts"
export * as RedisKeys from "./RedisKeys.ts"
export * as RedisListDocuments from "./RedisListDocuments.ts"
export * as RedisQuarantineStore from "./RedisQuarantineStore.ts"
export * as RedisRateCounter from "./RedisRateCounter.ts"
export * as RedisReputationStore from "./RedisReputationStore.ts"
export * as RedisSettings from "./RedisSettings.ts"
export * as RedisTempRejectStore from "./RedisTempRejectStore.ts"
export * as RedisTokenStore from "./RedisTokenStore.ts"
