// Integration with a real SMTP client: swaks (Debian package) against our listener on loopback,
// plain, pipelined, STARTTLS, AUTH over TLS, and raw DATA files with bare LF / smuggling forms.
import { rmSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest"
import { type SmtpServerHandle, SmtpServer } from "../../src/smtp/index.ts"
import { makeCert, recorder, swaks } from "./support/peers.ts"
import { tempDir } from "../../../../test/support/temp-dirs.ts"

const cert = makeCert()
const dir = tempDir("mailmoat-swaks-")
// Each case has its own listeners and recorders: a message a previous case's swaks was still
// sending when that case failed lands in that case's recorder, never in the one counted now.
let rec: ReturnType<typeof recorder>
let strict: ReturnType<typeof recorder>
let server: SmtpServerHandle
let strictServer: SmtpServerHandle

beforeEach(async () => {
  rec = recorder()
  strict = recorder()
  server = await SmtpServer.listen({ hostname: "mx.test", tls: { key: cert.key, cert: cert.cert } }, rec.handler)
  strictServer = await SmtpServer.listen({ hostname: "mx.test", bareLineEndings: "reject" }, strict.handler)
})

afterEach(async () => {
  await server?.close({ graceful: false })
  await strictServer?.close({ graceful: false })
})

afterAll(() => {
  rmSync(cert.dir, { recursive: true, force: true })
  rmSync(dir, { recursive: true, force: true })
})

const base = ["--to", "r@b.test", "--from", "s@a.test", "--helo", "client.test"]

const dataFile = (name: string, content: string): string => {
  const path = join(dir, name)
  writeFileSync(path, Buffer.from(content, "latin1"))
  return path
}

describe("swaks against SmtpServer", () => {
  it("delivers N plain messages, N recorded", async () => {
    const before = rec.messages.length
    for (let i = 0; i < 5; i++) {
      const r = await swaks(server.address.port, [...base, "--header", `X-Seq: ${i}`])
      expect(r.code, r.out).toBe(0)
    }
    const got = rec.messages.slice(before)
    expect(got).toHaveLength(5)
    expect(got.map((m) => /X-Seq: (\d)/.exec(m.body!.toString())?.[1])).toEqual(["0", "1", "2", "3", "4"])
    expect(got[0]!.envelope).toMatchObject({
      mailFrom: "s@a.test",
      rcptTo: ["r@b.test"],
      helo: "client.test",
      tls: false
    })
  })

  it("works with --pipeline", async () => {
    const before = rec.messages.length
    const r = await swaks(server.address.port, [...base, "--pipeline", "--to", "r@b.test,r2@b.test"])
    expect(r.code, r.out).toBe(0)
    expect(r.out).toContain("PIPELINING")
    expect(rec.messages.slice(before)).toHaveLength(1)
    expect(rec.messages.at(-1)!.envelope.rcptTo).toEqual(["r@b.test", "r2@b.test"])
  })

  it("works with STARTTLS and AUTH PLAIN / LOGIN over TLS", async () => {
    for (const mech of ["PLAIN", "LOGIN"]) {
      const before = rec.messages.length
      const r = await swaks(server.address.port, [
        ...base,
        "--tls",
        "--auth",
        mech,
        "--auth-user",
        "user",
        "--auth-password",
        "secret"
      ])
      expect(r.code, r.out).toBe(0)
      expect(r.out).toMatch(/235 2\.7\.0/)
      expect(rec.messages.slice(before)).toHaveLength(1)
      expect(rec.messages.at(-1)!.envelope).toMatchObject({ tls: true, authenticatedUser: "user" })
    }
  })

  it("wrong password over TLS fails with 535; AUTH without TLS is not offered", async () => {
    const bad = await swaks(server.address.port, [
      ...base,
      "--tls",
      "--auth",
      "PLAIN",
      "--auth-user",
      "user",
      "--auth-password",
      "nope"
    ])
    expect(bad.code).not.toBe(0)
    expect(bad.out).toMatch(/535 5\.7\.8/)
    const clear = await swaks(server.address.port, [
      ...base,
      "--auth",
      "PLAIN",
      "--auth-user",
      "user",
      "--auth-password",
      "secret"
    ])
    expect(clear.code).not.toBe(0)
    expect(clear.out).not.toMatch(/235 /)
  })

  it("a raw DATA file with a smuggled transaction gives exactly one message (normalise)", async () => {
    const before = rec.messages.length
    const file = dataFile(
      "smuggle.eml",
      "Subject: x\r\n\r\nA\n.\r\nMAIL FROM:<spoof@victim.test>\r\nRCPT TO:<u@local.test>\r\nDATA\r\nFrom: ceo@victim.test\r\n\r\nB\r\n\r\n.\r\n"
    )
    const r = await swaks(server.address.port, [...base, "--no-data-fixup", "--data", `@${file}`])
    expect(r.code, r.out).toBe(0)
    const got = rec.messages.slice(before)
    expect(got).toHaveLength(1)
    expect(got[0]!.body!.toString("latin1")).toContain("A\r\n.\r\nMAIL FROM:<spoof@victim.test>\r\n")
    expect(got[0]!.envelope.mailFrom).toBe("s@a.test")
  })

  it("the same file is rejected with 550 5.5.2 in reject mode, nothing recorded", async () => {
    const file = dataFile("bare-lf.eml", "Subject: x\r\n\r\nA\n.\nB\r\n.\r\n")
    const r = await swaks(strictServer.address.port, [...base, "--no-data-fixup", "--data", `@${file}`])
    expect(r.code).not.toBe(0)
    expect(r.out).toMatch(/550 5\.5\.2/)
    expect(strict.messages).toHaveLength(0)
  })
})
