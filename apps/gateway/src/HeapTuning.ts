/**
 * V8's old-generation growing factor for the gateway's own process (main.ts sets it first
 * thing). After every full collection V8 lets the old generation grow to a multiple of what
 * survived, up to 4× with its default heuristics, before the next one. Under concurrent SMTP
 * sessions much of what gets promoted is per-message data that is dead soon after (a session
 * lasts a few hundred milliseconds), and the Buffers those objects hold are only freed when they
 * are collected; so a gateway with ~45 MB live heap reached ~250 MB resident on
 * `bench/footprint.mjs`. Growing by 20 % instead brought the peak to ~170 MB with the same CPU
 * per message (figures in docs/performance.md).
 *
 * Set at run time through `v8.setFlagsFromString` (V8 reads this flag at every heap-limit
 * computation), on Node only: Bun runs JavaScriptCore, and Deno's `node:v8` does not pass flags
 * on. An operator's own `--heap-growing-percent` (command line or NODE_OPTIONS) wins;
 * `--heap-growing-percent=0` restores V8's default heuristics.
 *
 * @category constructors
 * @since 0.1.0
 */
import * as v8 from "node:v8"

/** How much the old generation may grow past the live heap before a full collection. */
export const HEAP_GROWING_PERCENT = 20

/** The V8 flags to set: none when the operator already chose a growing factor. */
export const heapFlags = (execArgv: ReadonlyArray<string>, nodeOptions: string | undefined): ReadonlyArray<string> =>
  [...execArgv, ...(nodeOptions ?? "").split(/\s+/)].some((arg) => /^--heap[-_]growing[-_]percent(?:=|$)/.test(arg))
    ? []
    : [`--heap-growing-percent=${HEAP_GROWING_PERCENT}`]

const isNode = (): boolean =>
  process.release?.name === "node" && process.versions.bun === undefined && !("Deno" in globalThis)

/** Applies `heapFlags` to this process (Node only); returns the flags set. */
export const tuneHeap = (): ReadonlyArray<string> => {
  if (!isNode()) return []
  const flags = heapFlags(process.execArgv, process.env.NODE_OPTIONS)
  for (const flag of flags) v8.setFlagsFromString(flag)
  return flags
}
