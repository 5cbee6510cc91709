import { defineConfig } from "tsup"
import { effectSubpaths } from "../../scripts/effect-subpaths.mjs"

export default defineConfig({
  entry: { index: "src/index.ts", testing: "src/testing.ts" },
  format: "esm",
  target: "node20",
  dts: false,
  clean: true,
  sourcemap: true,
  splitting: true,
  esbuildPlugins: [effectSubpaths()]
})
