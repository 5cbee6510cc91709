/**
 * The gateway's quarantine: the core `QuarantineStore` the configuration names, the embedded
 * file store under `quarantine.path` by default, or the Redis store with `state.backend: redis`
 * (message bytes in Redis too, so `mailmoat quarantine release` works from any node). `put`
 * resolves only once the message and its metadata are durable; any failure rejects, and the SMTP
 * handler answers 451 so nothing is lost.
 *
 * @category services
 * @since 0.1.0
 */
import type { Envelope, Quarantine as Q } from "@mailmoat/core"
import { describeState, quarantineStore, type StateSettings } from "./StateStores.ts"

export interface QuarantineEntry {
  readonly envelope: Envelope.Envelope
  /** The recipients this copy was quarantined for. */
  readonly recipients: ReadonlyArray<string>
  readonly reason: string
  readonly verdict?: Q.VerdictSummary | undefined
}

export interface Quarantine {
  /** Where entries live, for the start banner and the status. */
  readonly describe: string
  /** Stores the message durably; resolves with its id. */
  readonly put: (entry: QuarantineEntry, source: () => AsyncIterable<Uint8Array>) => Promise<string>
  /** The store itself, for the admin API, the quarantine pages and the digest. */
  readonly store: Q.QuarantineStoreShape
  readonly close: () => Promise<void>
}

export interface QuarantineSettings {
  readonly path: string
  readonly state: StateSettings
}

export const openQuarantine = (settings: QuarantineSettings): Quarantine => {
  const store = quarantineStore(settings.path, settings.state)
  return {
    describe: settings.state.backend === "redis" ? describeState(settings.state) : settings.path,
    store,
    put: (entry, source) =>
      store.put({
        envelope: entry.envelope,
        recipients: entry.recipients,
        reason: entry.reason,
        verdict: entry.verdict,
        message: source
      }),
    close: () => store.close()
  }
}
