/**
 * Output back-pressure for a listener that answers commands: before running the next command,
 * wait while more than `maxPending` reply bytes are still queued for the client. A client that
 * pipelines commands and never reads its replies then stops being read (its own sends block in
 * TCP), instead of making the replies pile up in our memory.
 *
 * **Gotchas**
 * - A client that reads nothing for `stallTimeoutMs` is destroyed; the wait also ends when the
 *   socket closes, so a session never waits on a dead socket.
 *
 * @category services
 * @since 0.1.0
 */
import type * as net from "node:net"

export interface OutputGateOptions {
  readonly maxPending: number
  readonly stallTimeoutMs: number
  /** Called with the queued bytes when the wait starts, and with -1 when the client is cut off. */
  readonly onWait?: (queued: number) => void
}

/** Resolves once at most `maxPending` bytes are queued for `socket` (or it closed). */
export const outputRoom = (socket: net.Socket, options: OutputGateOptions): Promise<void> => {
  if (socket.destroyed || socket.writableLength <= options.maxPending) return Promise.resolve()
  options.onWait?.(socket.writableLength)
  return new Promise<void>((resolve) => {
    const done = (): void => {
      clearTimeout(timer)
      socket.removeListener("drain", done)
      socket.removeListener("close", done)
      resolve()
    }
    const timer = setTimeout(() => {
      options.onWait?.(-1)
      socket.destroy()
      done()
    }, options.stallTimeoutMs)
    socket.once("drain", done)
    socket.once("close", done)
  })
}
