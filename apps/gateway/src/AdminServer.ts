/**
 * The admin HTTP API (node:http, loopback by default): `GET /status` (JSON: overall protection,
 * listeners, where mail goes, each module's state, counters) and `GET /metrics` (Prometheus
 * text). Read-only; anything else is 404/405.
 *
 * **Gotchas**
 * - Bind it to loopback (the default 127.0.0.1:8025): it has no authentication.
 * - `protected` is true while the SMTP listener runs: antispam being switched off is a choice,
 *   not a drop in protection, and the per-module state says what is on.
 *
 * @category services
 * @since 0.1.0
 */
import * as http from "node:http"
import type { AddressInfo } from "node:net"

export interface AdminServer {
  readonly address: { readonly host: string; readonly port: number }
  close(): Promise<void>
}

export interface AdminRoutes {
  readonly status: () => unknown
  readonly metrics: () => string
}

export const startAdmin = (host: string, port: number, routes: AdminRoutes): Promise<AdminServer> => {
  const sockets = new Set<import("node:net").Socket>()
  const server = http.createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0]
    const send = (code: number, type: string, body: string) => {
      res.writeHead(code, { "content-type": type, "cache-control": "no-store" })
      res.end(body)
    }
    if (req.method !== "GET" && req.method !== "HEAD") return send(405, "text/plain; charset=utf-8", "method not allowed\n")
    try {
      if (path === "/status") return send(200, "application/json; charset=utf-8", `${JSON.stringify(routes.status(), null, 2)}\n`)
      if (path === "/metrics") return send(200, "text/plain; version=0.0.4; charset=utf-8", routes.metrics())
      return send(404, "text/plain; charset=utf-8", "not found: try /status or /metrics\n")
    } catch (error) {
      return send(500, "text/plain; charset=utf-8", `status failed: ${(error as Error).message}\n`)
    }
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
