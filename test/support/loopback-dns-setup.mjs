// vitest globalSetup of every package: starts the loopback resolver and makes every process of
// the run (workers, and the gateways and CLIs the tests spawn) use it through the preload, so no
// test's DNS question leaves 127.0.0.1 even when its configuration names no DNS server.
import { fileURLToPath } from "node:url"
import { startLoopbackResolver } from "./loopback-resolver.mjs"

const preload = fileURLToPath(new URL("./loopback-dns-preload.cjs", import.meta.url))

export default async function setup() {
  const resolver = await startLoopbackResolver()
  process.env.TEST_LOOPBACK_RESOLVER = resolver.server
  process.env.NODE_OPTIONS = `${process.env.NODE_OPTIONS ?? ""} --require ${preload}`.trim()
  return () => resolver.stop()
}
