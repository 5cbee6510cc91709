/**
 * What happens to a message for one recipient: the engine's outcome, after the stages'
 * decisions (`Decision`), the policy and the verdict steps. Core never knows SMTP codes: the
 * gateway groups a transaction's actions into one plan (one reply after DATA) and answers from
 * its reply table (docs/architecture.md, "What to do").
 *
 * @category models
 * @since 0.1.0
 */
import type { HeaderChange } from "./Stage.ts"

export type Action =
  /**
   * Deliver, optionally adding headers and a subject prefix; `changes` are the header changes
   * stages asked for, applied after `addHeaders`.
   */
  | {
      readonly _tag: "Deliver"
      readonly addHeaders: ReadonlyArray<readonly [string, string]>
      readonly subjectPrefix?: string | undefined
      readonly changes?: ReadonlyArray<HeaderChange> | undefined
    }
  /** Store in the quarantine (with envelope and verdict) and accept. */
  | { readonly _tag: "Quarantine"; readonly reason: string }
  /** Permanent rejection (5xx). */
  | { readonly _tag: "Reject"; readonly reason: string }
  /** Accept and discard: no delivery, no bounce. */
  | { readonly _tag: "Drop"; readonly reason: string }
  /** Temporary rejection (4xx); the sender retries. */
  | { readonly _tag: "Tempfail"; readonly reason: string }

/**
 * A delivery, always built here with all its fields in one order, so that every `Deliver` has
 * one hidden class: a copy made by spreading one and adding `changes` (`{ ...action, changes }`)
 * gets a hidden class of its own on Node 20, every time, and turns each site that reads an
 * action megamorphic (bench/map-sites.mjs finds such sites; docs/performance.md, "The first
 * run's deopts, 2026-12-07 morning").
 */
export const deliver = (
  addHeaders: ReadonlyArray<readonly [string, string]> = [],
  subjectPrefix?: string,
  changes?: ReadonlyArray<HeaderChange>
): Action => ({
  _tag: "Deliver",
  addHeaders,
  subjectPrefix,
  changes
})
export const quarantine = (reason: string): Action => ({ _tag: "Quarantine", reason })
export const reject = (reason: string): Action => ({ _tag: "Reject", reason })
export const drop = (reason: string): Action => ({ _tag: "Drop", reason })
export const tempfail = (reason: string): Action => ({ _tag: "Tempfail", reason })
