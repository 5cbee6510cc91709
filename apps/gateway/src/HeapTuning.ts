/**
 * V8's heap sizing for the gateway's own process (main.ts calls `tuneHeap` first thing), on Node
 * only: Bun runs JavaScriptCore, and Deno's `node:v8` does not pass flags on.
 *
 * - **Old generation.** After every full collection V8 lets the old generation grow to a multiple
 *   of what survived, up to 4× with its default heuristics, before the next one. Under concurrent
 *   SMTP sessions much of what gets promoted is per-message data that is dead soon after, and the
 *   Buffers those objects hold are only freed when they are collected; so a gateway with ~45 MB
 *   live heap reached ~250 MB resident. Growing by 20 % instead (`--heap-growing-percent`, read
 *   by V8 at every heap-limit computation) brought the peak to ~170 MB at the same CPU.
 * - **Young generation.** V8 grows each semi-space up to 16 MB (Node 20) or 64 MB (Node 24) under
 *   load: 32-128 MB resident for objects that live a few milliseconds. 8 MB per semi-space costs
 *   no measurable CPU per message (1 MB costs ~20 %). `--max-semi-space-size` is read only when
 *   the heap is set up, so a running process cannot set it; what V8 does read at run time is
 *   `--semi-space-growth-factor`, at every growth of the young generation. `YoungGenerationCap`
 *   watches the collections and sets that factor to 1 (no growth) once the young generation
 *   reaches its cap, and back to V8's default 2 when V8 has shrunk it (after an idle spell), so
 *   the cap holds however node was started. During start-up (`tuneHeap` until `heapServing`) the
 *   young generation is held at its first size: start-up's long synchronous stretches would grow
 *   it past the cap before a collection could be observed. Figures: docs/performance.md.
 *
 * An operator's own flag wins (command line or NODE_OPTIONS): `--heap-growing-percent`
 * (`=0` restores V8's heuristics) for the old generation; `--max-semi-space-size`,
 * `--min-semi-space-size` or `--semi-space-growth-factor` for the young one.
 *
 * @category constructors
 * @since 0.1.0
 */
import * as v8 from "node:v8"
import { isNode, operatorChose } from "./NodeFlags.ts"
import { capYoungGeneration, holdYoungGeneration, SEMI_SPACE_MB, youngGenerationChosen } from "./YoungGenerationCap.ts"

/** How much the old generation may grow past the live heap before a full collection. */
export const HEAP_GROWING_PERCENT = 20

export { SEMI_SPACE_MB }

/** The V8 flags to set at start: none when the operator already chose a growing factor. */
export const heapFlags = (execArgv: ReadonlyArray<string>, nodeOptions: string | undefined): ReadonlyArray<string> =>
  operatorChose(execArgv, nodeOptions, /^--heap[-_]growing[-_]percent(?:=|$)/)
    ? []
    : [`--heap-growing-percent=${HEAP_GROWING_PERCENT}`]

/** Whether this process caps its young generation itself (the operator chose no size of their own). */
export const capsYoungGeneration = (execArgv: ReadonlyArray<string>, nodeOptions: string | undefined): boolean =>
  !youngGenerationChosen([...execArgv, ...(nodeOptions ?? "").split(/\s+/)])

const capping = (): boolean => isNode() && capsYoungGeneration(process.execArgv, process.env.NODE_OPTIONS)

/**
 * Applies `heapFlags` to this process and holds its young generation until `heapServing` (Node
 * only); returns the flags set.
 */
export const tuneHeap = (): ReadonlyArray<string> => {
  if (!isNode()) return []
  const flags = heapFlags(process.execArgv, process.env.NODE_OPTIONS)
  for (const flag of flags) v8.setFlagsFromString(flag)
  if (capping()) holdYoungGeneration()
  return flags
}

let serving = false

/** Start-up is over: the young generation may grow up to its cap (Node only; once per process). */
export const heapServing = (): void => {
  if (serving || !capping()) return
  serving = true
  capYoungGeneration(SEMI_SPACE_MB)
}
