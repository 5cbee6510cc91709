// The workspace-level tests (test/): checks across packages, such as the import graph. Each
// package has its own vitest config; `npm test` runs this one after them.
import { defineConfig } from "vitest/config"
import { sharedTest } from "./vitest.shared.ts"

export default defineConfig({
  test: { include: ["test/**/*.test.ts"], globalSetup: sharedTest.globalSetup, setupFiles: sharedTest.setupFiles }
})
