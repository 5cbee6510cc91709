/**
 * The `Spool` implementation: a message body kept in memory up to `memoryThreshold` bytes and
 * spilled to a private temporary file beyond, so a 50 MB message never needs 50 MB of heap.
 * `head` keeps the first `headSize` bytes (the bounded scan view) whatever the storage.
 *
 * **Gotchas**
 * - The temporary file is created with `wx` and mode 0600 under `dir` (default `os.tmpdir()`), with
 *   an unguessable name. It is not fsync'ed: it is scratch space, not the durable hand-off (the
 *   delivery side fsyncs its own copy).
 * - A write error (ENOSPC, EIO) does not throw into the SMTP session: the writer records it, drops
 *   further data, and `failed` tells the session to answer 451 after the final dot.
 * - `stream()` opens the file afresh for each call, so it is re-readable; `dispose()` deletes the
 *   file and is idempotent. Chunks passed to `write` are copied (callers pass views of socket
 *   buffers), once: `head` and the body share that copy, and nothing ever writes into it.
 * - A message held in memory (most of them) costs no promise: `write`, `finish` and `release`
 *   then answer at once (`undefined`, the spool itself, `undefined`) and only the file's work is
 *   awaited. The ingress runs every message through them, so a promise there is one per message
 *   (per decoded run for `write`) with nothing to wait for.
 *
 * @category models
 * @since 0.1.0
 */
import { randomBytes } from "node:crypto"
import { type FileHandle, open, unlink } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { concat } from "./DataDecoder.ts"
import type { Spool } from "./Handler.ts"

export interface SpoolOptions {
  /** Bytes kept in memory before spilling to disk (default 1 MiB). */
  readonly memoryThreshold?: number
  /** Size of `head`, the scan view (default 1 MiB). */
  readonly headSize?: number
  /** Directory for temporary files (default `os.tmpdir()`). */
  readonly dir?: string
}

/** A Spool that also says where it lives (for tests and metrics). */
export interface StoredSpool extends Spool {
  readonly onDisk: boolean
}

const READ_CHUNK = 64 * 1024
const WRITE_BATCH = 256 * 1024

export class SpoolWriter {
  private readonly memoryThreshold: number
  private readonly headSize: number
  private readonly dir: string
  private memory: Array<Uint8Array> = []
  private pending: Array<Uint8Array> = []
  private pendingBytes = 0
  private head: Array<Uint8Array> = []
  private headBytes = 0
  private size = 0
  private file: FileHandle | undefined
  private path: string | undefined
  private error: unknown
  private disposed = false

  constructor(options: SpoolOptions = {}) {
    this.memoryThreshold = options.memoryThreshold ?? 1024 * 1024
    this.headSize = options.headSize ?? 1024 * 1024
    this.dir = options.dir ?? tmpdir()
  }

  /** True once a write failed; the message must then be answered with 451. */
  get failed(): boolean {
    return this.error !== undefined
  }

  /** Stores `chunk`; a promise only while the file is written (a message kept in memory has none). */
  write(chunk: Uint8Array): Promise<void> | undefined {
    if (this.error !== undefined || this.disposed || chunk.length === 0) return undefined
    this.size += chunk.length
    // One copy per chunk: the head and the body (in memory or pending for the file) share it.
    const copy = chunk.slice()
    if (this.headBytes < this.headSize) {
      const part =
        copy.length <= this.headSize - this.headBytes ? copy : copy.subarray(0, this.headSize - this.headBytes)
      this.head.push(part)
      this.headBytes += part.length
    }
    // Small writes are collected (in memory, or in `pending` once on disk) so the file sees
    // WRITE_BATCH-sized writes, not one syscall per decoded run.
    if (this.file === undefined && this.size <= this.memoryThreshold) {
      this.memory.push(copy)
      return undefined
    }
    this.pending.push(copy)
    this.pendingBytes += chunk.length
    // The first spill opens the file at once, so a bad spool directory fails early.
    return this.file === undefined || this.pendingBytes >= WRITE_BATCH ? this.flush() : undefined
  }

  private async flush(): Promise<void> {
    try {
      if (this.file === undefined) {
        this.path = join(this.dir, `mailmoat-spool-${process.pid}-${randomBytes(12).toString("hex")}`)
        this.file = await open(this.path, "wx", 0o600)
        this.pending = [...this.memory, ...this.pending]
        this.memory = []
      }
      const batch = concat(this.pending)
      this.pending = []
      this.pendingBytes = 0
      await this.file.write(batch)
    } catch (error) {
      this.error = error
      await this.dispose()
    }
  }

  /**
   * Closes the file and returns the read side (at once, without a promise, for a message kept in
   * memory). Call once, after the last write.
   */
  finish(): StoredSpool | Promise<StoredSpool> {
    if (this.file === undefined && this.pendingBytes === 0 && this.error === undefined) return this.stored()
    return this.finishFile()
  }

  private async finishFile(): Promise<StoredSpool> {
    if (this.pendingBytes > 0) await this.flush()
    if (this.error !== undefined) throw this.error
    const file = this.file
    this.file = undefined
    if (file !== undefined) await file.close()
    return this.stored()
  }

  private stored(): StoredSpool {
    // A message that arrived as one run (most small ones) needs no second copy for its head.
    const head = this.head.length === 1 ? this.head[0]! : concat(this.head)
    this.head = []
    const path = this.path
    const memory = this.memory
    const size = this.size
    const complete = head.length === size
    return {
      size,
      head,
      complete,
      onDisk: path !== undefined,
      stream: () => {
        if (this.disposed) throw new Error("Spool already disposed")
        return path !== undefined ? readFile(path) : readMemory(memory)
      },
      dispose: () => this.dispose()
    }
  }

  /** Frees memory and deletes the temporary file. Idempotent. */
  async dispose(): Promise<void> {
    await this.release()
  }

  /** `dispose`, with a promise only when there is a file to close or delete. */
  release(): Promise<void> | undefined {
    if (this.disposed) return undefined
    this.disposed = true
    this.memory.length = 0
    this.memory = []
    this.pending = []
    this.pendingBytes = 0
    this.head = []
    const file = this.file
    this.file = undefined
    const path = this.path
    if (file === undefined && path === undefined) return undefined
    return removeFile(file, path)
  }
}

const removeFile = async (file: FileHandle | undefined, path: string | undefined): Promise<void> => {
  if (file !== undefined) await file.close().catch(() => undefined)
  if (path !== undefined) await unlink(path).catch(() => undefined)
}

async function* readMemory(parts: ReadonlyArray<Uint8Array>): AsyncGenerator<Uint8Array> {
  for (const part of parts) yield part
}

async function* readFile(path: string): AsyncGenerator<Uint8Array> {
  const file = await open(path, "r")
  try {
    for (;;) {
      const buffer = new Uint8Array(READ_CHUNK)
      const { bytesRead } = await file.read(buffer, 0, READ_CHUNK, null)
      if (bytesRead === 0) return
      yield buffer.subarray(0, bytesRead)
    }
  } finally {
    await file.close()
  }
}
