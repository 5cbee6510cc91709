// Whether objects share V8's hidden class (map): what the engine's per-message objects must do
// for the sites that read them to stay monomorphic and their optimised code to stay (see
// docs/performance.md, "The first run's deopts, 2026-12-07 morning"). V8's own test for it,
// `%HaveSameMap`, needs `--allow-natives-syntax` when the function is parsed: set here, before
// the function is made, in this test worker only.
import { setFlagsFromString } from "node:v8"

setFlagsFromString("--allow-natives-syntax")
const haveSameMap = new Function("a", "b", "return %HaveSameMap(a, b)") as (a: object, b: object) => boolean

/** How many hidden classes `objects` have between them. */
export const hiddenClasses = (objects: ReadonlyArray<object>): number => {
  const seen: Array<object> = []
  for (const o of objects) if (!seen.some((s) => haveSameMap(s, o))) seen.push(o)
  return seen.length
}
