import { defineConfig } from "tsup"
import { packageBuild } from "../../scripts/tsup-options.mjs"

export default defineConfig(packageBuild({ main: "src/main.ts" }))
