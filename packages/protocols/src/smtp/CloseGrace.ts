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
import * as tls from "node:tls"

/** Destroys `socket` after `ms` unless it closes first; the timer never keeps the process alive. */
export const destroyAfter = (socket: net.Socket, ms: number): void => {
  if (socket.destroyed) return
  const timer = setTimeout(() => socket.destroy(), ms)
  timer.unref()
  socket.once("close", () => clearTimeout(timer))
}

/**
 * Ends a session whose client has nothing more to send and whose closing reply has been written:
 * a plain TCP socket whose written bytes are all in the kernel already is closed at once, and
 * `close(2)` sends the FIN behind the reply (with nothing unread, the kernel sends no RST), so the
 * `shutdown(2)` of `end()`, its request and the stream's `finish` are not needed. Otherwise (TLS,
 * which owes the client its close_notify first, or bytes still queued in the stream) the socket
 * is ended and closed once that is written (`destroyWhenWritten`). Returns whether the socket was
 * closed at once.
 */
export const closeDone = (socket: net.Socket): boolean => {
  if (!(socket instanceof tls.TLSSocket) && socket.writableLength === 0 && !socket.destroyed) {
    socket.destroy()
    return true
  }
  socket.end()
  destroyWhenWritten(socket)
  return false
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
