/**
 * The admin HTTP server (node:http, loopback by default) serving `admin/AdminApp.ts`: `/status`,
 * `/metrics`, the JSON API under `/api/` and the quarantine pages.
 *
 * **Gotchas**
 * - Without `admin.token` the configuration refuses a non-loopback `admin.host`; with one, every
 *   `/api/*` call needs it, and `/status` and `/metrics` need it from outside this machine.
 * - `protected` is true while the SMTP listener runs: antispam being switched off is a choice,
 *   not a drop in protection, and the per-module state says what is on.
 *
 * @category services
 * @since 0.1.0
 */
import * as http from "node:http"
import type { AddressInfo, Socket } from "node:net"

export interface AdminServer {
  readonly address: { readonly host: string; readonly port: number }
  close(): Promise<void>
}

export type AdminHandler = (req: http.IncomingMessage, res: http.ServerResponse) => Promise<void>

export const startAdmin = (host: string, port: number, handle: AdminHandler): Promise<AdminServer> => {
  const sockets = new Set<Socket>()
  const server = http.createServer((req, res) => {
    // A handler that still fails costs its request, never the process (SMTP runs in it too).
    handle(req, res).catch(() => res.destroy())
  })
  server.on("connection", (s) => {
    sockets.add(s)
    s.once("close", () => sockets.delete(s))
  })
  return new Promise((resolve, reject) => {
    server.once("error", reject)
    server.listen(port, host, () => {
      server.removeListener("error", reject)
      const a = server.address() as AddressInfo
      resolve({
        address: { host: a.address, port: a.port },
        close: () =>
          new Promise<void>((r) => {
            server.close(() => r())
            // Keep-alive connections would hold close() open.
            for (const s of sockets) s.destroy()
          })
      })
    })
  })
}
