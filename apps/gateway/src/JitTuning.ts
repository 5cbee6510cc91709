/**
 * V8's tiering for the gateway's own process (main.ts calls `tuneJit` first thing, after
 * `tuneHeap`), on Node 20 only: V8 11.3 decides when to optimise a function with TurboFan by an
 * interrupt budget, the bytecode a function runs between two looks at its feedback (67,584 by
 * default, a few ticks of it before a function is optimised). A gateway just started runs the
 * SMTP path's ~400 hot functions in Sparkplug's baseline code until they have spent that budget
 * several times over: a third of the extra CPU of its first 2,000 messages. A quarter of the
 * budget has them optimised sooner, with as many compilations and no dearer steady state
 * (docs/performance.md, "The first run's compile time, 2026-12-07 late morning").
 *
 * V8 reads the budget whenever it resets a function's counter, so setting it from inside the
 * running process takes effect for every function from then on. Node 22 and later tier through
 * Maglev on invocation counts (Node 24 has no `--interrupt-budget`), Bun runs JavaScriptCore and
 * Deno's `node:v8` passes no flags on: nothing is set there. An operator's own
 * `--interrupt-budget` (command line or NODE_OPTIONS) wins.
 *
 * @category constructors
 * @since 0.1.0
 */
import * as v8 from "node:v8"
import { isNode, operatorChose } from "./NodeFlags.ts"

/** The interrupt budget the gateway sets on Node 20: a quarter of V8 11.3's 67,584. */
export const INTERRUPT_BUDGET = 16_896

/**
 * The V8 flags to set at start for a V8 of version `v8Version` (`process.versions.v8`): the
 * interrupt budget on V8 11 (Node 20), none elsewhere or when the operator chose a budget.
 */
export const jitFlags = (
  execArgv: ReadonlyArray<string>,
  nodeOptions: string | undefined,
  v8Version: string
): ReadonlyArray<string> =>
  !v8Version.startsWith("11.") || operatorChose(execArgv, nodeOptions, /^--interrupt[-_]budget(?:=|$)/)
    ? []
    : [`--interrupt-budget=${INTERRUPT_BUDGET}`]

/** Applies `jitFlags` to this process (Node only); returns the flags set. */
export const tuneJit = (): ReadonlyArray<string> => {
  if (!isNode()) return []
  const flags = jitFlags(process.execArgv, process.env.NODE_OPTIONS, process.versions.v8)
  for (const flag of flags) v8.setFlagsFromString(flag)
  return flags
}
