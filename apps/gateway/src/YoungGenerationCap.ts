/**
 * A cap on V8's young generation that a running Node process can set on itself.
 *
 * `--max-semi-space-size` only counts when node starts. V8 reads `--semi-space-growth-factor`
 * each time it grows the young generation (after a scavenge whose survivors exceed its
 * capacity), and it grows by that factor (2 by default), never past the maximum. After every
 * collection (a `gc` performance entry, delivered just after it), this sets the factor to 2 while
 * doubling would stay within the cap and to 1 (stay) otherwise. The young generation starts at
 * 1 MB and doubles, so it stops at the cap; after V8 shrinks it (an idle spell) it may grow again.
 * The entries arrive between tasks: one long synchronous stretch (start-up: loading modules and
 * the classifier's model) can grow it several times before the first one, past the cap for good
 * (32 MB seen on Node 24). So it is held (`holdYoungGeneration`, factor 1) until the gateway
 * serves, when a task is one SMTP step and allocates far less than the young generation holds.
 * The young generation is two semi-spaces: `new_space`'s size in `v8.getHeapSpaceStatistics()`
 * is twice a semi-space's.
 *
 * Node only (Bun runs JavaScriptCore; Deno's `node:v8` does not pass flags on): callers check.
 *
 * @category constructors
 * @since 0.1.0
 */
import { PerformanceObserver } from "node:perf_hooks"
import * as v8 from "node:v8"

/** The cap per semi-space, in MiB: `node --max-semi-space-size=8` without the flag. */
export const SEMI_SPACE_MB = 8

/** V8's own growth factor, restored below the cap. */
const DEFAULT_GROWTH_FACTOR = 2

const YOUNG_GENERATION_FLAG =
  /^--(?:max[-_]semi[-_]space[-_]size|min[-_]semi[-_]space[-_]size|semi[-_]space[-_]growth[-_]factor)(?:=|$)/

/** Whether these node arguments size the young generation themselves (the operator's choice wins). */
export const youngGenerationChosen = (args: ReadonlyArray<string>): boolean =>
  args.some((arg) => YOUNG_GENERATION_FLAG.test(arg))

/** The growth factor for a young generation of `newSpaceBytes` (both semi-spaces) under `capBytes`. */
export const growthFactorFor = (newSpaceBytes: number, capBytes: number): number =>
  newSpaceBytes * DEFAULT_GROWTH_FACTOR <= capBytes ? DEFAULT_GROWTH_FACTOR : 1

const newSpaceBytes = (): number => {
  for (const space of v8.getHeapSpaceStatistics()) if (space.space_name === "new_space") return space.space_size
  return 0
}

/** Keeps the young generation at its size now (start-up), until `capYoungGeneration`. */
export const holdYoungGeneration = (): void => v8.setFlagsFromString("--semi-space-growth-factor=1")

/** Lets the young generation grow up to `semiSpaceMb` per semi-space, no further; returns a stop function. */
export const capYoungGeneration = (semiSpaceMb: number): (() => void) => {
  const capBytes = 2 * semiSpaceMb * 1024 * 1024
  let factor = 0
  const adjust = () => {
    const wanted = growthFactorFor(newSpaceBytes(), capBytes)
    if (wanted === factor) return
    factor = wanted
    v8.setFlagsFromString(`--semi-space-growth-factor=${wanted}`)
  }
  adjust()
  const observer = new PerformanceObserver(adjust)
  observer.observe({ entryTypes: ["gc"] })
  return () => {
    observer.disconnect()
    if (factor !== DEFAULT_GROWTH_FACTOR) v8.setFlagsFromString(`--semi-space-growth-factor=${DEFAULT_GROWTH_FACTOR}`)
  }
}
