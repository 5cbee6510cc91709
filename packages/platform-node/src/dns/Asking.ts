/**
 * The `Dns` contract's three forms (`query` by callback, `lookup`, `resolve`) over a resolver
 * that answers one question by callback, with the caller's deadline as one timer beside the
 * question: shared by the built-in resolver and the c-ares one.
 *
 * A question's outcome arriving after its deadline, or after `Cancel`, is dropped. PTR takes an
 * IP address or a reverse name.
 *
 * @category layers
 * @since 0.1.0
 */
import { Effect, Exit } from "effect"
import type { Deadlines } from "./Deadlines.ts"
import {
  Dns as CoreDns,
  Deadline,
  type DnsOutcome,
  type DnsLookupOptions as LookupOptions,
  type DnsRecordType as RecordType,
  type DnsShape,
  IpAddress
} from "@mailmoat/core"

const { normaliseName, resolveFromLookup, timeoutError } = CoreDns

type Told = Exit.Exit<DnsOutcome, CoreDns.DnsError>

/** Asks `name` (already in `normaliseName`'s or reverse form); tells once; returns a stop. */
export type Question = (type: RecordType, name: string, told: (exit: Told) => void) => () => void

/** The process's deadline lanes (core's `Deadline.timer`, which lets an answer read in the same turn win): the c-ares resolver's callers' deadlines. */
const ownTimers: Deadlines = { add: Deadline.timer }

/**
 * The uncached `DnsShape` over `question`; `defaultTimeout` for lookups that give none (0 = none);
 * the callers' deadlines kept by `deadlines` (default: the process's lanes, one timer per length).
 */
export const makeShape = (question: Question, defaultTimeout: number, deadlines: Deadlines = ownTimers): DnsShape => {
  const ask = (type: RecordType, rawName: string, millis: number, answered: CoreDns.Answered): CoreDns.Cancel => {
    const ip = type === "PTR" ? IpAddress.parse(rawName) : undefined
    const name = ip ? IpAddress.ptrName(ip) : normaliseName(rawName)
    let over = false
    const timer =
      millis > 0 && Number.isFinite(millis)
        ? deadlines.add(millis, () => {
            over = true
            stop()
            answered(Exit.fail(timeoutError(type, name, millis)))
          })
        : undefined
    const stop = question(type, name, (exit) => {
      if (over) return
      over = true
      timer?.cancel()
      answered(exit)
    })
    return () => {
      over = true
      timer?.cancel()
      stop()
    }
  }
  const lookup = (
    type: RecordType,
    rawName: string,
    options?: LookupOptions
  ): Effect.Effect<DnsOutcome, CoreDns.DnsError> =>
    Effect.callback<DnsOutcome, CoreDns.DnsError>((resume) => {
      const cancel = ask(type, rawName, options?.timeoutMillis ?? defaultTimeout, resume)
      return Effect.sync(cancel)
    })
  // `query` takes its deadline as given (0 = none): the cache asks its shared questions so.
  return {
    lookup,
    resolve: resolveFromLookup(lookup),
    query: (type, name, millis, _now, answered) => ask(type, name, millis, answered)
  }
}
