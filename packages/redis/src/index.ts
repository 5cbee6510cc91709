/**
 * @mailmoat/redis: Redis implementations of core's shared-state contracts, for several gateways
 * pointing at one Redis (`state.backend: redis`): temporary-rejection records, learned
 * classifier token counts and the quarantine.
 *
 * @since 0.1.0
 */
export * as RedisQuarantineStore from "./RedisQuarantineStore.ts"
export * as RedisTempRejectStore from "./RedisTempRejectStore.ts"
export * as RedisTokenStore from "./RedisTokenStore.ts"
