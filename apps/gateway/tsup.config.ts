import { defineConfig } from "tsup"
import { packageBuild } from "../../scripts/tsup-options.mjs"

export default defineConfig(packageBuild({ index: "src/index.ts", main: "src/main.ts" }))
