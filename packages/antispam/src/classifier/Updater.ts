/**
 * Keeps the model current from `classifier.updateUrl`: fetched with undici on a schedule, with
 * ETag / If-Modified-Since so an unchanged model costs a 304. A download is installed only when
 *
 * 1. the response is complete (Content-Length, when given, matches; size under `maxBytes`),
 * 2. its SHA-256 matches `sha256` from the configuration (`updateSha256`) or, when none is
 *    configured, the hex digest published at `<url>.sha256`,
 * 3. it parses as a model file, which checks the model's own internal checksum.
 *
 * Then it is written next to `path` (temp file, fsync, rename, fsync of the directory) and
 * swapped into the model reference. Any failure keeps the old model and is reported.
 *
 * @category services
 * @since 0.1.0
 */
import { createHash } from "node:crypto"
import { closeSync, fsyncSync, openSync, renameSync, unlinkSync, writeSync } from "node:fs"
import { dirname } from "node:path"
import { request } from "../net/Http.ts"
import type { ModelRef } from "./Classifier.ts"
import { parse } from "./ModelFile.ts"

export interface UpdaterOptions {
  readonly url: string
  /** Where the current model file lives; replaced atomically on update. */
  readonly path: string
  readonly model: ModelRef
  /** Expected hex SHA-256 of the file; when absent `<url>.sha256` is fetched. */
  readonly sha256?: string | undefined
  /** Check interval (default 6 h; 0 = only on `check()`). */
  readonly intervalMillis?: number | undefined
  readonly timeoutMillis?: number | undefined
  readonly maxBytes?: number | undefined
  readonly log?: ((line: string) => void) | undefined
}

export type UpdateResult =
  | { readonly status: "updated"; readonly detail: string }
  | { readonly status: "not-modified"; readonly detail: string }
  | { readonly status: "refused"; readonly detail: string }

export interface UpdaterStatus {
  readonly url: string
  readonly lastCheck?: string | undefined
  readonly lastResult?: UpdateResult | undefined
  readonly etag?: string | undefined
  readonly lastModified?: string | undefined
}

export interface Updater {
  readonly check: () => Promise<UpdateResult>
  readonly start: () => void
  readonly stop: () => void
  readonly status: () => UpdaterStatus
}

const hex = (b: Uint8Array): string => createHash("sha256").update(b).digest("hex")
const header = (v: string | Array<string> | undefined): string | undefined => (Array.isArray(v) ? v[0] : v)

const readBody = async (body: AsyncIterable<Uint8Array>, maxBytes: number): Promise<Buffer> => {
  const chunks: Array<Uint8Array> = []
  let size = 0
  for await (const chunk of body) {
    size += chunk.byteLength
    if (size > maxBytes) throw new Error(`download larger than ${maxBytes} bytes`)
    chunks.push(chunk)
  }
  return Buffer.concat(chunks)
}

/** Writes `bytes` to `path` atomically: temp file in the same directory, fsync, rename, fsync dir. */
export const writeAtomic = (path: string, bytes: Uint8Array): void => {
  const tmp = `${path}.tmp-${process.pid}-${Date.now()}`
  const fd = openSync(tmp, "w", 0o644)
  try {
    let off = 0
    while (off < bytes.byteLength) off += writeSync(fd, bytes, off, bytes.byteLength - off)
    fsyncSync(fd)
  } catch (e) {
    closeSync(fd)
    unlinkSync(tmp)
    throw e
  }
  closeSync(fd)
  renameSync(tmp, path)
  try {
    const dfd = openSync(dirname(path), "r")
    fsyncSync(dfd)
    closeSync(dfd)
  } catch {
    // Some file systems refuse fsync on directories; the rename itself is still atomic.
  }
}

export const make = (options: UpdaterOptions): Updater => {
  const timeout = options.timeoutMillis ?? 30_000
  const maxBytes = options.maxBytes ?? 64 * 1024 * 1024
  const log = options.log ?? (() => {})
  let etag: string | undefined
  let lastModified: string | undefined
  let lastCheck: string | undefined
  let lastResult: UpdateResult | undefined
  let timer: ReturnType<typeof setInterval> | undefined
  let running: Promise<UpdateResult> | undefined

  const get = (url: string, headers: Record<string, string>) =>
    request(url, { method: "GET", headers, headersTimeout: timeout, bodyTimeout: timeout })

  const expectedDigest = async (): Promise<string> => {
    if (options.sha256) return options.sha256.trim().toLowerCase()
    const res = await get(`${options.url}.sha256`, {})
    const text = (await readBody(res.body, 4096)).toString("utf8")
    if (res.statusCode !== 200) throw new Error(`${options.url}.sha256 answered ${res.statusCode}`)
    const digest = /\b([0-9a-f]{64})\b/i.exec(text)?.[1]
    if (!digest) throw new Error(`${options.url}.sha256 holds no SHA-256 digest`)
    return digest.toLowerCase()
  }

  const attempt = async (): Promise<UpdateResult> => {
    const headers: Record<string, string> = {}
    if (etag) headers["if-none-match"] = etag
    if (lastModified) headers["if-modified-since"] = lastModified
    const res = await get(options.url, headers)
    if (res.statusCode === 304) {
      await res.body.dump()
      return { status: "not-modified", detail: "304 not modified" }
    }
    if (res.statusCode !== 200) {
      await res.body.dump()
      return { status: "refused", detail: `answered ${res.statusCode}` }
    }
    const bytes = await readBody(res.body, maxBytes)
    const length = Number(header(res.headers["content-length"]) ?? Number.NaN)
    if (Number.isFinite(length) && length !== bytes.byteLength)
      return { status: "refused", detail: `partial download: ${bytes.byteLength} of ${length} bytes` }
    const want = await expectedDigest()
    const got = hex(bytes)
    if (got !== want) return { status: "refused", detail: `SHA-256 mismatch: got ${got}, expected ${want}` }
    const model = parse(bytes)
    writeAtomic(options.path, bytes)
    options.model.set(model)
    etag = header(res.headers.etag)
    lastModified = header(res.headers["last-modified"])
    return {
      status: "updated",
      detail: `model ${got.slice(0, 12)}: ${model.nham} ham, ${model.nspam} spam, ${model.tokens.size} tokens`
    }
  }

  const check = (): Promise<UpdateResult> => {
    // One check at a time: a slow download and the next tick never race on the file.
    running ??= attempt()
      .catch((e: unknown): UpdateResult => ({ status: "refused", detail: (e as Error).message }))
      .then((r) => {
        lastCheck = new Date().toISOString()
        lastResult = r
        if (r.status !== "not-modified") log(`classifier update ${options.url}: ${r.status}: ${r.detail}`)
        return r
      })
      .finally(() => {
        running = undefined
      })
    return running
  }

  return {
    check,
    start: () => {
      const every = options.intervalMillis ?? 6 * 3600 * 1000
      if (timer || every <= 0) return
      timer = setInterval(() => void check(), every)
      timer.unref?.()
      void check()
    },
    stop: () => {
      if (timer) clearInterval(timer)
      timer = undefined
    },
    status: () => ({ url: options.url, lastCheck, lastResult, etag, lastModified })
  }
}
