// An answer that arrives while the process is busy: a UDP datagram sent over loopback, then the
// thread kept busy past a deadline in the same turn of the event loop. When the turn ends the
// datagram is waiting in the socket and the deadline has passed: which of the two a waiter sees
// is what the tests built on this decide.
import { createSocket, type Socket } from "node:dgram"

export interface Loopback {
  /** Calls `onMessage` with the next datagram's text. */
  readonly next: (onMessage: (text: string) => void) => void
  /** Sends `text`, then keeps the thread busy for `busyMillis` before returning. */
  readonly sendThenStall: (text: string, busyMillis: number) => void
  readonly close: () => void
}

const bound = (socket: Socket): Promise<number> =>
  new Promise((resolve) => socket.bind(0, "127.0.0.1", () => resolve(socket.address().port)))

export const loopback = async (): Promise<Loopback> => {
  const rx = createSocket("udp4")
  const tx = createSocket("udp4")
  const port = await bound(rx)
  await bound(tx)
  await new Promise<void>((resolve) => tx.connect(port, "127.0.0.1", () => resolve()))
  return {
    next: (onMessage) => rx.once("message", (m: Buffer) => onMessage(m.toString())),
    sendThenStall: (text, busyMillis) => {
      tx.send(text)
      const end = Date.now() + busyMillis
      while (Date.now() < end) {
        // Busy on purpose: the deadline passes while this turn runs.
      }
    },
    close: () => {
      rx.close()
      tx.close()
    }
  }
}
