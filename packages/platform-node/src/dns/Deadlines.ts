/**
 * The built-in resolver's timers for its attempts and its callers' deadlines: core's
 * `DeadlineLanes` (one timer per wait length, the waits of a length queued in the order they
 * began), which began here and now keeps every deadline of a message.
 *
 * Measured on loopback (`bench/dns-question.mjs --wire`), a Node timer set and cleared per
 * question cost as much CPU as the rest of the question's JavaScript.
 *
 * @category layers
 * @since 0.1.0
 */
import { DeadlineLanes } from "@mailmoat/core"

/** A wait: `cancel` before it ends and its callback is never called. */
export type Wait = DeadlineLanes.Wait

export interface Deadlines {
  /** Calls `fire` after `millis` (> 0, finite) unless cancelled first. */
  readonly add: (millis: number, fire: () => void) => Wait
}

/** Lanes of the resolver's own (its attempts' one length, its callers' few). */
export const make = (): Deadlines => DeadlineLanes.make()
