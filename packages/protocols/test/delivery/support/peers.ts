// Real peers for the delivery tests: Postfix's smtp-sink started on a loopback ephemeral port,
// and a raw loopback SMTP/LMTP sink of our own that keeps the exact DATA bytes we sent (smtp-sink's
// dump converts CRLF to LF and unstuffs dots, so it cannot prove what was on the wire).
// Everything is bounded in time; processes are stopped by PID.
import { type ChildProcess, execFileSync, spawn } from "node:child_process"
import { randomBytes } from "node:crypto"
import { chmodSync, existsSync, readdirSync, readFileSync } from "node:fs"
import * as net from "node:net"
import { join } from "node:path"
import { DeliveryError } from "../../../src/delivery/DeliveryError.ts"
import { tempDir } from "../../../../../test/support/temp-dirs.ts"

export const SMTP_SINK = "/usr/sbin/smtp-sink"

export const requireBinary = (path: string, pkg: string): void => {
  if (!existsSync(path))
    throw new Error(`${path} is missing: install the Debian package "${pkg}" (scripts/peers.mjs does) to run this test`)
}

/** A port that was free a moment ago (listen on 0, close). */
export const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = net.createServer()
    server.once("error", reject)
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo
      server.close(() => resolve(port))
    })
  })

/**
 * Resolves once something on `port` sends an SMTP greeting naming `banner` when given; fails after
 * `timeoutMs`, at once when a greeting names another server (it took the port before ours bound
 * it: no more probes of a server that is not ours), or when `gone()` says ours has exited.
 */
export const waitForGreeting = async (
  port: number,
  timeoutMs = 10_000,
  banner?: string,
  gone: () => boolean = () => false
): Promise<void> => {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    if (gone()) throw new Error(`the server for 127.0.0.1:${port} exited before it greeted`)
    const greeting = await new Promise<string | undefined>((resolve) => {
      const s = net.connect({ host: "127.0.0.1", port })
      let text = ""
      const done = (v: string | undefined) => {
        s.destroy()
        resolve(v)
      }
      s.on("data", (d: Buffer) => {
        text += d.toString("latin1")
        const end = text.indexOf("\r\n")
        if (end >= 0) done(text.slice(0, end))
      })
      s.once("error", () => done(undefined))
      s.once("close", () => done(undefined))
      s.setTimeout(1000, () => done(undefined))
    })
    if (greeting?.startsWith("220")) {
      if (banner === undefined || greeting.includes(banner)) return
      throw new Error(`another server holds 127.0.0.1:${port}: it greeted "${greeting}"`)
    }
    if (Date.now() > deadline) break
    await new Promise((r) => setTimeout(r, 50))
  }
  throw new Error(`nothing greeted on 127.0.0.1:${port} within ${timeoutMs} ms`)
}

/** Postfix smtp-sink with a per-message dump directory; `delivered()` counts dumped messages. */
export class SmtpSink {
  private constructor(
    readonly port: number,
    readonly dumpDir: string,
    private readonly child: ChildProcess,
    private readonly output: { text: string }
  ) {}

  /** `flags` are extra smtp-sink options, e.g. ["-Q", "DATA"] or ["-L"] for LMTP. */
  static async start(flags: ReadonlyArray<string> = []): Promise<SmtpSink> {
    // A port taken between our probe and smtp-sink's bind (tests run side by side): try again.
    for (let attempt = 1; ; attempt++) {
      try {
        return await SmtpSink.startOnce(flags)
      } catch (error) {
        if (attempt >= 3) throw error
      }
    }
  }

  private static async startOnce(flags: ReadonlyArray<string>): Promise<SmtpSink> {
    requireBinary(SMTP_SINK, "postfix")
    const dumpDir = tempDir("mailmoat-sink-")
    chmodSync(dumpDir, 0o777)
    const port = await freePort()
    // Its own name in the greeting: only this sink's greeting says the port is ours.
    const banner = `sink-${randomBytes(6).toString("hex")}.test`
    const asRoot = typeof process.getuid === "function" && process.getuid() === 0
    const args = [
      ...(asRoot ? ["-u", "nobody"] : []),
      "-h",
      banner,
      "-d",
      `${dumpDir}/%Y%m%d%H%M%S.`,
      ...flags,
      `127.0.0.1:${port}`,
      "100"
    ]
    const child = spawn(SMTP_SINK, args, { stdio: ["ignore", "pipe", "pipe"] })
    const output = { text: "" }
    child.stdout?.on("data", (d: Buffer) => (output.text += d.toString()))
    child.stderr?.on("data", (d: Buffer) => (output.text += d.toString()))
    const sink = new SmtpSink(port, dumpDir, child, output)
    try {
      // Ends on its greeting, another server's, or its exit: the bound only catches a hang.
      await waitForGreeting(port, 60_000, banner, () => child.exitCode !== null || child.signalCode !== null)
    } catch (error) {
      await sink.stop()
      throw new Error(`smtp-sink did not start: ${(error as Error).message}\n${output.text}`)
    }
    return sink
  }

  /** What smtp-sink printed (for failure messages). */
  log(): string {
    return this.output.text
  }

  get pid(): number | undefined {
    return this.child.pid
  }

  /** Messages dumped so far (one file per completed transaction). */
  delivered(): number {
    return readdirSync(this.dumpDir).length
  }

  /** The dumped messages' contents (LF line ends, dots unstuffed, smtp-sink's X- headers first). */
  dumps(): ReadonlyArray<string> {
    return readdirSync(this.dumpDir)
      .sort()
      .map((f) => readFileSync(join(this.dumpDir, f), "latin1"))
  }

  /**
   * The dumps containing `text`: a case that shares the sink with others counts its own messages
   * (by Subject) this way, never the sink's total, which a message another case's session was
   * still relaying raises.
   */
  dumpsWith(text: string): ReadonlyArray<string> {
    return this.dumps().filter((d) => d.includes(text))
  }

  /** The one dump containing `text` (fails when there is none or more than one). */
  dumpWith(text: string): string {
    const found = this.dumpsWith(text)
    if (found.length !== 1)
      throw new Error(`expected one dump containing ${JSON.stringify(text)}, found ${found.length}`)
    return found[0]!
  }

  /** Stops the sink (SIGKILL when `hard`) and waits for it to exit. */
  async stop(hard = false): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return
    const exited = new Promise<void>((r) => this.child.once("exit", () => r()))
    this.child.kill(hard ? "SIGKILL" : "SIGTERM")
    const timer = setTimeout(() => this.child.kill("SIGKILL"), 5000)
    await exited
    clearTimeout(timer)
  }
}

export interface CapturedMessage {
  readonly mailFrom: string
  readonly rcptTo: ReadonlyArray<string>
  /**
   * DATA bytes exactly as received, up to and including the terminating CRLF.CRLF; or, for a
   * message sent with BDAT (when the sink offers CHUNKING), its chunks' bytes joined.
   */
  readonly raw: Buffer
  /** The BDAT commands that carried it (none for DATA). */
  readonly bdat: ReadonlyArray<string>
}

export interface RawSinkOptions {
  readonly lmtp?: boolean
  /** Reply to MAIL FROM for this address (default 250). */
  readonly mailReply?: (from: string) => string
  /** Reply to RCPT TO for this address (default 250). */
  readonly rcptReply?: (rcpt: string) => string
  /** Final reply per recipient (LMTP) or for the message (SMTP, called with the first recipient). */
  readonly dataReply?: (rcpt: string) => string
  readonly extensions?: ReadonlyArray<string>
  /** The connection is dropped (destroyed, no reply) when this command line arrives. */
  readonly dropOn?: (line: string) => boolean
}

/** A minimal loopback SMTP/LMTP server of our own that records the exact DATA bytes. */
export class RawSink {
  readonly messages: Array<CapturedMessage> = []
  readonly commands: Array<string> = []
  /** Every chunk read from a client, as latin1 text: what arrived in one read. */
  readonly reads: Array<string> = []
  /** TCP connections accepted so far. */
  connections = 0

  private constructor(
    private readonly server: net.Server,
    readonly port: number
  ) {}

  static start(options: RawSinkOptions = {}): Promise<RawSink> {
    const sockets = new Set<net.Socket>()
    let sink: RawSink | undefined
    const server = net.createServer((socket) => {
      sockets.add(socket)
      sink!.connections++
      socket.on("close", () => sockets.delete(socket))
      socket.on("error", () => undefined)
      let buffer = Buffer.alloc(0)
      let inData = false
      /** The sender of the open transaction; undefined when none is open. */
      let from: string | undefined
      let rcpts: Array<string> = []
      /** A BDAT chunk being read (RFC 3030): its bytes still to come, and the message so far. */
      let bdatChunk: { remaining: number; last: boolean } | undefined
      let bdatParts: Array<Buffer> = []
      let bdat: Array<string> = []
      /** The final reply(ies) for the message of the open transaction, which then ends. */
      const delivered = (raw: Buffer): void => {
        sink!.messages.push({ mailFrom: from ?? "", rcptTo: rcpts, raw, bdat })
        from = undefined
        bdat = []
        bdatParts = []
        if (options.lmtp) for (const r of rcpts) socket.write(`${options.dataReply?.(r) ?? "250 2.0.0 ok"}\r\n`)
        else socket.write(`${options.dataReply?.(rcpts[0] ?? "") ?? "250 2.0.0 ok"}\r\n`)
      }
      socket.write("220 rawsink ESMTP\r\n")
      socket.on("data", (chunk: Buffer) => {
        sink!.reads.push(chunk.toString("latin1"))
        buffer = Buffer.concat([buffer, chunk])
        for (;;) {
          if (bdatChunk !== undefined) {
            const take = Math.min(bdatChunk.remaining, buffer.length)
            bdatParts.push(buffer.subarray(0, take))
            buffer = buffer.subarray(take)
            bdatChunk.remaining -= take
            if (bdatChunk.remaining > 0) return
            const { last } = bdatChunk
            bdatChunk = undefined
            if (from === undefined || rcpts.length === 0) socket.write("554 5.5.1 no valid recipients\r\n")
            else if (last) delivered(Buffer.concat(bdatParts))
            else socket.write("250 2.0.0 chunk ok\r\n")
            continue
          }
          if (inData) {
            const end = buffer.indexOf("\r\n.\r\n")
            const atStart = buffer.subarray(0, 3).toString("latin1") === ".\r\n"
            if (end === -1 && !atStart) return
            const cut = atStart ? 3 : end + 5
            inData = false
            delivered(buffer.subarray(0, cut))
            buffer = buffer.subarray(cut)
            continue
          }
          const nl = buffer.indexOf("\r\n")
          if (nl === -1) return
          const line = buffer.subarray(0, nl).toString("latin1")
          buffer = buffer.subarray(nl + 2)
          sink!.commands.push(line)
          if (options.dropOn?.(line) === true) {
            socket.destroy()
            return
          }
          const verb = line.slice(0, 4).toUpperCase()
          if (verb === "EHLO" || verb === "LHLO") {
            const ext = options.extensions ?? ["PIPELINING", "SIZE 100000000", "8BITMIME"]
            socket.write(["rawsink", ...ext].map((e, i, a) => `250${i === a.length - 1 ? " " : "-"}${e}\r\n`).join(""))
          } else if (verb === "MAIL") {
            const sender = /<(.*)>/.exec(line)?.[1] ?? ""
            rcpts = []
            const reply = options.mailReply?.(sender) ?? "250 2.1.0 ok"
            from = reply.startsWith("2") ? sender : undefined
            socket.write(`${reply}\r\n`)
            if (reply.startsWith("421")) return void socket.end()
          } else if (verb === "RCPT") {
            const rcpt = /<(.*)>/.exec(line)?.[1] ?? ""
            const reply = from === undefined ? "503 5.5.1 MAIL first" : (options.rcptReply?.(rcpt) ?? "250 2.1.5 ok")
            if (reply.startsWith("2")) rcpts.push(rcpt)
            socket.write(`${reply}\r\n`)
          } else if (verb === "DATA") {
            // RFC 2920 §3.1: DATA fails when no recipient was accepted (a pipelined DATA).
            if (rcpts.length === 0) {
              socket.write("554 5.5.1 no valid recipients\r\n")
              continue
            }
            inData = true
            socket.write("354 go ahead\r\n")
          } else if (verb === "BDAT" && (options.extensions ?? []).includes("CHUNKING")) {
            const m = /^BDAT (\d+)( LAST)?$/i.exec(line)
            if (m === null) {
              socket.write("501 5.5.4 syntax: BDAT size [LAST]\r\n")
              continue
            }
            bdat.push(line)
            bdatChunk = { remaining: Number(m[1]), last: m[2] !== undefined }
          } else if (verb === "RSET") {
            rcpts = []
            from = undefined
            bdat = []
            bdatParts = []
            socket.write("250 2.0.0 ok\r\n")
          } else if (verb === "QUIT") {
            socket.end("221 2.0.0 bye\r\n")
            return
          } else {
            socket.write("502 5.5.2 unknown\r\n")
          }
        }
      })
    })
    return new Promise((resolve, reject) => {
      server.once("error", reject)
      server.listen(0, "127.0.0.1", () => {
        sink = new RawSink(server, (server.address() as net.AddressInfo).port)
        const close = server.close.bind(server)
        server.close = ((cb?: (err?: Error) => void) => {
          for (const s of sockets) s.destroy()
          return close(cb)
        }) as typeof server.close
        resolve(sink)
      })
    })
  }

  stop(): Promise<void> {
    return new Promise((r) => this.server.close(() => r()))
  }
}

/**
 * A self-signed certificate for CN=localhost (IP 127.0.0.1), made with openssl. Its key is EC
 * P-256: an RSA 2048 key's prime search took openssl over 30 s at load 80 (and blocks this
 * process, which waits for it synchronously); a P-256 key is made at once.
 */
export const makeCert = (): { key: string; cert: string } => {
  requireBinary("/usr/bin/openssl", "openssl")
  const dir = tempDir("mailmoat-cert-")
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
      join(dir, "key.pem"),
      "-out",
      join(dir, "cert.pem"),
      "-days",
      "1",
      "-subj",
      "/CN=localhost",
      "-addext",
      "subjectAltName=DNS:localhost,IP:127.0.0.1"
    ],
    { stdio: "pipe", timeout: 30_000 }
  )
  return { key: readFileSync(join(dir, "key.pem"), "utf8"), cert: readFileSync(join(dir, "cert.pem"), "utf8") }
}

/** An async iterable over fixed chunks (a stand-in for a spool's stream). */
export async function* chunks(...parts: ReadonlyArray<string | Uint8Array>): AsyncGenerator<Uint8Array> {
  for (const p of parts) yield typeof p === "string" ? Buffer.from(p, "latin1") : p
}

/** The `DeliveryError` that `p` rejects with (anything else fails the test). */
export const failure = async (p: Promise<unknown>): Promise<DeliveryError> => {
  try {
    await p
  } catch (error) {
    if (error instanceof DeliveryError) return error
    throw error
  }
  throw new Error("expected a DeliveryError")
}
