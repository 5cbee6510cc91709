// Test peers for the gateway: re-exports the real-peer helpers of the protocols tests (smtp-sink,
// our raw sink, swaks, a raw SMTP client, certificates) and adds gateway-specific ones.
import { type GatewayOptions, type RunningGateway, startGateway } from "../../src/index.ts"
import { tempDir as makeTempDir } from "../../../../test/support/temp-dirs.ts"

export { freePort, makeCert, RawSink, SmtpSink } from "../../../../packages/protocols/test/delivery/support/peers.ts"
export {
  PostfixServer,
  postfixAvailable,
  REFUSED_SUBJECT
} from "../../../../packages/protocols/test/delivery/support/postfix.ts"
export { RawClient, REPLY_WAIT_MS, swaks } from "../../../../packages/protocols/test/smtp/support/peers.ts"
import { RawClient as Client, REPLY_WAIT_MS } from "../../../../packages/protocols/test/smtp/support/peers.ts"

/** Sends one command line and waits for its whole (possibly multi-line) reply. */
export const cmd = async (c: Client, line: string): Promise<string> => {
  const from = c.received.length
  c.write(`${line}\r\n`)
  return c.waitFor(/(?:\d{3}-.*\r\n)*\d{3} .*\r\n/, REPLY_WAIT_MS, from)
}

/** A raw session past the greeting and EHLO. */
export const session = async (port: number): Promise<Client> => {
  const c = await Client.connect(port)
  await c.waitFor(/^220 .*\r\n/)
  await cmd(c, "EHLO client.test")
  return c
}

/** A fresh folder under $TMPDIR, removed when the test file ends (test/support/temp-dirs.ts). */
export const tempDir = (prefix = "mailmoat-gw-"): string => makeTempDir(prefix)

/** A gateway on 127.0.0.1:0 with its data under a fresh temp dir and the admin API on port 0. */
export const gateway = (
  config: Record<string, unknown> = {},
  options: GatewayOptions = {}
): Promise<RunningGateway> => {
  const dataDir = tempDir()
  return startGateway(
    {
      dataDir,
      ...config,
      smtp: { host: "127.0.0.1", port: 0, hostname: "gw.test", ...(config.smtp as object | undefined) },
      admin: { host: "127.0.0.1", port: 0, ...(config.admin as object | undefined) }
    },
    { shutdownTimeoutMs: 5000, ...options }
  )
}

/** Sends one message over a raw socket; resolves with every reply line the gateway sent. */
export const sendRaw = async (
  port: number,
  envelope: { from: string; to: ReadonlyArray<string> },
  body: string
): Promise<{ rcpt: ReadonlyArray<string>; data: string; transcript: string }> => {
  const { RawClient } = await import("../../../../packages/protocols/test/smtp/support/peers.ts")
  const c = await RawClient.connect(port)
  try {
    await c.waitFor(/^220 .*\r\n/m)
    c.write("EHLO client.test\r\n")
    await c.waitFor(/^250 .*\r\n/m, REPLY_WAIT_MS, c.received.indexOf("\r\n") + 2)
    let mark = c.received.length
    c.write(`MAIL FROM:<${envelope.from}>\r\n`)
    await c.waitFor(/^\d{3} .*\r\n/m, REPLY_WAIT_MS, mark)
    const rcpt: Array<string> = []
    for (const to of envelope.to) {
      mark = c.received.length
      c.write(`RCPT TO:<${to}>\r\n`)
      rcpt.push((await c.waitFor(/^\d{3} .*\r\n/m, REPLY_WAIT_MS, mark)).trim())
    }
    mark = c.received.length
    c.write("DATA\r\n")
    const go = (await c.waitFor(/^\d{3} .*\r\n/m, REPLY_WAIT_MS, mark)).trim()
    if (!go.startsWith("354")) return { rcpt, data: go, transcript: c.received }
    mark = c.received.length
    c.write(`${body}\r\n.\r\n`)
    const data = (await c.waitFor(/^\d{3} .*\r\n/m, REPLY_WAIT_MS, mark)).trim()
    c.write("QUIT\r\n")
    return { rcpt, data, transcript: c.received }
  } finally {
    c.close()
  }
}
