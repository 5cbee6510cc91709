// The files examples/deploy/ ships (docs/deployment.md), checked as an admin would use them: the
// systemd unit passes `systemd-analyze verify` and its keys fit the gateway (exit code 2, SIGHUP,
// the drain deadline, the directories the configuration names); the production configuration
// validates; and the gateway started by the unit's ExecStart with that configuration relays to a
// real Postfix smtpd set up by the master.cf snippet, answering 250 only after Postfix's 250. The
// machine's paths (/etc/mailmoat, /var/lib/mailmoat, ports 25 and 10025) are swapped for temp dirs
// and ephemeral loopback ports through MAILMOAT_* overrides and the ExecStart's own arguments.
import { type ChildProcess, spawn, spawnSync } from "node:child_process"
import { existsSync, readFileSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, test } from "vitest"
import { GatewayConfig } from "@mailmoat/antispam"
import { ConfigFile } from "@mailmoat/platform-node"
import { sendRaw } from "../../gateway/test/support/peers.ts"
import { makeCert } from "../../../packages/protocols/test/delivery/support/peers.ts"
import {
  PostfixServer,
  postfixAvailable,
  REFUSED_SUBJECT
} from "../../../packages/protocols/test/delivery/support/postfix.ts"
import { mailmoat, outputWith, repoRoot, tmp } from "./support/cli.ts"

const examples = join(repoRoot, "examples/deploy")
const unitText = readFileSync(join(examples, "mailmoat.service"), "utf8")
const configFile = join(examples, "mailmoat.yaml")
const config = (() => {
  const loaded = ConfigFile.load(GatewayConfig.codec, { file: configFile, env: {} })
  if (!loaded.ok) throw new Error(loaded.problems.join("\n"))
  return loaded.config
})()
const masterCf = readFileSync(join(examples, "postfix-master.cf"), "utf8")

/** The unit's `[Service]` keys, each with every value it is given (keys may repeat). */
const service = (() => {
  const body = /^\[Service\]\n([\s\S]*?)(?=^\[|(?![\s\S]))/m.exec(unitText)?.[1] ?? ""
  const keys = new Map<string, Array<string>>()
  for (const line of body.split("\n")) {
    const m = /^([A-Za-z]+)=(.*)$/.exec(line)
    if (m) keys.set(m[1]!, [...(keys.get(m[1]!) ?? []), m[2]!])
  }
  return (key: string): string => {
    const values = keys.get(key)
    if (values === undefined) throw new Error(`mailmoat.service sets no ${key}=`)
    return values.at(-1)!
  }
})()

// Where the unit's installed paths are in this checkout: the packed gateway's main.js is the
// built apps/gateway/dist/main.js, and node is the node running the tests.
const INSTALLED_GATEWAY = "/opt/mailmoat/node_modules/@mailmoat/gateway"
const localPath = (arg: string) =>
  arg === "/usr/bin/node" ? process.execPath : arg.replace(INSTALLED_GATEWAY, join(repoRoot, "apps/gateway"))
const execStart = service("ExecStart").split(/\s+/)

// The gateway's drain deadline on SIGTERM (startGateway's shutdownTimeoutMs, which main keeps).
const DRAIN_SECONDS = 30

describe("mailmoat.service", () => {
  test("its keys fit the gateway: exit code 2 is not restarted, SIGHUP reloads, the stop waits for the drain, port 25 without root", () => {
    expect(service("RestartPreventExitStatus").split(/\s+/)).toContain("2")
    expect(service("Restart")).toBe("on-failure")
    expect(service("ExecReload")).toMatch(/^\/bin\/kill -HUP \$MAINPID$/)
    expect(service("KillSignal")).toBe("SIGTERM")
    expect(service("KillMode")).toBe("mixed")
    expect(Number(service("TimeoutStopSec"))).toBeGreaterThan(DRAIN_SECONDS)
    expect(service("AmbientCapabilities")).toContain("CAP_NET_BIND_SERVICE")
    expect(service("CapabilityBoundingSet")).toContain("CAP_NET_BIND_SERVICE")
    expect(service("User")).not.toBe("root")
    expect(unitText).not.toMatch(/^MemoryDenyWriteExecute=(yes|true)/m)
  })

  test("ExecStart runs the built gateway with /etc/mailmoat/mailmoat.yaml; dataDir is the unit's StateDirectory", () => {
    const [node, main, flag, file] = execStart
    expect(node).toBe("/usr/bin/node")
    expect(main).toBe(`${INSTALLED_GATEWAY}/dist/main.js`)
    expect(
      existsSync(localPath(main!)),
      "apps/gateway is not built: run `npx turbo run build` first (ExecStart's main.js)"
    ).toBe(true)
    expect(flag).toBe("--config")
    expect(file).toBe("/etc/mailmoat/mailmoat.yaml")
    expect(service("Environment")).toBe(`MAILMOAT_CONFIG=${file}`)
    // dataDir is the state directory systemd creates for the service user, the only one it may write.
    expect(config.dataDir).toBe(`/var/lib/${service("StateDirectory")}`)
    expect(service("ProtectSystem")).toBe("strict")
  })

  // scripts/peers.mjs installs the tool: missing, this fails rather than skips.
  test("systemd-analyze verify accepts it (no warning)", () => {
    const dir = tmp("mailmoat-unit-")
    const unit = join(dir, "mailmoat.service")
    writeFileSync(unit, unitText.replace(/^ExecStart=.*$/m, `ExecStart=${execStart.map(localPath).join(" ")}`))
    const r = spawnSync("/usr/bin/systemd-analyze", ["verify", unit], { encoding: "utf8", timeout: 30_000 })
    const said = `${r.stdout}${r.stderr}`
    expect(r.status, said).toBe(0)
    expect(said.split("\n").filter((line) => line.includes("mailmoat.service"))).toEqual([])
  })
})

/** The test machine's stand-ins for the production paths and ports, as MAILMOAT_* overrides. */
const overrides = (dir: string, downstreamPort: number): Record<string, string> => {
  const cert = makeCert()
  writeFileSync(join(dir, "fullchain.pem"), cert.cert)
  writeFileSync(join(dir, "privkey.pem"), cert.key, { mode: 0o600 })
  writeFileSync(join(dir, "admin.token"), "deploy-test-token-0123456789\n", { mode: 0o600 })
  return {
    MAILMOAT_DATADIR: join(dir, "data"),
    MAILMOAT_SMTP__HOST: "127.0.0.1",
    MAILMOAT_SMTP__PORT: "0",
    MAILMOAT_SMTP__TLS__CERTFILE: join(dir, "fullchain.pem"),
    MAILMOAT_SMTP__TLS__KEYFILE: join(dir, "privkey.pem"),
    MAILMOAT_ADMIN__PORT: "0",
    MAILMOAT_ADMIN__TOKENFILE: join(dir, "admin.token"),
    MAILMOAT_DELIVERY__DOWNSTREAM__PORT: String(downstreamPort)
  }
}

test("mailmoat.yaml validates (`mailmoat config validate`, exit 0)", async () => {
  const dir = tmp("mailmoat-deploy-")
  const r = await mailmoat(["config", "validate", configFile], { env: overrides(dir, 10025) })
  expect(r.code, `${r.stdout}${r.stderr}`).toBe(0)
  expect(r.stdout).toMatch(/: valid$/m)
})

// The snippet's lines (comments left out), and the address where the example config relays.
const snippet = masterCf.split("\n").filter((line) => line.trim() !== "" && !line.startsWith("#"))
const downstream = config.delivery.downstream
const listen = `${downstream?.host}:${downstream?.port}`

test("mailmoat.yaml relays to the smtpd the master.cf snippet adds", () => {
  expect(snippet[0]).toMatch(new RegExp(`^${listen.replaceAll(".", "\\.")}\\s+inet\\s.*\\ssmtpd$`))
  expect(snippet.slice(1).every((line) => /^\s+-o \w+=/.test(line))).toBe(true)
})

describe.skipIf(!postfixAvailable())("the example gateway in front of Postfix (master.cf snippet)", () => {
  let postfix: PostfixServer
  let child: ChildProcess | undefined
  let output = ""
  let smtpPort = 0
  let adminUrl = ""

  beforeAll(async () => {
    // The snippet's smtpd, on an ephemeral port instead of 10025, where the example config relays.
    postfix = await PostfixServer.start((port) => snippet.map((line) => line.replace(listen, `127.0.0.1:${port}`)))

    const dir = tmp("mailmoat-deploy-")
    const [node, ...args] = execStart.map((arg) => (arg === execStart[3] ? configFile : localPath(arg)))
    child = spawn(node!, args, {
      cwd: dir,
      env: { ...process.env, ...overrides(dir, postfix.port), MAILMOAT_CONFIG: configFile },
      stdio: ["ignore", "pipe", "pipe"]
    })
    child.stdout!.on("data", (d: Buffer) => (output += d.toString()))
    child.stderr!.on("data", (d: Buffer) => (output += d.toString()))
    const started = await outputWith(() => output, /Press Ctrl\+C to stop\./, 60_000)
    smtpPort = Number(/SMTP +127\.0\.0\.1:(\d+) \(STARTTLS offered\)/.exec(started)?.[1])
    adminUrl = /admin +(http:\/\/127\.0\.0\.1:\d+)\/status/.exec(started)?.[1] ?? ""
    if (!(smtpPort > 0) || adminUrl === "") throw new Error(`the gateway did not start:\n${started}`)
  }, 60_000)

  afterAll(async () => {
    if (child?.exitCode === null) child.kill("SIGKILL")
    await postfix?.stop()
  })

  test("/status answers on loopback without a token, protected: true", async () => {
    const res = await fetch(`${adminUrl}/status`)
    expect(res.status).toBe(200)
    expect(((await res.json()) as { protected?: unknown }).protected).toBe(true)
  })

  test("a message is relayed: 250 once Postfix has it, with the example's hostname in Received", async () => {
    const r = await sendRaw(
      smtpPort,
      { from: "s@client.test", to: ["u@example.test"] },
      "Subject: through the deployment example\r\nMessage-ID: <deploy@client.test>\r\n\r\nhello"
    )
    expect(r.data, r.transcript).toMatch(/^250 /)
    const [file] = await postfix.waitDelivered(1)
    expect(file).toContain("Subject: through the deployment example\n")
    expect(file).toMatch(/Received: from client\.test \(\[127\.0\.0\.1\]\)\n\tby mx\.example\.org \(Mailmoat\)/)
  })

  test("what Postfix refuses is refused to the client, never 250", async () => {
    const r = await sendRaw(
      smtpPort,
      { from: "s@client.test", to: ["u@example.test"] },
      `Subject: ${REFUSED_SUBJECT}\r\nMessage-ID: <refused@client.test>\r\n\r\nhello`
    )
    expect(r.data, `${r.transcript}${output}${postfix.log()}`).toMatch(/^5\d\d /)
  })

  test("the snippet keeps Postfix's relay check: a recipient at a domain Postfix does not serve is refused", async () => {
    const r = await sendRaw(
      smtpPort,
      { from: "s@client.test", to: ["someone@elsewhere.test"] },
      "Subject: relay?\r\n\r\nx"
    )
    expect(r.rcpt[0], r.transcript).toMatch(/^5\d\d .*Relay access denied/)
  })

  test("log lines are JSON (log.format json), and SIGTERM stops the gateway with exit code 0", async () => {
    const logged = await outputWith(() => output, /^\{.*"message"/m)
    const lines = logged.split("\n").filter((line) => line.startsWith("{"))
    expect(lines.length, logged).toBeGreaterThan(0)
    for (const line of lines) expect(() => JSON.parse(line), line).not.toThrow()
    const exited = new Promise<number | null>((r) => child!.once("exit", (code) => r(code)))
    child!.kill("SIGTERM")
    expect(await exited).toBe(0)
    expect(output).toMatch(/mailmoat: stopped/)
  })
})
