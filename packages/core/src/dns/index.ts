/**
 * DNS: the `Dns` service contract, a TTL cache, IP parsing / reverse names, and a static
 * implementation for tests. The Node layer lives in `@mailmoat/core/node` (`NodeDns`).
 *
 * @since 0.1.0
 */
export { type DnsAnswer, Dns, DnsError, type DnsErrorReason, DnsErrorReasons, type DnsShape, type LookupOptions, normaliseName, type RecordType, withTimeout } from "./Dns.ts"
export { type CachedEntry, type CachedOutcome, type CacheOptions, type DnsCacheStore, makeMemoryStore, withCache } from "./DnsCache.ts"
export { layerStatic, makeStatic, type StaticDns, type StaticEntry, type StaticRecords, type StaticZone } from "./StaticDns.ts"
