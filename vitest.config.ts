// The workspace-level tests (test/): checks across packages, such as the import graph. Each
// package has its own vitest config; `npm test` runs this one after them.
import { defineConfig } from "vitest/config"

export default defineConfig({
  test: { include: ["test/**/*.test.ts"] }
})
