// Shared vitest settings: tests resolve @mailmoat/* to the packages' src, so they never wait for a build.
import { fileURLToPath } from "node:url"

const root = fileURLToPath(new URL(".", import.meta.url))
const src = (p: string) => `${root}${p}`

export const alias = [
  { find: /^@mailmoat\/core\/testing$/, replacement: src("packages/core/src/testing.ts") },
  { find: /^@mailmoat\/core$/, replacement: src("packages/core/src/index.ts") },
  { find: /^@mailmoat\/platform-node$/, replacement: src("packages/platform-node/src/index.ts") },
  { find: /^@mailmoat\/redis$/, replacement: src("packages/redis/src/index.ts") },
  { find: /^@mailmoat\/protocols$/, replacement: src("packages/protocols/src/index.ts") },
  { find: /^@mailmoat\/antispam$/, replacement: src("packages/antispam/src/index.ts") },
  { find: /^@mailmoat\/sdk\/testing$/, replacement: src("packages/sdk/src/testing.ts") },
  { find: /^@mailmoat\/sdk$/, replacement: src("packages/sdk/src/index.ts") },
  { find: /^@mailmoat\/gateway$/, replacement: src("apps/gateway/src/index.ts") }
]

export const sharedTest = {
  alias,
  // No test's DNS question leaves loopback: every process of the run resolves through a loopback
  // server that answers NXDOMAIN unless the test names its own (test/support/loopback-dns-setup.mjs).
  // Every run gets a temp folder of its own (TMPDIR) and every test file removes the temporary
  // folders it made (test/support/temp-dirs.ts): `npm test` fails on anything left behind.
  globalSetup: [src("test/support/loopback-dns-setup.mjs"), src("test/support/temp-root-setup.mjs")],
  setupFiles: [src("test/support/temp-dirs-setup.ts")],
  // Test files of a package share one module graph per worker: importing Effect and our sources
  // once instead of once per file takes a package's suite from ~50 s to ~10 s. No test mocks
  // modules; the few that stub globals restore them.
  isolate: false,
  // A hang detector, not a speed check: what a case measures it asserts itself. The machine that
  // runs `npm test` has 2 cores and other work; at load 80 cases of 0.2-0.5 s took 30 s (a 50 MB
  // literal through the proxy, deflate legs, swaks sessions, a property of 100 pipelined batches)
  // and failed on the former 30 s.
  testTimeout: 90_000,
  hookTimeout: 120_000
}
