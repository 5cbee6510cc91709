/**
 * List health: every zone is probed with the RFC 5782 §5 test points and suspended when it
 * misbehaves, then resumed when it is healthy again.
 *
 * Test points: IP zones must list 127.0.0.2 and must not list 127.0.0.1; domain zones must
 * list `test` and must not list `invalid`. A zone is **suspended** when
 * - it lists the must-not-list point (it "lists everything": a wildcard or a hijacked resolver),
 * - it answers an error code (127.255.255.x) or outside 127/8 for a test point, or
 * - `failuresToSuspend` probes in a row time out or fail (SERVFAIL, REFUSED).
 * It **resumes** after one clean probe. A zone that does not list its must-list point is only
 * noted (`missingTestPoint`), not suspended: that is harmless for us.
 *
 * Probes go through an uncached runner, so a cached answer never hides a broken zone. Time is
 * the fiber's `Clock`; suspensions (warning) and resumptions (info) go to the fiber's logger,
 * so the owner's logger gets them when it runs the rounds (`start`'s `fork`).
 *
 * @category services
 * @since 0.1.0
 */
import type { BlocklistAnswer, BlocklistProvider, QueryKind } from "@mailmoat/core"
import { BlocklistRunner } from "@mailmoat/core"
import { Clock, Duration, Effect, Fiber, Schedule } from "effect"

export type ZoneState = "unknown" | "healthy" | "suspended"

export interface ZoneHealth {
  readonly zone: string
  readonly state: ZoneState
  readonly reason?: string | undefined
  readonly consecutiveFailures: number
  readonly missingTestPoint: boolean
  readonly lastProbeAt?: number | undefined
  readonly suspensions: number
}

export interface HealthOptions {
  readonly failuresToSuspend?: number | undefined
}

/** Runs the probing rounds in the owner's context (its logger and Clock); returns the fiber. */
export type Fork = (rounds: Effect.Effect<void>) => Fiber.Fiber<void>

const points = (kinds: ReadonlyArray<QueryKind>) =>
  kinds.includes("ip")
    ? { kind: "ip" as const, listed: "127.0.0.2", unlisted: "127.0.0.1" }
    : { kind: "domain" as const, listed: "test", unlisted: "invalid" }

const failureText = (a: BlocklistAnswer) =>
  a._tag === "Unknown" ? `${a.reason}${a.detail ? ` ${a.detail}` : ""}` : a._tag

export interface ListHealth {
  /** Probes every zone once; returns the new states. */
  readonly probeAll: Effect.Effect<ReadonlyArray<ZoneHealth>>
  readonly isSuspended: (zone: string) => boolean
  readonly status: () => ReadonlyArray<ZoneHealth>
  /**
   * Probes now and then every `intervalMillis` until the returned stop function is called;
   * `fork` runs the rounds (default: a fiber of the default runtime, no logger of the owner's).
   */
  readonly start: (intervalMillis: number, fork?: Fork) => () => void
}

export const make = (providers: ReadonlyArray<BlocklistProvider>, options: HealthOptions = {}): ListHealth => {
  const runner = BlocklistRunner.make({ cache: false })
  const limit = options.failuresToSuspend ?? 3
  const state = new Map<string, ZoneHealth>(
    providers.map((p) => [
      p.name,
      { zone: p.name, state: "unknown", consecutiveFailures: 0, missingTestPoint: false, suspensions: 0 }
    ])
  )

  const update = (
    p: BlocklistProvider,
    listed: BlocklistAnswer,
    unlisted: BlocklistAnswer,
    at: number
  ): Effect.Effect<ZoneHealth> => {
    const prev = state.get(p.name)!
    let verdict: { bad: true; reason: string; immediate: boolean } | { bad: false }
    if (unlisted._tag === "Listed")
      verdict = { bad: true, reason: "lists everything (lists its must-not-list test point)", immediate: true }
    else if (unlisted._tag === "Unknown" && (unlisted.reason === "ResolverBlocked" || unlisted.reason === "Broken"))
      verdict = { bad: true, reason: `error answer: ${failureText(unlisted)}`, immediate: true }
    else if (listed._tag === "Unknown" && (listed.reason === "ResolverBlocked" || listed.reason === "Broken"))
      verdict = { bad: true, reason: `error answer: ${failureText(listed)}`, immediate: true }
    else if (unlisted._tag === "Unknown" || listed._tag === "Unknown")
      verdict = {
        bad: true,
        reason: `no answer: ${failureText(unlisted._tag === "Unknown" ? unlisted : listed)}`,
        immediate: false
      }
    else verdict = { bad: false }

    const failures = verdict.bad ? prev.consecutiveFailures + 1 : 0
    const suspend = verdict.bad && (verdict.immediate || failures >= limit)
    const nextState: ZoneState = suspend ? "suspended" : verdict.bad ? prev.state : "healthy"
    const next: ZoneHealth = {
      zone: p.name,
      state: nextState,
      reason: verdict.bad ? verdict.reason : undefined,
      consecutiveFailures: failures,
      missingTestPoint: listed._tag === "NotListed",
      lastProbeAt: at,
      suspensions: prev.suspensions + (nextState === "suspended" && prev.state !== "suspended" ? 1 : 0)
    }
    state.set(p.name, next)
    if (nextState === "suspended" && prev.state !== "suspended")
      return Effect.as(
        Effect.logWarning(`list health: zone ${p.name} suspended: ${verdict.bad ? verdict.reason : ""}`),
        next
      )
    if (nextState === "healthy" && prev.state === "suspended")
      return Effect.as(Effect.logInfo(`list health: zone ${p.name} resumed`), next)
    return Effect.succeed(next)
  }

  const probe = (p: BlocklistProvider) => {
    const pt = points(p.kinds)
    return Effect.all(
      [runner.lookup(p, { kind: pt.kind, value: pt.listed }), runner.lookup(p, { kind: pt.kind, value: pt.unlisted })],
      {
        concurrency: 2
      }
    ).pipe(
      Effect.flatMap(([a, b]) => Effect.flatMap(Clock.currentTimeMillis, (at) => update(p, a.answer, b.answer, at)))
    )
  }

  const probeAll = Effect.forEach(providers, probe, { concurrency: 8 })

  // A scheduled fiber: probe now, then `intervalMillis` after each round ends (rounds never
  // overlap, a slow round delays the next); stopping interrupts it, a probe in flight included.
  const start = (intervalMillis: number, fork: Fork = Effect.runFork) => {
    const rounds = probeAll.pipe(
      Effect.ignore,
      Effect.repeat(Schedule.spaced(Duration.millis(Math.max(1000, intervalMillis)))),
      Effect.asVoid
    )
    const fiber = fork(rounds)
    return () => {
      Effect.runFork(Fiber.interrupt(fiber))
    }
  }

  return {
    probeAll,
    isSuspended: (zone) => state.get(zone)?.state === "suspended",
    status: () => [...state.values()],
    start
  }
}
