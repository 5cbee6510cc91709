/**
 * The grace period after our closing reply: the socket is half-closed so the client can read the
 * reply, and destroyed if the client has not closed its end within `ms`. A client with nothing
 * more to send (QUIT with nothing behind it) is not waited for: `destroyWhenWritten`.
 *
 * **Gotchas**
 * - The timer is cleared when the socket closes. A pending timer keeps its socket, and through
 *   the socket's listeners the whole session, reachable: left running, every finished session on
 *   a busy listener would outlive its client by the full grace period, long enough to be promoted
 *   to the old generation and collected only by a full (mark-compact) collection.
 *
 * @category constructors
 * @since 0.1.0
 */
import type * as net from "node:net"

/** Destroys `socket` after `ms` unless it closes first; the timer never keeps the process alive. */
export const destroyAfter = (socket: net.Socket, ms: number): void => {
  if (socket.destroyed) return
  const timer = setTimeout(() => socket.destroy(), ms)
  timer.unref()
  socket.once("close", () => clearTimeout(timer))
}

/**
 * Closes `socket` once everything written to it (the closing reply, then our FIN) has been handed
 * to the kernel: for a client that has nothing more to send, so the session does not wait for it
 * to close its end. `destroyAfter` stays the bound for a client that does not read.
 */
export const destroyWhenWritten = (socket: net.Socket): void => {
  if (socket.destroyed) return
  if (socket.writableFinished) socket.destroy()
  else socket.once("finish", () => socket.destroy())
}
