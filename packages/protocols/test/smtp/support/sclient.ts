// Real-peer TLS helpers for certificate rotation tests: server certificates made with openssl
// (one per name, with a serial of our choosing; an expired one through `openssl ca`, since
// `req -x509 -days` cannot go back in time), and an interactive `openssl s_client` whose
// session stays open while the test reloads the server under it.
import { type ChildProcessWithoutNullStreams, execFileSync, spawn } from "node:child_process"
import { X509Certificate } from "node:crypto"
import { mkdirSync, writeFileSync } from "node:fs"
import { join } from "node:path"

const openssl = (args: ReadonlyArray<string>, cwd?: string): void => {
  execFileSync("openssl", args, { stdio: "pipe", timeout: 30_000, ...(cwd ? { cwd } : {}) })
}

const EC = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]

export interface CertFiles {
  readonly certFile: string
  readonly keyFile: string
}

/**
 * A self-signed server certificate for `cn` (SAN localhost, 127.0.0.1) in `dir`/`cn`.pem and
 * `cn`.key. `expired`: valid for one day in January 2020.
 */
export const makeServerCert = (
  dir: string,
  cn: string,
  options: { readonly serial: number; readonly expired?: boolean }
): CertFiles => {
  mkdirSync(dir, { recursive: true })
  const certFile = join(dir, `${cn}.pem`)
  const keyFile = join(dir, `${cn}.key`)
  const subj = `/CN=${cn}`
  if (options.expired !== true) {
    openssl([
      "req",
      "-x509",
      ...EC,
      "-keyout",
      keyFile,
      "-out",
      certFile,
      "-days",
      "2",
      "-set_serial",
      String(options.serial),
      "-subj",
      subj,
      "-addext",
      "subjectAltName=DNS:localhost,IP:127.0.0.1"
    ])
    return { certFile, keyFile }
  }
  const ca = join(dir, `${cn}-ca`)
  mkdirSync(ca, { recursive: true })
  writeFileSync(join(ca, "index.txt"), "")
  writeFileSync(join(ca, "serial"), options.serial.toString(16).padStart(2, "0"))
  writeFileSync(
    join(ca, "ca.cnf"),
    [
      "[ca]",
      "default_ca = d",
      "[d]",
      `database = ${join(ca, "index.txt")}`,
      `new_certs_dir = ${ca}`,
      `serial = ${join(ca, "serial")}`,
      "default_md = sha256",
      "policy = p",
      "unique_subject = no",
      "[p]",
      "commonName = supplied",
      ""
    ].join("\n")
  )
  openssl(["req", "-new", ...EC, "-keyout", keyFile, "-out", join(ca, "req.csr"), "-subj", subj])
  openssl([
    "ca",
    "-batch",
    "-notext",
    "-config",
    join(ca, "ca.cnf"),
    "-selfsign",
    "-keyfile",
    keyFile,
    "-in",
    join(ca, "req.csr"),
    "-out",
    certFile,
    "-startdate",
    "20200101000000Z",
    "-enddate",
    "20200102000000Z"
  ])
  return { certFile, keyFile }
}

/** The first certificate `openssl s_client` printed. */
export const shownCertificate = (output: string): X509Certificate => {
  const pem = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(output)?.[0]
  if (pem === undefined) throw new Error(`s_client showed no certificate:\n${output}`)
  return new X509Certificate(pem)
}

/**
 * `openssl s_client` kept open: lines written go to the server as they are (`-nocommands`, so
 * an `RCPT` line is not taken for a renegotiation request), its output collects in `output`.
 */
export class SClient {
  output = ""
  /** Why input could not be written (`EPIPE` once s_client has exited), if it could not. */
  inputError: string | undefined
  private readonly child: ChildProcessWithoutNullStreams
  private readonly exited: Promise<number | null>

  private constructor(args: ReadonlyArray<string>) {
    this.child = spawn("openssl", ["s_client", "-nocommands", "-ign_eof", ...args], { stdio: "pipe" })
    this.child.stdout.on("data", (d: Buffer) => (this.output += d.toString("latin1")))
    this.child.stderr.on("data", (d: Buffer) => (this.output += d.toString("latin1")))
    // s_client exits when the server ends the connection (a refused handshake, say); what is
    // written after that fails with EPIPE, which a test reads here and from the output, not as an
    // uncaught error of the whole run.
    this.child.stdin.on("error", (e: NodeJS.ErrnoException) => (this.inputError = e.code ?? e.message))
    this.exited = new Promise((resolve) => this.child.once("close", resolve))
  }

  /** Connects to `127.0.0.1:port`, with `-starttls smtp|imap|pop3` when given. */
  static start(port: number, options: { readonly starttls?: string; readonly extra?: ReadonlyArray<string> } = {}) {
    return new SClient([
      "-connect",
      `127.0.0.1:${port}`,
      ...(options.starttls ? ["-starttls", options.starttls] : []),
      ...(options.extra ?? [])
    ])
  }

  write(text: string): void {
    this.child.stdin.write(text)
  }

  /** Resolves once `pattern` matches the output after `from`; rejects after `timeoutMs`. */
  async waitFor(pattern: RegExp, from = 0, timeoutMs = 20_000): Promise<string> {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      const match = pattern.exec(this.output.slice(from))
      if (match) return match[0]
      if (Date.now() > deadline) throw new Error(`s_client: no ${pattern} in:\n${this.output}`)
      await new Promise((r) => setTimeout(r, 20))
    }
  }

  /** Ends its input and waits for it to exit (killed after `timeoutMs`). */
  async close(timeoutMs = 10_000): Promise<number | null> {
    this.child.stdin.end()
    const timer = setTimeout(() => this.child.kill("SIGKILL"), timeoutMs)
    try {
      return await this.exited
    } finally {
      clearTimeout(timer)
    }
  }
}

/** An s_client SMTP session after STARTTLS: EHLO again, as RFC 3207 §4.2 asks. */
export const smtpSessionInTls = async (port: number): Promise<SClient> => {
  const client = SClient.start(port, { starttls: "smtp" })
  await client.waitFor(/-----END CERTIFICATE-----/)
  const mark = client.output.length
  client.write("EHLO client.test\r\n")
  await client.waitFor(/^250 .*$/m, mark)
  return client
}

/** One transaction and QUIT on a session past EHLO; resolves with the reply to the message. */
export const sendAndQuit = async (client: SClient, envelope: { from: string; to: string }, message: string) => {
  let mark = client.output.length
  client.write(`MAIL FROM:<${envelope.from}>\r\nRCPT TO:<${envelope.to}>\r\nDATA\r\n`)
  await client.waitFor(/^354 .*$/m, mark)
  mark = client.output.length
  client.write(`${message}\r\n.\r\n`)
  const reply = await client.waitFor(/^\d{3} .*$/m, mark)
  client.write("QUIT\r\n")
  await client.waitFor(/^221 /m, mark)
  return reply
}

/** One s_client handshake: what certificate is served now (the input is sent, then EOF). */
export const servedCertificate = async (
  port: number,
  options: { readonly starttls?: string; readonly extra?: ReadonlyArray<string>; readonly input: string }
): Promise<{ readonly cert: X509Certificate; readonly output: string }> => {
  const client = SClient.start(port, options)
  try {
    await client.waitFor(/-----END CERTIFICATE-----/)
    client.write(options.input)
    await client.close()
  } catch (error) {
    await client.close(1000)
    throw error
  }
  return { cert: shownCertificate(client.output), output: client.output }
}
