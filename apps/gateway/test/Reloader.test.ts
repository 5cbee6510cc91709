// The reloader's certificate steps without listeners: sources are prepared before the wiring is
// built and applied after it is installed; a source's problem refuses the reload at error level
// without building or installing anything; the Redis client's TLS files renewed in place are
// named in restartNeeded (the connection keeps the files it was opened with).
import { writeFileSync } from "node:fs"
import { join } from "node:path"
import { GatewayConfig } from "@mailmoat/antispam"
import { describe, expect, test } from "vitest"
import * as Log from "../src/Log.ts"
import { makeReloader } from "../src/reload/Reloader.ts"
import { type GatewaySettings, resolveSettings } from "../src/Settings.ts"
import { StartupError } from "../src/StartupError.ts"
import { tempDir } from "./support/peers.ts"

const setup = (config: () => unknown, base: string) => {
  const lines: Array<string> = []
  const steps: Array<string> = []
  const decode = () => GatewayConfig.decode(config())
  const first = decode()
  if (!first.ok) throw new Error(first.problems.join("\n"))
  const running = resolveSettings(first.config, base)
  const logger = Log.make(
    { level: "debug", format: "text" },
    (l) => lines.push(l),
    () => 0
  )
  return { lines, steps, decode, running, logger }
}

describe("makeReloader: certificates", () => {
  test("prepared before the build, applied after the install; a problem refuses at error level and builds nothing", async () => {
    const dir = tempDir()
    const { lines, steps, decode, running, logger } = setup(() => ({ dataDir: dir }), dir)
    let fail = false
    const reloader = makeReloader({
      load: decode,
      base: dir,
      current: () => running,
      build: async (_s: GatewaySettings) => {
        steps.push("build")
        return {}
      },
      install: () => steps.push("install"),
      certificates: [
        {
          prepare: async () => {
            steps.push("prepare")
            if (fail)
              throw new StartupError({ key: "smtp.tls.certFile", reason: "BadCertificate", detail: "cert.pem expired" })
            return () => steps.push("apply")
          }
        }
      ],
      logger
    })
    expect(await reloader.reload()).toEqual({ ok: true, restartNeeded: [] })
    expect(steps).toEqual(["prepare", "build", "install", "apply"])

    fail = true
    steps.length = 0
    expect(await reloader.reload()).toEqual({ ok: false, problems: ["smtp.tls.certFile: cert.pem expired"] })
    expect(steps).toEqual(["prepare"])
    expect(lines.filter((l) => / reload_refused /.test(l)).map((l) => l.replace(/^\S+ /, ""))).toEqual([
      'error reload_refused text="reload refused: smtp.tls.certFile: cert.pem expired; the certificate in use stays in force"',
      'warn reload_refused text="reload refused: the running configuration stays in force"'
    ])
  })

  test("the Redis client's certificate renewed in place needs a restart, and the reload says so", async () => {
    const dir = tempDir()
    const ca = join(dir, "redis-ca.pem")
    writeFileSync(ca, "first\n")
    const config = () => ({
      dataDir: dir,
      state: { backend: "redis", url: "rediss://127.0.0.1:6390", redis: { tls: { caFile: ca } } }
    })
    const { decode, running, logger } = setup(config, dir)
    const reloader = makeReloader({
      load: decode,
      base: dir,
      current: () => running,
      build: async () => ({}),
      install: () => undefined,
      logger
    })
    expect(await reloader.reload()).toEqual({ ok: true, restartNeeded: [] })
    writeFileSync(ca, "renewed\n")
    expect(await reloader.reload()).toEqual({ ok: true, restartNeeded: ["state"] })
  })
})
