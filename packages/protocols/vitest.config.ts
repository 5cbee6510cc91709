import { defineConfig } from "vitest/config"
import { sharedTest } from "../../vitest.shared.ts"

export default defineConfig({
  resolve: { alias: sharedTest.alias },
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: sharedTest.testTimeout,
    hookTimeout: sharedTest.hookTimeout,
    globalSetup: sharedTest.globalSetup,
    setupFiles: sharedTest.setupFiles,
    isolate: sharedTest.isolate
  }
})
