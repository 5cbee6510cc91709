// Helpers for integration tests against our listener: a recording handler, a self-signed
// certificate made with openssl, swaks runs, and a raw socket client for byte-exact attacks.
// Everything is loopback-only and bounded in time.
import { execFileSync, spawn } from "node:child_process"
import { createHash } from "node:crypto"
import { readFileSync } from "node:fs"
import * as net from "node:net"
import { join } from "node:path"
import * as tls from "node:tls"
import type { Envelope } from "@mailmoat/core"
import type { SmtpHandler, SmtpReply, StoredSpool } from "../../../src/smtp/index.ts"
import { tempDir } from "../../../../../test/support/temp-dirs.ts"

export interface Recorded {
  readonly envelope: Envelope.Envelope
  readonly body: Buffer | undefined
  readonly sha256: string
  readonly size: number
  readonly onDisk: boolean
  readonly headLength: number
}

/** A handler that records every message (bodies up to `keepBody` bytes are kept). */
export const recorder = (options: { keepBody?: number; onData?: () => Promise<SmtpReply> } = {}) => {
  const messages: Array<Recorded> = []
  const aborts: Array<string> = []
  const handler: SmtpHandler = {
    onAuth: async (_s, req) => ({ ok: req.username === "user" && req.password === "secret" }),
    onTransactionAbort: (s) => {
      aborts.push(s.id)
    },
    onData: async (_s, envelope, spool) => {
      const hash = createHash("sha256")
      const parts: Array<Buffer> = []
      let n = 0
      for await (const chunk of spool.stream()) {
        hash.update(chunk)
        n += chunk.length
        if (n <= (options.keepBody ?? 1024 * 1024)) parts.push(Buffer.from(chunk))
      }
      messages.push({
        envelope,
        body: n <= (options.keepBody ?? 1024 * 1024) ? Buffer.concat(parts) : undefined,
        sha256: hash.digest("hex"),
        size: n,
        onDisk: (spool as StoredSpool).onDisk,
        headLength: spool.head.length
      })
      return options.onData ? options.onData() : { code: 250, enhanced: "2.0.0", text: `Queued as ${messages.length}` }
    }
  }
  return { handler, messages, aborts }
}

const requireBinary = (name: string): void => {
  try {
    execFileSync("sh", ["-c", `command -v ${name}`], { stdio: "pipe" })
  } catch {
    throw new Error(
      `${name} is not installed: install it (Debian: apt-get install ${name}) to run the SMTP integration tests`
    )
  }
}

/**
 * A fresh self-signed certificate for 127.0.0.1 / localhost. Its key is EC P-256: openssl's RSA
 * 2048 key search took over 30 s at load 80, past this call's timeout.
 */
export const makeCert = (): { key: string; cert: string; dir: string } => {
  requireBinary("openssl")
  const dir = tempDir("mailmoat-cert-")
  const key = join(dir, "key.pem")
  const cert = join(dir, "cert.pem")
  execFileSync(
    "openssl",
    [
      "req",
      "-x509",
      "-newkey",
      "ec",
      "-pkeyopt",
      "ec_paramgen_curve:P-256",
      "-nodes",
      "-keyout",
      key,
      "-out",
      cert,
      "-days",
      "1",
      "-subj",
      "/CN=localhost",
      "-addext",
      "subjectAltName=DNS:localhost,IP:127.0.0.1"
    ],
    { stdio: "pipe", timeout: 30_000 }
  )
  return { key: readFileSync(key, "utf8"), cert: readFileSync(cert, "utf8"), dir }
}

/**
 * Runs swaks against 127.0.0.1:port; resolves with its exit code and transcript. One that runs
 * past `timeoutMs` is killed by its PID and the promise rejects only once it has exited, so it
 * sends nothing more into the server the next case uses.
 */
export const swaks = (
  port: number,
  args: ReadonlyArray<string>,
  timeoutMs = 30_000
): Promise<{ code: number | null; out: string }> => {
  requireBinary("swaks")
  return new Promise((resolve, reject) => {
    const child = spawn("swaks", ["--server", `127.0.0.1:${port}`, "--timeout", "20", ...args], {
      stdio: ["ignore", "pipe", "pipe"]
    })
    let out = ""
    let timedOut = false
    child.stdout.on("data", (d: Buffer) => (out += d.toString("latin1")))
    child.stderr.on("data", (d: Buffer) => (out += d.toString("latin1")))
    const timer = setTimeout(() => {
      timedOut = true
      if (child.pid !== undefined) process.kill(child.pid, "SIGKILL")
    }, timeoutMs)
    child.on("error", (error) => {
      clearTimeout(timer)
      reject(error)
    })
    child.on("close", (code) => {
      clearTimeout(timer)
      if (timedOut) reject(new Error(`swaks ran past ${timeoutMs} ms (killed, exited):\n${out}`))
      else resolve({ code, out })
    })
  })
}

/**
 * How long a raw client waits for a reply, a close or a FIN. Each wait ends on the event itself,
 * so the bound is no deadline of the code under test: it only has to outlast any load the suite
 * runs at and stay under a case's timeout (90 s), leaving room to report what was received.
 */
export const REPLY_WAIT_MS = 60_000

/** A raw client: collects everything the server sends, lets the test wait for patterns. */
export class RawClient {
  received = ""
  closed = false
  /** The listener's FIN (or TLS close) arrived. */
  ended = false
  /** The socket's error, if any (ECONNRESET when the listener answered with RST). */
  error: Error | undefined
  private waiters: Array<() => void> = []

  private constructor(public socket: net.Socket | tls.TLSSocket) {
    this.listen(socket)
  }

  /**
   * `localAddress` binds the client end (any 127.x.y.z is loopback on Linux). `allowHalfOpen`: the
   * client keeps its end open after the listener's FIN, as one that has not read the reply yet.
   */
  static connect(port: number, localAddress?: string, allowHalfOpen = false): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const socket = net.connect(
        { host: "127.0.0.1", port, allowHalfOpen, ...(localAddress === undefined ? {} : { localAddress }) },
        () => resolve(new RawClient(socket))
      )
      socket.once("error", reject)
    })
  }

  private listen(socket: net.Socket): void {
    socket.on("data", (d: Buffer) => {
      this.received += d.toString("latin1")
      this.wake()
    })
    socket.on("end", () => {
      this.ended = true
      this.wake()
    })
    socket.on("error", (error: Error) => {
      this.error = error
    })
    socket.on("close", () => {
      this.closed = true
      this.wake()
    })
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w()
  }

  write(data: string | Uint8Array): void {
    this.socket.write(typeof data === "string" ? Buffer.from(data, "latin1") : data)
  }

  /** Waits until `pattern` matches the received text (after `from`), or fails after `timeoutMs`. */
  async waitFor(pattern: RegExp, timeoutMs = REPLY_WAIT_MS, from = 0): Promise<string> {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      const m = pattern.exec(this.received.slice(from))
      if (m) return m[0]
      if (this.closed) throw new Error(`connection closed before ${pattern}; received:\n${this.received}`)
      const left = deadline - Date.now()
      if (left <= 0) throw new Error(`timed out waiting for ${pattern}; received:\n${this.received}`)
      await new Promise<void>((r) => {
        const t = setTimeout(r, left)
        this.waiters.push(() => {
          clearTimeout(t)
          r()
        })
      })
    }
  }

  async waitClosed(timeoutMs = REPLY_WAIT_MS): Promise<void> {
    return this.waitUntil(() => this.closed, "connection not closed", timeoutMs)
  }

  /** Waits for the listener's FIN (the socket may stay open on this side). */
  async waitEnded(timeoutMs = REPLY_WAIT_MS): Promise<void> {
    return this.waitUntil(() => this.ended || this.closed, "no FIN from the listener", timeoutMs)
  }

  private async waitUntil(done: () => boolean, failure: string, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs
    while (!done()) {
      if (Date.now() > deadline) throw new Error(`${failure}; received:\n${this.received}`)
      await new Promise<void>((r) => {
        const t = setTimeout(r, deadline - Date.now())
        this.waiters.push(() => {
          clearTimeout(t)
          r()
        })
      })
    }
  }

  /** Upgrades to TLS over the same socket (after the server's 220 to STARTTLS). */
  async startTls(): Promise<void> {
    const plain = this.socket
    plain.removeAllListeners("data")
    const secure = tls.connect({ socket: plain, rejectUnauthorized: false, servername: "localhost" })
    await new Promise<void>((resolve, reject) => {
      secure.once("secureConnect", resolve)
      secure.once("error", reject)
    })
    this.socket = secure
    this.received = ""
    this.listen(secure)
  }

  close(): void {
    this.socket.destroy()
  }
}
