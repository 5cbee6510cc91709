// One wiring for the gateway and the CLI: with a plugin loaded (examples/cidr-file listing a
// sender address), `mailmoat gateway` and `mailmoat scan` give the same verdict, symbols and
// action for the same message and configuration: quarantined by both with onSpam: quarantine,
// rejected by both with onSpam: reject. Before, `scan` loaded no plugins and delivered it.
import { type ChildProcess, execFileSync } from "node:child_process"
import { existsSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { FileQuarantineStore } from "@mailmoat/platform-node"
import { afterAll, afterEach, beforeAll, describe, expect, test } from "vitest"
import { type Rbldnsd, startRbldnsd } from "../../../packages/core/test/dns/support/rbldnsd.ts"
import { swaks } from "../../../packages/protocols/test/smtp/support/peers.ts"
import { mailmoat, startGatewayProcess, tmp, writeConfig } from "./support/cli.ts"

const CIDR_PLUGIN = fileURLToPath(new URL("../../../examples/cidr-file", import.meta.url))
const SENDER = "spammer@listed.example"
const SUBJECT = "parity of gateway and scan"

let dns: Rbldnsd
let child: ChildProcess | undefined
beforeAll(async () => {
  if (!existsSync(join(CIDR_PLUGIN, "dist/index.js")))
    execFileSync("npx", ["tsup"], { cwd: CIDR_PLUGIN, stdio: "ignore" })
  // Every DNS question goes to this loopback server (REFUSED outside its zone): no outside traffic.
  dns = await startRbldnsd([{ zone: "bl.test", type: "ip4set", data: "127.0.0.2\n" }])
})
afterEach(async () => {
  if (child !== undefined && child.exitCode === null) {
    const exited = new Promise((r) => child!.once("exit", r))
    child.kill("SIGTERM")
    await exited
  }
  child = undefined
})
afterAll(async () => {
  await dns?.stop()
})

const configFor = (dir: string, onSpam: "quarantine" | "reject") => {
  const listFile = join(dir, "senders.list")
  writeFileSync(listFile, `${SENDER}\n`)
  return writeConfig(
    {
      dataDir: join(dir, "data"),
      smtp: { host: "127.0.0.1", port: 0, hostname: "gw.test" },
      admin: { enabled: false },
      antispam: { onSpam, endUserBlocklist: { enabled: false }, dns: { servers: [dns.server] } },
      plugins: [{ use: CIDR_PLUGIN, options: { file: listFile, kinds: ["address"], score: 10 } }]
    },
    dir
  )
}

const startGateway = async (config: string): Promise<number> => {
  const started = await startGatewayProcess(config)
  child = started.child
  return started.port
}

// The same bytes go to the gateway (swaks --data FILE sends the file as the message) and to scan.
const MESSAGE = `From: <${SENDER}>\r\nTo: user@example.test\r\nSubject: ${SUBJECT}\r\nDate: Thu, 03 Dec 2026 09:00:00 +0000\r\nMessage-ID: <parity-1@listed.example>\r\n\r\nCheap offers inside.\r\n`
const emlIn = (dir: string) => {
  const eml = join(dir, "message.eml")
  writeFileSync(eml, MESSAGE)
  return eml
}

const send = (port: number, dir: string) =>
  swaks(port, [
    "--local-interface",
    "127.0.0.2",
    "--helo",
    "client.test",
    "--from",
    SENDER,
    "--to",
    "user@example.test",
    "--data",
    emlIn(dir)
  ])

const scan = async (config: string, dir: string) => {
  const eml = emlIn(dir)
  const r = await mailmoat([
    "scan",
    eml,
    "--config",
    config,
    "--json",
    "--client-ip",
    "127.0.0.2",
    "--helo",
    "client.test",
    "--from",
    SENDER,
    "--rcpt",
    "user@example.test"
  ])
  expect(r.stderr).toBe("")
  return JSON.parse(r.stdout) as {
    verdict: { class: string; score: number }
    symbols: Array<{ name: string; score: number }>
    recipients: Array<{ action: { _tag: string } }>
  }
}

const names = (symbols: ReadonlyArray<{ name: string }>) => symbols.map((s) => s.name).sort()

describe("gateway and scan agree, with a plugin loaded", () => {
  test("a plugin-listed sender is quarantined by both, with the same verdict and symbols", async () => {
    const dir = tmp()
    const config = configFor(dir, "quarantine")
    const sent = await send(await startGateway(config), dir)
    expect(sent.out).toMatch(/<- {2}250 /)
    const entries = (await FileQuarantineStore.make({ root: join(dir, "data", "quarantine") }).list()).entries
    expect(entries).toHaveLength(1)
    const atGateway = entries[0]!.verdict!

    const scanned = await scan(config, dir)
    expect(scanned.recipients.map((r) => r.action._tag)).toEqual(["Quarantine"])
    expect(scanned.verdict.class).toBe(atGateway.class)
    expect(scanned.verdict.class).toBe("spam")
    expect(names(scanned.symbols)).toEqual(names(atGateway.symbols))
    expect(names(scanned.symbols)).toContain("PLUGIN_LISTED")
    const plugin = (s: ReadonlyArray<{ name: string; score: number }>) =>
      s.find((x) => x.name === "PLUGIN_LISTED")!.score
    expect(plugin(scanned.symbols)).toBe(plugin(atGateway.symbols))
    expect(scanned.verdict.score).toBeCloseTo(atGateway.score, 6)
  }, 120_000)

  test("with onSpam: reject both reject it", async () => {
    const dir = tmp()
    const config = configFor(dir, "reject")
    const sent = await send(await startGateway(config), dir)
    expect(sent.out).toMatch(/<\*\* +550 /)
    const scanned = await scan(config, dir)
    expect(scanned.recipients.map((r) => r.action._tag)).toEqual(["Reject"])
    expect(names(scanned.symbols)).toContain("PLUGIN_LISTED")
  }, 120_000)

  test("config validate refuses a plugin that cannot be found", async () => {
    const dir = tmp()
    const config = writeConfig({ dataDir: join(dir, "data"), plugins: [{ use: "./no-such-plugin.mjs" }] }, dir)
    const r = await mailmoat(["config", "validate", config])
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/plugins\[0\] \(\.\/no-such-plugin\.mjs\): cannot load: no file or directory/)
  })
})
