/**
 * DNS: the `Dns` service contract, a TTL cache (with a local layer in front of a shared store), IP parsing / reverse names, and a static
 * implementation for tests. The Node layer lives in `@mailmoat/platform-node` (`NodeDns`).
 *
 * @since 0.1.0
 */
export type {
  Answered,
  Cancel,
  DnsAnswer,
  DnsErrorReason,
  DnsOutcome,
  DnsShape,
  Immediate,
  LookupOptions,
  RecordType
} from "./Dns.ts"
export {
  Dns,
  DnsError,
  DnsErrorReasons,
  dnsError,
  lookup,
  normaliseName,
  peek,
  resolveFromLookup,
  timeoutError,
  withTimeout
} from "./Dns.ts"
export type { CachedDns, CachedEntry, CachedOutcome, CacheOptions, DnsCacheStore } from "./DnsCache.ts"
export { makeMemoryStore, withCache } from "./DnsCache.ts"
export { makeLayeredStore } from "./LayeredDnsCache.ts"
export type { StaticDns, StaticEntry, StaticRecords, StaticZone } from "./StaticDns.ts"
export { layerStatic, makeStatic } from "./StaticDns.ts"
export * as Wire from "./wire/index.ts"
