// Scripted POP3 client: single-line and multi-line commands; multi-line bodies are dot-unstuffed
// here with a deliberately simple line-based implementation (independent of the proxy's reader).
import * as net from "node:net"
import * as tls from "node:tls"
import { Wire } from "./wire.ts"

export class Pop3Client {
  greeting = ""
  private constructor(readonly wire: Wire) {}

  static async connect(port: number, options: { tls?: tls.ConnectionOptions } = {}): Promise<Pop3Client> {
    const socket = await new Promise<net.Socket>((resolve, reject) => {
      const s = options.tls
        ? tls.connect({ host: "127.0.0.1", port, ...options.tls }, () => resolve(s))
        : net.connect({ host: "127.0.0.1", port }, () => resolve(s))
      s.once("error", reject)
    })
    const client = new Pop3Client(new Wire(socket))
    client.greeting = (await client.wire.line()).toString("latin1")
    return client
  }

  async single(command: string): Promise<string> {
    this.wire.write(`${command}\r\n`)
    return (await this.wire.line()).toString("latin1")
  }

  /** Sends a multi-line command; returns the status line and the unstuffed body (and the raw wire bytes). */
  async multi(command: string): Promise<{ status: string; body: Buffer; raw: Buffer }> {
    this.wire.write(`${command}\r\n`)
    const status = (await this.wire.line()).toString("latin1")
    if (!status.startsWith("+OK")) return { status, body: Buffer.alloc(0), raw: Buffer.alloc(0) }
    const lines: Array<Buffer> = []
    const raw: Array<Buffer> = []
    for (;;) {
      const line = await this.wire.line()
      raw.push(line)
      if (line.equals(Buffer.from(".\r\n"))) break
      lines.push(line[0] === 0x2e ? line.subarray(1) : line)
    }
    return { status, body: Buffer.concat(lines), raw: Buffer.concat(raw) }
  }

  async login(user: string, password: string): Promise<void> {
    const u = await this.single(`USER ${user}`)
    const p = await this.single(`PASS ${password}`)
    if (!u.startsWith("+OK") || !p.startsWith("+OK")) throw new Error(`login failed: ${u} ${p}`)
  }

  close(): void {
    this.wire.close()
  }
}
