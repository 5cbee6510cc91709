// A tiny byte reader over a socket for the scripted test clients: read a line, read n bytes.
// Independent of the proxy's own parsers, so the tests do not check the code with itself.
import type * as net from "node:net"
import * as tls from "node:tls"
import * as zlib from "node:zlib"

export class Wire {
  private chunks: Array<Buffer> = []
  private length = 0
  private waiter: (() => void) | undefined
  closed = false
  private out: { write(bytes: Uint8Array): unknown }

  constructor(public socket: net.Socket) {
    this.out = socket
    this.listen(socket)
  }

  private listen(socket: NodeJS.ReadableStream): void {
    socket.on("data", (d: Buffer) => {
      // Chunks are joined only when read, so a 50 MB literal is not re-copied per chunk.
      this.chunks.push(d)
      this.length += d.length
      this.waiter?.()
    })
    socket.on("error", () => undefined)
    socket.on("close", () => {
      this.closed = true
      this.waiter?.()
    })
  }

  private get buffer(): Buffer {
    if (this.chunks.length !== 1) this.chunks = [Buffer.concat(this.chunks, this.length)]
    return this.chunks[0]!
  }

  private set buffer(value: Buffer) {
    this.chunks = [value]
    this.length = value.length
  }

  private async more(timeoutMs: number): Promise<void> {
    if (this.closed) throw new Error(`connection closed; pending: ${this.buffer.toString("latin1").slice(0, 300)}`)
    await new Promise<void>((resolve, reject) => {
      const t = setTimeout(
        () => reject(new Error(`read timed out; pending: ${this.buffer.toString("latin1").slice(0, 300)}`)),
        timeoutMs
      )
      this.waiter = () => {
        clearTimeout(t)
        this.waiter = undefined
        resolve()
      }
    })
  }

  /** One line, CRLF included. */
  async line(timeoutMs = 15_000): Promise<Buffer> {
    for (;;) {
      const lf = this.buffer.indexOf(0x0a)
      if (lf !== -1) {
        const line = this.buffer.subarray(0, lf + 1)
        this.buffer = this.buffer.subarray(lf + 1)
        return line
      }
      await this.more(timeoutMs)
    }
  }

  async bytes(n: number, timeoutMs = 15_000): Promise<Buffer> {
    while (this.length < n) await this.more(timeoutMs)
    const out = this.buffer.subarray(0, n)
    this.buffer = this.buffer.subarray(n)
    return out
  }

  /** Everything until the peer closes (or the timeout). */
  async rest(timeoutMs = 5000): Promise<Buffer> {
    try {
      while (!this.closed) await this.more(timeoutMs)
    } catch {
      // timed out: return what we have
    }
    return this.buffer
  }

  write(data: string | Uint8Array): void {
    this.out.write(typeof data === "string" ? Buffer.from(data, "latin1") : data)
  }

  async startTls(options: tls.ConnectionOptions): Promise<void> {
    this.socket.removeAllListeners("data")
    const secure = tls.connect({ socket: this.socket, ...options })
    await new Promise<void>((resolve, reject) => {
      secure.once("secureConnect", resolve)
      secure.once("error", reject)
    })
    this.socket = secure
    this.out = secure
    this.chunks = []
    this.length = 0
    this.listen(secure)
  }

  /** RFC 4978 after the server's OK: raw DEFLATE both ways from here (zlib itself, flushed per write). */
  startDeflate(): void {
    this.socket.removeAllListeners("data")
    // The end is the inflater's: the socket closes before the inflater has given its last bytes.
    this.socket.removeAllListeners("close")
    const leftover = this.length > 0 ? this.buffer : undefined
    this.chunks = []
    this.length = 0
    const deflate = zlib.createDeflateRaw({ flush: zlib.constants.Z_SYNC_FLUSH })
    const inflate = zlib.createInflateRaw({ flush: zlib.constants.Z_SYNC_FLUSH })
    deflate.pipe(this.socket)
    this.listen(inflate)
    if (leftover !== undefined) inflate.write(leftover)
    this.socket.pipe(inflate)
    this.out = deflate
  }

  close(): void {
    this.socket.destroy()
  }
}
