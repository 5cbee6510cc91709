// End to end: swaks (bound to 127.0.0.2) -> gateway -> server antispam module (resolver pointed
// at a real rbldnsd) -> smtp-sink / quarantine / SMTP reply. Every `onSpam` action, a bypass,
// and temporary rejection are observed on the wire and at the destination.
//
// Most cases inject the module with list-health probing off (a zone that never answers must stay
// unsuspended for the temporary-rejection case); the last case runs the gateway's own wiring
// from the configuration file's `antispam` section.
import { readdirSync, readFileSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { MessageModel } from "@mailmoat/core"
import { type AntispamInput, makeServerAntispam } from "@mailmoat/antispam"
import { Effect } from "effect"
import { afterAll, beforeAll, describe, expect, test } from "vitest"
import { NodeDns } from "@mailmoat/platform-node"
import { type Rbldnsd, startRbldnsd } from "../../../packages/core/test/dns/support/rbldnsd.ts"
import type { Evaluate, RunningGateway } from "../src/index.ts"
import { gateway, makeCert, SmtpSink, swaks, tempDir } from "./support/peers.ts"

describe("antispam actions through a real SMTP session", () => {
  let rbl: Rbldnsd
  let sink: SmtpSink
  const running: Array<RunningGateway> = []
  beforeAll(async () => {
    rbl = await startRbldnsd([{ zone: "bl.test", type: "ip4set", data: "127.0.0.2\n" }])
    sink = await SmtpSink.start()
  })
  afterAll(async () => {
    for (const g of running) await g.close()
    await sink?.stop()
    await rbl?.stop()
  })

  const start = async (antispam: AntispamInput) => {
    const module = makeServerAntispam(
      {
        // rbldnsd answers: a deadline far past a stall of it or of this process (at 2 s a loaded
        // full run got no answer in time and delivered a listed client's spam to the sink).
        rbl: { servers: ["bl.test"], skip: ["127.0.0.1/32"], timeoutSeconds: 20 },
        endUserBlocklist: { enabled: false },
        dns: { servers: [rbl.server] },
        ...antispam
      },
      { dns: NodeDns.make({ servers: [rbl.server] }), healthIntervalMillis: 0 }
    )
    const evaluate: Evaluate = (envelope, spool) =>
      Effect.runPromise(module.evaluate(MessageModel.fromBytes(spool.head, { envelope, size: spool.size })))
    const gw = await gateway({ delivery: { downstream: { host: "127.0.0.1", port: sink.port } } }, { evaluate })
    running.push(gw)
    return gw
  }
  const send = (gw: RunningGateway, subject: string, to = "user@example.test") =>
    swaks(gw.smtp.port, [
      "--local-interface",
      "127.0.0.2",
      "--from",
      "sender@client.test",
      "--helo",
      "client.test",
      "--to",
      to,
      "--header",
      `Subject: ${subject}`
    ])

  test("onSpam: none delivers with X-Mailmoat headers", async () => {
    const gw = await start({ onSpam: "none" })
    const r = await send(gw, "e2e none")
    expect(r.out).toMatch(/<- {2}250 /)
    const dump = sink.dumpWith("Subject: e2e none")
    expect(dump).toContain("X-Mailmoat-Verdict: spam")
    expect(dump).toMatch(/X-Mailmoat-Symbols: .*RBL_LISTED/)
  })

  test("onSpam: quarantine stores the message and answers 250; nothing reaches the sink", async () => {
    const gw = await start({ onSpam: "quarantine" })
    const r = await send(gw, "e2e quarantine")
    expect(r.out).toMatch(/<- {2}250 /)
    // This case's own message, by its Subject: the shared sink's total is not this case's to count.
    expect(sink.dumpsWith("e2e quarantine\n")).toEqual([])
    expect(readdirSync(gw.quarantine, { recursive: true }).length).toBeGreaterThan(0)
  })

  test("onSpam: reject answers 550 5.7.1", async () => {
    const gw = await start({ onSpam: "reject" })
    const r = await send(gw, "e2e reject")
    expect(r.out).toMatch(/<\*\* +550 5\.7\.1/)
  })

  test("onSpam: drop answers 250 and keeps nothing", async () => {
    const gw = await start({ onSpam: "drop" })
    const r = await send(gw, "e2e drop")
    expect(r.out).toMatch(/<- {2}250 /)
    expect(sink.dumpsWith("e2e drop\n")).toEqual([])
    // Nothing but the quarantine's (empty) index: no entry, no record of one.
    const kept = readdirSync(gw.quarantine, { recursive: true }).map(String)
    expect(kept.filter((name) => !name.startsWith("index.log"))).toEqual([])
    if (kept.includes("index.log")) expect(readFileSync(join(gw.quarantine, "index.log"), "utf8")).toBe("")
  })

  test("allowedIps bypass delivers a listed client untouched by the lists", async () => {
    const gw = await start({ onSpam: "reject", bypass: { allowedIps: ["127.0.0.2/32"] } })
    rbl.resetQueries()
    const r = await send(gw, "e2e bypass")
    expect(r.out).toMatch(/<- {2}250 /)
    expect(sink.dumpWith("Subject: e2e bypass")).toContain("X-Mailmoat-Verdict: bypass")
    expect((await rbl.settledQueries()).filter((q) => q.endsWith(".bl.test A"))).toEqual([])
  })

  test("temporary rejection answers 451 4.7.1 for an unsure message", async () => {
    const gw = await start({
      rbl: { servers: ["nozone.test"], skip: [], timeoutSeconds: 2 },
      tempReject: { enabled: true }
    })
    const r = await send(gw, "e2e tempfail")
    expect(r.out).toMatch(/<\*\* +451 4\.7\.1/)
  })

  test("the gateway's own wiring from the configuration: a listed client is rejected, status shows the lists", async () => {
    const gw = await gateway({
      delivery: { downstream: { host: "127.0.0.1", port: sink.port } },
      antispam: {
        onSpam: "reject",
        rbl: { servers: ["bl.test"], skip: ["127.0.0.1/32"], timeoutSeconds: 20 },
        endUserBlocklist: { enabled: false },
        dns: { servers: [rbl.server] }
      }
    })
    running.push(gw)
    const r = await send(gw, "e2e wired")
    expect(r.out).toMatch(/<\*\* +550 5\.7\.1/)
    expect(gw.status().modules.antispam).toMatchObject({ state: "on", rbl: { zones: ["bl.test"] } })
  })

  describe("session bypass of authenticated trusted relays (AUTH inside STARTTLS)", () => {
    const startWithAuth = async (acceptSessionBypass: boolean) => {
      const cert = makeCert()
      const dir = tempDir()
      writeFileSync(`${dir}/cert.pem`, cert.cert)
      writeFileSync(`${dir}/key.pem`, cert.key)
      const gw = await gateway({
        smtp: {
          tls: { certFile: `${dir}/cert.pem`, keyFile: `${dir}/key.pem` },
          auth: {
            users: [
              { username: "edge1", password: "edge-secret", bypassAntispam: true },
              { username: "client", password: "client-secret" }
            ]
          }
        },
        delivery: { downstream: { host: "127.0.0.1", port: sink.port } },
        classifier: { enabled: false },
        antispam: {
          onSpam: "reject",
          bypass: { acceptSessionBypass },
          rbl: { servers: ["bl.test"], skip: ["127.0.0.1/32"], timeoutSeconds: 20 },
          endUserBlocklist: { enabled: false },
          dns: { servers: [rbl.server] }
        }
      })
      running.push(gw)
      return gw
    }
    const sendAuth = (gw: RunningGateway, user: string, password: string, subject: string) =>
      swaks(gw.smtp.port, [
        "--local-interface",
        "127.0.0.2",
        "--from",
        "sender@client.test",
        "--helo",
        "client.test",
        "--to",
        "user@example.test",
        "--header",
        `Subject: ${subject}`,
        "--tls",
        "--auth",
        "PLAIN",
        "--auth-user",
        user,
        "--auth-password",
        password
      ])

    test("a relay account with bypassAntispam: a listed client is delivered as bypass", async () => {
      const gw = await startWithAuth(true)
      const r = await sendAuth(gw, "edge1", "edge-secret", "e2e session bypass")
      expect(r.out).toMatch(/<~ {2}235 /)
      expect(r.out).toMatch(/<~ {2}250 2\.0\.0 /)
      expect(sink.dumpWith("Subject: e2e session bypass")).toContain("X-Mailmoat-Verdict: bypass")
    })

    test("an account without the flag, or acceptSessionBypass off: scanned like any other (550)", async () => {
      const on = await startWithAuth(true)
      expect((await sendAuth(on, "client", "client-secret", "e2e no flag")).out).toMatch(/<~\* +550 5\.7\.1/)
      const off = await startWithAuth(false)
      expect((await sendAuth(off, "edge1", "edge-secret", "e2e bypass ignored")).out).toMatch(/<~\* +550 5\.7\.1/)
    })

    test("a wrong password is refused (535) and AUTH is not offered before STARTTLS", async () => {
      const gw = await startWithAuth(true)
      expect((await sendAuth(gw, "edge1", "wrong", "e2e wrong password")).out).toMatch(/<~\* +535 /)
      const clear = await swaks(gw.smtp.port, ["--to", "user@example.test", "--quit-after", "EHLO"])
      expect(clear.out).not.toMatch(/250[- ]AUTH/)
    })
  })
})
