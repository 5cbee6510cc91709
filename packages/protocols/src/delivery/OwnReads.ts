/**
 * The relay client's reads into one buffer of its own: Node's `onread` option for a socket we
 * connect. Every read lands in the same buffer and goes straight to the listener, without the
 * readable stream's machinery (a new buffer per read, `push`, the 'data' event, a
 * `process.nextTick` per read).
 *
 * **Gotchas**
 * - The bytes handed to the listener are a view of the reused buffer, valid only during the call:
 *   whatever the listener keeps it must copy.
 * - Only on Node. Bun hands its own chunk to the callback (with a length that may exceed the
 *   buffer's), and Deno's `node:net` threw on `onread` until 2026-05 (its TCP handle had no
 *   `useUserBuffer`): there the socket keeps the stream's 'data' events (`ownReadsAvailable` is
 *   false).
 * - Bytes read before anyone listens are kept (copied) and handed over at `listen`; after `stop`
 *   (the STARTTLS upgrade: clear-text bytes behind the 220 must not count) they are dropped. A TLS
 *   socket over the connection reads the handle itself and never calls back here.
 *
 * @category models
 * @since 0.1.0
 */

/** Bytes per read; a downstream's replies are a few hundred bytes, a longer read is split. */
const READ_BUFFER_BYTES = 16 * 1024

/** True where `onread` is Node's: reads into the given buffer, no 'data' events. */
export const ownReadsAvailable: boolean =
  typeof process !== "undefined" && process.versions?.bun === undefined && process.versions?.deno === undefined

export class OwnReads {
  readonly buffer: Uint8Array = new Uint8Array(READ_BUFFER_BYTES)
  private listener: ((bytes: Uint8Array) => void) | undefined
  private early: Array<Uint8Array> | undefined = []

  /** The `onread` callback: `n` bytes were read into `buffer` (the callback's own, as Node gives it). */
  readonly callback = (n: number, buffer: Uint8Array): boolean => {
    const bytes = buffer.subarray(0, n)
    if (this.listener !== undefined) this.listener(bytes)
    else this.early?.push(bytes.slice())
    return true
  }

  /** Hands every read to `f` from now on, the ones kept so far first. */
  listen(f: (bytes: Uint8Array) => void): void {
    const early = this.early
    this.early = undefined
    this.listener = f
    for (const bytes of early ?? []) f(bytes)
  }

  /** No listener any more: later reads are dropped. */
  stop(): void {
    this.listener = undefined
    this.early = undefined
  }
}
