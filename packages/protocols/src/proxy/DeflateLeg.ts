/**
 * The client leg of an IMAP proxy connection after `COMPRESS DEFLATE` (RFC 4978): a duplex over
 * the client's socket (plain or TLS) that reads raw DEFLATE (RFC 1951) from the client and
 * writes raw DEFLATE to it. The upstream leg is never compressed: the proxy must read the
 * server's stream to scan messages, so it answers COMPRESS itself.
 *
 * **Gotchas**
 * - Every write batch ends with a sync flush, so a reply reaches the client whole at once (the
 *   client waits for it; compression that held bytes back would stall the session).
 * - A compression bomb (a few KB inflating to many MB) must not land in memory at once: the
 *   inflater stops when its output is not taken (zlib's streams wait for their reader), its
 *   output is taken only while this duplex's reader keeps up, and the socket waits for the
 *   inflater (`pipe`), so what is held is about two readable buffers.
 * - A corrupt stream is an `error` on this duplex; the socket is destroyed with it.
 *
 * @category models
 * @since 0.1.0
 */
import type * as net from "node:net"
import { Duplex } from "node:stream"
import * as zlib from "node:zlib"

export class DeflateLeg extends Duplex {
  private readonly deflate = zlib.createDeflateRaw({ flush: zlib.constants.Z_SYNC_FLUSH })
  private readonly inflate = zlib.createInflateRaw({ flush: zlib.constants.Z_SYNC_FLUSH })

  constructor(private readonly socket: net.Socket) {
    super({ allowHalfOpen: false })
    this.deflate.on("data", (bytes: Buffer) => {
      if (!this.socket.write(bytes)) {
        this.deflate.pause()
        this.socket.once("drain", () => this.deflate.resume())
      }
    })
    this.deflate.on("error", (error) => this.destroy(error))
    this.inflate.on("data", (bytes: Buffer) => {
      if (!this.push(bytes)) this.inflate.pause()
    })
    this.inflate.on("error", (error) => this.destroy(new Error(`client's compressed stream: ${error.message}`)))
    this.inflate.on("end", () => this.push(null))
    socket.pipe(this.inflate)
    socket.on("close", () => this.destroy())
    socket.resume()
  }

  /**
   * Resolves once everything written so far has left the compressor and the socket took it.
   * The compressor works off the main thread: a connection that closes right after its last
   * write (the server's BYE and tagged OK to LOGOUT) waits for this, or the reply is lost.
   */
  flushed(): Promise<void> {
    return new Promise((resolve) => {
      if (this.destroyed) return resolve()
      const whenDrained = () => {
        if (!this.socket.writableNeedDrain || this.socket.destroyed) return resolve()
        this.socket.once("drain", resolve)
        this.socket.once("close", resolve)
      }
      // Writes reach `_write` one after another, each once the one before was compressed: an
      // empty one (not handed to the compressor, which would add a flush marker) comes last.
      this.write(Buffer.alloc(0), whenDrained)
    })
  }

  override _read(): void {
    if (this.inflate.isPaused()) this.inflate.resume()
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    if (chunk.length === 0) {
      callback()
      return
    }
    this.deflate.write(chunk, callback)
  }

  override _writev(
    chunks: Array<{ chunk: Buffer; encoding: BufferEncoding }>,
    callback: (error?: Error | null) => void
  ): void {
    const bytes = chunks.length === 1 ? chunks[0]!.chunk : Buffer.concat(chunks.map((c) => c.chunk))
    if (bytes.length === 0) {
      callback()
      return
    }
    this.deflate.write(bytes, callback)
  }

  override _final(callback: (error?: Error | null) => void): void {
    // `end` comes once the last compressed bytes (Z_FINISH) were handed to the socket.
    this.deflate.once("end", () => {
      this.socket.end()
      callback()
    })
    this.deflate.end()
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.socket.unpipe(this.inflate)
    this.deflate.destroy()
    this.inflate.destroy()
    this.socket.destroy()
    callback(error)
  }
}
