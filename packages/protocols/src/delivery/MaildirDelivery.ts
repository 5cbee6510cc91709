/**
 * Local delivery into Maildir (the embedded default when no downstream is configured): one
 * Maildir per recipient, `<root>/<recipient>/{tmp,new,cur}`, so a local IMAP server (Dovecot with
 * `mail_location = maildir:<root>/%u`) can serve each mailbox as it is.
 *
 * The durable hand-off: the message is streamed into `tmp/<unique>`, the file is
 * fsync'ed and closed, renamed into `new/<unique>`, and `new/` is fsync'ed; only then does
 * `deliver` resolve. Any error on the way (ENOSPC, EIO, EACCES, a failing fsync) removes the
 * temporary file and rejects with a temporary `DeliveryError` ("LocalIo"): the client gets 451
 * and retries, and no partial message is ever visible in `new/`.
 *
 * **Gotchas**
 * - Unique names follow the Maildir scheme (`<secs>.M<usecs>P<pid>Q<n>R<random>.<host>,S=<size>`,
 *   the `,S=` size being Dovecot's extension); `/` and `:` in the host name are escaped as
 *   `\057` and `\072`, as the spec asks.
 * - The recipient directory name is the lower-cased address with every byte outside
 *   `[a-z0-9._+=@-]` percent-encoded and a leading dot encoded, so an address can never climb
 *   out of the root (`../`) or hide a directory.
 * - Files keep the CRLF line ends of the wire form (Dovecot reads both; DKIM signatures stay
 *   verifiable byte for byte).
 * - A failed fsync is final for that file (never retried on the same descriptor: after an fsync
 *   error the kernel may have dropped the dirty pages).
 * - Several recipients get one copy each, written one after the other: the spool is streamed
 *   again for each (no full buffering). If a later copy fails, earlier copies stay delivered and
 *   the call rejects; the sender's retry may then duplicate those (never lose one).
 *
 * @category services
 * @since 0.1.0
 */
import { randomBytes } from "node:crypto"
import * as fsp from "node:fs/promises"
import { hostname as osHostname } from "node:os"
import { join } from "node:path"
import { concat } from "../smtp/DataDecoder.ts"
import { DeliveryError } from "./DeliveryError.ts"

/** The file-system calls delivery makes; tests pass a shim that fails on purpose (ENOSPC, EIO). */
export interface MaildirFs {
  readonly open: (path: string, flags: string, mode?: number) => Promise<MaildirFile>
  readonly rename: (from: string, to: string) => Promise<void>
  readonly unlink: (path: string) => Promise<void>
  readonly mkdir: (path: string, options: { recursive: true }) => Promise<string | undefined>
}

export interface MaildirFile {
  write(buffer: Uint8Array, offset: number, length: number): Promise<{ bytesWritten: number }>
  sync(): Promise<void>
  close(): Promise<void>
}

export interface MaildirOptions {
  /** The directory holding one Maildir per recipient. */
  readonly root: string
  /** Host name in unique file names (default `os.hostname()`). */
  readonly hostname?: string
  /** Default `node:fs/promises`. */
  readonly fs?: MaildirFs
}

const nodeFs: MaildirFs = {
  open: (path, flags, mode) => fsp.open(path, flags, mode),
  rename: fsp.rename,
  unlink: fsp.unlink,
  mkdir: (path, options) => fsp.mkdir(path, options)
}

export interface MaildirResult {
  readonly recipient: string
  /** Absolute path of the delivered file in `new/`. */
  readonly path: string
}

let counter = 0
// Node's `process.pid` asks the kernel (getpid(2)) at every read; the pid of a process never changes.
const pid = process.pid
/** Messages are written in pieces of at least this size (a small one in one write). */
const WRITE_BATCH = 256 * 1024

export const escapeHost = (host: string): string => host.replace(/\//g, "\\057").replace(/:/g, "\\072")

/** The Maildir directory name for a recipient (see the module header). */
export const mailboxName = (recipient: string): string => {
  const bytes = new TextEncoder().encode(recipient.toLowerCase())
  let out = ""
  for (const b of bytes) {
    const c = String.fromCharCode(b)
    out += /[a-z0-9._+=@-]/.test(c) ? c : `%${b.toString(16).toUpperCase().padStart(2, "0")}`
  }
  if (out.startsWith(".")) out = `%2E${out.slice(1)}`
  return out === "" ? "%00" : out
}

/** A Maildir unique name (without the `,S=` size suffix). */
export const uniqueName = (host: string, now = Date.now()): string => {
  const secs = Math.floor(now / 1000)
  const usecs = (now % 1000) * 1000 + Math.floor(Math.random() * 1000)
  counter = (counter + 1) % 1_000_000_000
  return `${secs}.M${usecs}P${pid}Q${counter}R${randomBytes(8).toString("hex")}.${escapeHost(host)}`
}

/** Writes the pieces as one buffer (a short write is continued). */
const writeAll = async (file: MaildirFile, pieces: ReadonlyArray<Uint8Array>): Promise<void> => {
  const bytes = pieces.length === 1 ? pieces[0]! : concat(pieces)
  let offset = 0
  while (offset < bytes.length) offset += (await file.write(bytes, offset, bytes.length - offset)).bytesWritten
}

const fsyncDir = async (fs: MaildirFs, dir: string): Promise<void> => {
  const handle = await fs.open(dir, "r")
  try {
    await handle.sync()
  } finally {
    await handle.close()
  }
}

const ioError = (what: string, error: unknown): DeliveryError => {
  const code = (error as { code?: string } | undefined)?.code
  const message = error instanceof Error ? error.message : String(error)
  return new DeliveryError("LocalIo", `${what}: ${code ?? message}`, undefined, error)
}

export class MaildirDelivery {
  private readonly host: string
  private readonly fs: MaildirFs
  /** Maildirs known to exist, so the per-message path does no mkdir. */
  private readonly ready = new Set<string>()

  constructor(private readonly options: MaildirOptions) {
    this.host = options.hostname ?? osHostname()
    this.fs = options.fs ?? nodeFs
  }

  get root(): string {
    return this.options.root
  }

  /** Creates `<root>/<mailbox>/{tmp,new,cur}` and makes the new directory entries durable. */
  private async ensure(mailbox: string): Promise<string> {
    const dir = join(this.options.root, mailbox)
    if (this.ready.has(dir)) return dir
    const created = await this.fs.mkdir(dir, { recursive: true })
    for (const sub of ["tmp", "new", "cur"]) await this.fs.mkdir(join(dir, sub), { recursive: true })
    await fsyncDir(this.fs, dir)
    if (created !== undefined) await fsyncDir(this.fs, this.options.root)
    this.ready.add(dir)
    return dir
  }

  /**
   * Delivers one copy per recipient; `source` is called once per copy and must stream the whole
   * message each time. Resolves only when every copy is durable.
   */
  async deliver(
    recipients: ReadonlyArray<string>,
    source: () => AsyncIterable<Uint8Array>
  ): Promise<ReadonlyArray<MaildirResult>> {
    const results: Array<MaildirResult> = []
    for (const recipient of recipients) results.push({ recipient, path: await this.deliverOne(recipient, source()) })
    return results
  }

  private async deliverOne(recipient: string, source: AsyncIterable<Uint8Array>): Promise<string> {
    let dir: string
    try {
      dir = await this.ensure(mailboxName(recipient))
    } catch (error) {
      throw ioError(`cannot create the Maildir for ${recipient}`, error)
    }
    const name = uniqueName(this.host)
    const tmp = join(dir, "tmp", name)
    let file: MaildirFile | undefined
    let size = 0
    try {
      file = await this.fs.open(tmp, "wx", 0o600)
      // The source yields a message in several pieces (trace headers, the header block, the body):
      // collected into WRITE_BATCH-sized writes, each one file write and one thread-pool round trip.
      let batch: Array<Uint8Array> = []
      let batched = 0
      for await (const chunk of source) {
        size += chunk.length
        batch.push(chunk)
        batched += chunk.length
        if (batched < WRITE_BATCH) continue
        await writeAll(file, batch)
        batch = []
        batched = 0
      }
      if (batched > 0) await writeAll(file, batch)
      await file.sync()
      const f = file
      file = undefined
      await f.close()
      const final = join(dir, "new", `${name},S=${size}`)
      await this.fs.rename(tmp, final)
      await fsyncDir(this.fs, join(dir, "new"))
      return final
    } catch (error) {
      // A vanished directory is re-created on the next attempt.
      this.ready.delete(dir)
      if (file !== undefined) await file.close().catch(() => undefined)
      await this.fs.unlink(tmp).catch(() => undefined)
      // The rename may have happened before the directory fsync failed: the file in new/ is then
      // not known to be durable and the sender will retry, so remove it rather than risk a
      // duplicate that looks durable.
      await this.fs.unlink(join(dir, "new", `${name},S=${size}`)).catch(() => undefined)
      throw ioError(`Maildir delivery to ${recipient} failed`, error)
    }
  }
}
