// What every workspace package's build shares; each tsup.config.ts names only its entry points.
// ESM for Node 20 (the oldest runtime we support), no declarations from tsup (scripts/build-types.mjs
// writes them), source maps, chunks shared between entry points, and Effect imported by sub-path
// (effect-subpaths.mjs).
import { effectSubpaths } from "./effect-subpaths.mjs"

/** tsup options for a package whose entry points are `entry` (output name -> source file). */
export const packageBuild = (entry) => ({
  entry,
  format: "esm",
  target: "node20",
  dts: false,
  clean: true,
  sourcemap: true,
  splitting: true,
  esbuildPlugins: [effectSubpaths()]
})
