// Longer chaos soak for the Redis scale-out: runs apps/gateway/test/redis-chaos.test.ts (two
// built gateways sharing Redis through a stop, a pause and a Sentinel failover) with every phase
// --scale times longer (REDIS_CHAOS_SCALE: not a MAILMOAT_* name, which the gateways would read as
// configuration), and prints its per-fault table (accepted, delivered, quarantined,
// deferred, lost). The test itself fails when anything accepted is lost.
//
// Run: pnpm exec turbo run build && node bench/redis-chaos.mjs [--scale=10]
// Loopback only; every redis-server, sentinel and gateway is started and stopped by PID.
import { spawnSync } from "node:child_process"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"

const hit = process.argv.find((a) => a.startsWith("--scale="))
const scale = hit === undefined ? 10 : Number(hit.slice("--scale=".length))
if (!(scale >= 1)) {
  console.error("--scale must be a number >= 1")
  process.exit(2)
}
const gateway = join(dirname(fileURLToPath(import.meta.url)), "..", "apps", "gateway")
console.log(`redis chaos soak: phases x${scale}`)
const r = spawnSync("npx", ["vitest", "run", "test/redis-chaos.test.ts"], {
  cwd: gateway,
  env: { ...process.env, REDIS_CHAOS_SCALE: String(scale) },
  stdio: "inherit"
})
process.exit(r.status ?? 1)
