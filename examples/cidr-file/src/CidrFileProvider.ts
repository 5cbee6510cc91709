/**
 * A blocklist provider backed by a local list file (see `ListFile`), kept current by
 * `WatchedList`. Lookups are in-memory; answers are not cached by the engine (`ttlSeconds: 0`)
 * so a reload takes effect on the next message.
 *
 * @category constructors
 * @since 0.1.0
 */
import { defineBlocklistProvider, type QueryKind } from "@mailmoat/sdk"
import { match } from "./ListFile.ts"
import type { WatchedList } from "./WatchedList.ts"

export interface CidrFileProviderOptions {
  readonly name?: string | undefined
  readonly kinds?: ReadonlyArray<QueryKind> | undefined
  /** Suggested score of a listing (the policy may override it). */
  readonly score?: number | undefined
  readonly file: string
}

export const cidrFileProvider = (list: WatchedList, options: CidrFileProviderOptions) =>
  defineBlocklistProvider({
    name: options.name ?? "cidr-file",
    kinds: options.kinds ?? ["ip", "domain", "address"],
    timeoutMillis: 100,
    check: (query) => {
      const entry = match(list.current(), query.kind, query.value)
      return entry === undefined
        ? { listed: false, ttlSeconds: 0 }
        : { listed: true, codes: [entry], score: options.score, reason: `listed in ${options.file}`, ttlSeconds: 0 }
    }
  })
