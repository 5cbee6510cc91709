// A scripted fake IMAP/POP3 upstream on loopback: sends `greeting`, then calls `onLine` for
// every CRLF-terminated line the proxy sends.
import * as net from "node:net"

export type Script = (socket: net.Socket, line: string) => void

export const fakeServer = async (greeting: string, onLine: Script) => {
  const sockets = new Set<net.Socket>()
  const server = net.createServer((s) => {
    sockets.add(s)
    s.on("error", () => undefined)
    s.on("close", () => sockets.delete(s))
    s.write(greeting)
    let buf = ""
    s.on("data", (d: Buffer) => {
      buf += d.toString("latin1")
      let i: number
      while ((i = buf.indexOf("\r\n")) !== -1) {
        const line = buf.slice(0, i)
        buf = buf.slice(i + 2)
        onLine(s, line)
      }
    })
  })
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()))
  return {
    port: (server.address() as net.AddressInfo).port,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy()
        server.close(() => r())
      })
  }
}
