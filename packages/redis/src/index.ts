/**
 * @mailmoat/redis: Redis implementations of core's shared-state contracts, for several gateways
 * pointing at one Redis (`state.backend: redis`): the process's one connection (standalone,
 * TLS, ACL, Sentinel or Cluster, with deadlines), the key scheme, temporary-rejection records,
 * learned classifier token counts and the quarantine.
 *
 * @since 0.1.0
 */
export * as RedisConnection from "./RedisConnection.ts"
export * as RedisKeys from "./RedisKeys.ts"
export * as RedisQuarantineStore from "./RedisQuarantineStore.ts"
export * as RedisSettings from "./RedisSettings.ts"
export * as RedisTempRejectStore from "./RedisTempRejectStore.ts"
export * as RedisTokenStore from "./RedisTokenStore.ts"
