/**
 * One release per quarantine entry: of several concurrent releases (API calls, page clicks, digest
 * links) exactly one re-injects the message; the others end with `Released` (HTTP 409).
 *
 * When the store offers `claim` (atomic across processes and nodes) it is used. Otherwise the
 * claim is taken in this process, which covers every release that goes through this gateway's
 * admin server; completed releases are remembered (bounded) so a late release answers "already
 * released" rather than "not found".
 *
 * @category services
 * @since 0.1.0
 */
import type { QuarantineStoreShape } from "@mailmoat/core"

export interface Claim {
  /** The message was delivered: remove the entry and remember the release. */
  readonly complete: () => Promise<void>
  /** The release failed: the entry stays and can be released again. */
  readonly abandon: () => Promise<void>
}

/** Same `reason` as the stores' own error for a lost claim. */
export class AlreadyReleased extends Error {
  readonly reason = "Released"
}

type ClaimingStore = QuarantineStoreShape & { readonly claim?: ((id: string) => Promise<Claim>) | undefined }

const REMEMBERED = 10_000

export const makeReleaseClaims = (store: QuarantineStoreShape, now: () => number = Date.now) => {
  const claiming = store as ClaimingStore
  const inFlight = new Map<string, string>()
  const released = new Map<string, string>()

  const local = async (id: string): Promise<Claim> => {
    const done = released.get(id)
    if (done !== undefined) throw new AlreadyReleased(`${id} was already released (at ${done})`)
    const since = inFlight.get(id)
    if (since !== undefined) throw new AlreadyReleased(`${id} is already being released (since ${since})`)
    inFlight.set(id, new Date(now()).toISOString())
    return {
      complete: async () => {
        try {
          await store.remove(id)
        } finally {
          inFlight.delete(id)
        }
        released.set(id, new Date(now()).toISOString())
        if (released.size > REMEMBERED) released.delete(released.keys().next().value!)
      },
      abandon: async () => {
        inFlight.delete(id)
      }
    }
  }

  return {
    claim: (id: string): Promise<Claim> => (typeof claiming.claim === "function" ? claiming.claim(id) : local(id))
  }
}

export type ReleaseClaims = ReturnType<typeof makeReleaseClaims>

/** True for the error a lost claim ends with. */
export const isReleased = (e: unknown): boolean => (e as { reason?: string } | undefined)?.reason === "Released"
