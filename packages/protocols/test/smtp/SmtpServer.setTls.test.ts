// Certificate rotation on the SMTP listener, seen by a real client (openssl s_client
// -starttls smtp): after `setTls` new STARTTLS handshakes get the new certificate, while a session
// already in TLS goes on under the one it negotiated and its message is accepted.
import { readFileSync, rmSync } from "node:fs"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { type SmtpServerHandle, SmtpServer } from "../../src/smtp/index.ts"
import { recorder } from "./support/peers.ts"
import {
  type CertFiles,
  makeServerCert,
  sendAndQuit,
  servedCertificate,
  shownCertificate,
  smtpSessionInTls
} from "./support/sclient.ts"
import { tempDir } from "../../../../test/support/temp-dirs.ts"

const dir = tempDir("mailmoat-settls-")
const rec = recorder()
let server: SmtpServerHandle
let first: CertFiles
let second: CertFiles

const pair = (files: CertFiles) => ({
  cert: readFileSync(files.certFile, "utf8"),
  key: readFileSync(files.keyFile, "utf8")
})

beforeAll(async () => {
  first = makeServerCert(dir, "mx-first.test", { serial: 0x1111 })
  second = makeServerCert(dir, "mx-second.test", { serial: 0x2222 })
  server = await SmtpServer.listen({ hostname: "mx.test", tls: pair(first) }, rec.handler)
})

afterAll(async () => {
  await server?.close({ graceful: false })
  rmSync(dir, { recursive: true, force: true })
})

const served = async () =>
  (await servedCertificate(server.address.port, { starttls: "smtp", input: "QUIT\r\n" })).cert.serialNumber

describe("SmtpServer.setTls", () => {
  it("serves the new certificate to new handshakes; a session in TLS finishes under the old one", async () => {
    expect(await served()).toBe("1111")
    const inFlight = await smtpSessionInTls(server.address.port)
    try {
      server.setTls(pair(second))
      expect(await served()).toBe("2222")

      const sent = await sendAndQuit(
        inFlight,
        { from: "s@a.test", to: "r@b.test" },
        "Subject: during a rotation\r\n\r\nbody"
      )
      expect(sent).toMatch(/^250 /)
    } finally {
      await inFlight.close()
    }
    expect(shownCertificate(inFlight.output).serialNumber).toBe("1111")
    expect(rec.messages.at(-1)!.envelope).toMatchObject({ tls: true })
  })

  it("cannot turn STARTTLS on for a listener started without it", async () => {
    const clear = await SmtpServer.listen({ hostname: "mx.test" }, recorder().handler)
    try {
      expect(() => clear.setTls(pair(second))).toThrow(/STARTTLS is not offered/)
    } finally {
      await clear.close({ graceful: false })
    }
  })
})
