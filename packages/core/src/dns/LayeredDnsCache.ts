/**
 * A two-level `DnsCacheStore`: this process's memory in front of a store several gateways share
 * (Redis), so a fleet asks a list once per answer TTL, not once per node.
 *
 * A lookup reads the local store first; on a local miss it reads the shared store and keeps what
 * it found locally until the same expiry. A fresh answer is written to both. The shared store
 * decides what its failures mean; the contract is that `get` never fails (a shared store that is
 * down answers "nothing cached", so the caller asks DNS: a cache failure is never a verdict).
 *
 * **Gotchas**
 * - The local copy keeps the shared entry's `expiresAt`, so an answer is never used past its TTL
 *   anywhere in the fleet, however it travelled.
 * - `size()` and `peek` are the local store's: counting or reading a shared store is a network call.
 *
 * @category services
 * @since 0.1.0
 */
import { Clock, Effect } from "effect"
import type { DnsCacheStore } from "./DnsCache.ts"

export const makeLayeredStore = (local: DnsCacheStore, shared: DnsCacheStore): DnsCacheStore => ({
  get: (key) =>
    Effect.gen(function* () {
      const now = yield* Clock.currentTimeMillis
      const near = yield* local.get(key)
      if (near !== undefined && near.expiresAt > now) return near
      const far = yield* shared.get(key)
      if (far === undefined || far.expiresAt <= now) return undefined
      yield* local.set(key, far)
      return far
    }),
  set: (key, entry) => Effect.andThen(local.set(key, entry), shared.set(key, entry)),
  size: () => local.size(),
  // Only the local memory answers at once; a local miss goes through `get` (the shared store).
  peek: local.peek
})
