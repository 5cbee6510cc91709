// `mailmoat gateway` end to end: the same gateway as npm start, quarantining a message from a
// listed client (rbldnsd), which `mailmoat quarantine` then lists and releases to smtp-sink.
import type { ChildProcess } from "node:child_process"
import { join } from "node:path"
import { afterAll, beforeAll, expect, test } from "vitest"
import { type Rbldnsd, startRbldnsd } from "../../../packages/core/test/dns/support/rbldnsd.ts"
import { SmtpSink } from "../../../packages/protocols/test/delivery/support/peers.ts"
import { swaks } from "../../../packages/protocols/test/smtp/support/peers.ts"
import { hasStackTrace, mailmoat, outputWith, startGatewayProcess, tmp, writeConfig } from "./support/cli.ts"

let dns: Rbldnsd
let sink: SmtpSink
let child: ChildProcess | undefined
beforeAll(async () => {
  dns = await startRbldnsd([{ zone: "bl.test", type: "ip4set", data: "127.0.0.2\n" }])
  sink = await SmtpSink.start()
})
afterAll(async () => {
  if (child?.exitCode === null) child.kill("SIGKILL")
  await sink?.stop()
  await dns?.stop()
})

test("gateway runs until SIGTERM; what it quarantines, quarantine list/release handle", async () => {
  const dir = tmp()
  const config = writeConfig(
    {
      dataDir: join(dir, "data"),
      smtp: { host: "127.0.0.1", port: 0, hostname: "gw.test" },
      admin: { enabled: false },
      delivery: { downstream: { host: "127.0.0.1", port: sink.port } },
      antispam: {
        onSpam: "quarantine",
        rbl: { servers: ["bl.test"], skip: ["127.0.0.1/32"], timeoutSeconds: 20 },
        endUserBlocklist: { enabled: false },
        dns: { servers: [dns.server] }
      }
    },
    dir
  )
  const started = await startGatewayProcess(config)
  child = started.child
  const port = started.port

  const sent = await swaks(port, [
    "--local-interface",
    "127.0.0.2",
    "--from",
    "sender@client.test",
    "--helo",
    "client.test",
    "--to",
    "user@example.test",
    "--header",
    "Subject: via the gateway"
  ])
  expect(sent.out).toMatch(/<- {2}250 /)
  // The message's log line (verdict, rule, action) and any list failure explain a miss.
  const log = await outputWith(started.output, / message queue=/)
  expect(sink.delivered(), `the listed client's message was delivered; gateway log:\n${log}`).toBe(0)
  expect(log).toMatch(/ message queue=.* verdict="spam" .*action="Quarantine"/)

  const list = await mailmoat(["quarantine", "list", "--config", config, "--json"])
  expect(list.code, list.stderr).toBe(0)
  const page = JSON.parse(list.stdout)
  expect(page.total).toBe(1)
  expect(page.entries[0]).toMatchObject({
    subject: "via the gateway",
    recipients: ["user@example.test"],
    envelope: { mailFrom: "sender@client.test", clientAddress: "127.0.0.2" }
  })
  const released = await mailmoat(["quarantine", "release", page.entries[0].id, "--config", config])
  expect(released.code, released.stderr).toBe(0)
  expect(sink.dumpWith("Subject: via the gateway")).toMatch(/X-Rcpt-Args: <user@example\.test>/)

  const exited = new Promise<number | null>((r) => child!.once("exit", (code) => r(code)))
  child.kill("SIGTERM")
  expect(await exited).toBe(0)
  expect(started.output()).toMatch(/mailmoat: stopped/)
}, 90_000)

test("gateway with a bad configuration exits 2 without starting or a stack trace", async () => {
  const config = writeConfig({ smtp: { port: "twenty-five" } })
  const r = await mailmoat(["gateway", "--config", config])
  expect(r.code).toBe(2)
  expect(r.stderr).toMatch(/smtp\.port/)
  expect(hasStackTrace(r.stderr)).toBe(false)
})
