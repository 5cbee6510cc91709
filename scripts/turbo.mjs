#!/usr/bin/env node
// `npm run build|typecheck|lint`: turbo with its telemetry off (scripts/offline-env.mjs).
import { spawnSync } from "node:child_process"
import { fileURLToPath } from "node:url"
import { goOffline } from "./offline-env.mjs"

const root = fileURLToPath(new URL("..", import.meta.url))
goOffline()
const r = spawnSync(`${root}node_modules/.bin/turbo`, process.argv.slice(2), { cwd: root, stdio: "inherit" })
process.exit(r.status ?? 1)
