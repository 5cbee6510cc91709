// SMTP AUTH checked by a real Dovecot's auth service (`smtp.auth.dovecot`), over its unix socket
// and its TCP listener: swaks authenticates inside STARTTLS with PLAIN and LOGIN; Dovecot's user
// is accepted, a wrong password is 535, accounts of the configuration still work beside it, and
// a Dovecot that cannot answer is 454 4.7.0 (not counted as a failed login).
import { writeFileSync } from "node:fs"
import { afterAll, beforeAll, describe, expect, test } from "vitest"
import { type Dovecot, freePort, startDovecot } from "../../../packages/protocols/test/proxy/support/dovecot.ts"
import type { RunningGateway } from "../src/index.ts"
import { gateway, makeCert, SmtpSink, swaks, tempDir } from "./support/peers.ts"

describe("SMTP AUTH through Dovecot's auth service", () => {
  let dovecot: Dovecot
  let sink: SmtpSink
  const running: Array<RunningGateway> = []
  beforeAll(async () => {
    ;[dovecot, sink] = await Promise.all([startDovecot([]), SmtpSink.start()])
  }, 60_000)
  afterAll(async () => {
    for (const g of running) await g.close()
    await Promise.all([dovecot?.stop(), sink?.stop()])
  })

  const start = async (dovecotSection: Record<string, unknown>, lines: Array<string> = []) => {
    const cert = makeCert()
    const dir = tempDir()
    writeFileSync(`${dir}/cert.pem`, cert.cert)
    writeFileSync(`${dir}/key.pem`, cert.key)
    const gw = await gateway(
      {
        smtp: {
          tls: { certFile: `${dir}/cert.pem`, keyFile: `${dir}/key.pem` },
          auth: { users: [{ username: "edge1", password: "edge-secret" }], dovecot: dovecotSection }
        },
        delivery: { downstream: { host: "127.0.0.1", port: sink.port } },
        antispam: { enabled: false },
        log: { level: "debug" }
      },
      { log: (l) => lines.push(l) }
    )
    running.push(gw)
    return gw
  }
  const send = (gw: RunningGateway, mechanism: string, user: string, password: string, subject: string) =>
    swaks(gw.smtp.port, [
      "--from",
      "sender@client.test",
      "--to",
      "user@example.test",
      "--header",
      `Subject: ${subject}`,
      "--tls",
      "--auth",
      mechanism,
      "--auth-user",
      user,
      "--auth-password",
      password
    ])

  test("over the unix socket: Dovecot's user authenticates (PLAIN and LOGIN); a wrong password is 535", async () => {
    const lines: Array<string> = []
    const gw = await start({ socket: dovecot.authSocket }, lines)
    for (const mechanism of ["PLAIN", "LOGIN"]) {
      const ok = await send(gw, mechanism, dovecot.user, dovecot.password, `dovecot ${mechanism}`)
      expect(ok.out).toMatch(/<~ {2}235 /)
      expect(ok.out).toMatch(/<~ {2}250 2\.0\.0 /)
      expect(sink.dumpWith(`Subject: dovecot ${mechanism}`)).toContain(`Subject: dovecot ${mechanism}`)
    }
    expect((await send(gw, "PLAIN", dovecot.user, "wrong", "dovecot wrong")).out).toMatch(/<~\* +535 5\.7\.8/)
    expect(lines.some((l) => l.includes("auth_failed") && l.includes('via="dovecot"'))).toBe(true)
    // An account of the configuration is checked first, without asking Dovecot.
    expect((await send(gw, "PLAIN", "edge1", "edge-secret", "dovecot local")).out).toMatch(/<~ {2}235 /)
  })

  test("over TCP, the same", async () => {
    const gw = await start({ host: "127.0.0.1", port: dovecot.ports.auth })
    expect((await send(gw, "PLAIN", dovecot.user, dovecot.password, "dovecot tcp")).out).toMatch(/<~ {2}235 /)
    expect((await send(gw, "LOGIN", "nobody-here", "x", "dovecot tcp unknown")).out).toMatch(/<~\* +535 /)
  })

  test("a Dovecot that cannot answer is a temporary failure (454 4.7.0), logged", async () => {
    const lines: Array<string> = []
    const gw = await start({ host: "127.0.0.1", port: await freePort() }, lines)
    const r = await send(gw, "PLAIN", dovecot.user, dovecot.password, "dovecot down")
    expect(r.out).toMatch(/<~\* +454 4\.7\.0/)
    expect(lines.some((l) => l.includes("auth_unavailable") && l.includes("ECONNREFUSED"))).toBe(true)
    // The configuration's own accounts keep working.
    expect((await send(gw, "PLAIN", "edge1", "edge-secret", "dovecot down local")).out).toMatch(/<~ {2}235 /)
  })
})
