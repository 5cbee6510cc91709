// A large message through the BUILT gateway (relay to Postfix smtp-sink, default configuration:
// antispam and the classifier on) must leave the live heap flat: the message streams to the spool
// and to the relay, only the bounded scan view is held. Measured by bench/large-message.mjs with
// garbage collected before each reading (no timing involved); a gateway holding the message
// would grow by at least its size (24 MB here), more than the bound.
import { spawnSync } from "node:child_process"
import { existsSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { expect, test } from "vitest"

const root = fileURLToPath(new URL("../../../", import.meta.url))

test("a 24 MB message is relayed with the live heap growing by at most 16 MB", () => {
  if (!existsSync(`${root}apps/gateway/dist/index.js`))
    throw new Error("apps/gateway is not built: run `pnpm exec turbo run build` first")
  const run = spawnSync(
    process.execPath,
    ["--expose-gc", `${root}bench/large-message.mjs`, "--size-mb", "24", "--json"],
    { encoding: "utf8" }
  )
  expect(run.status, run.stderr).toBe(0)
  const result = JSON.parse(run.stdout.trim().split("\n").at(-1)!) as {
    reply: string
    bodyBytes: number
    heapGrowthMb: number
  }
  expect(result.reply).toMatch(/^250 /)
  expect(result.bodyBytes).toBeGreaterThanOrEqual(24 * 1024 * 1024)
  expect(result.heapGrowthMb).toBeLessThanOrEqual(16)
}, 600_000)
