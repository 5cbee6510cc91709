/**
 * What the admin HTTP server answers, and who may ask:
 *
 * - `GET /status`, `GET /metrics`: anyone on loopback; from elsewhere only with the bearer token.
 * - `/api/*`: always the bearer token (`Authorization: Bearer <admin.token>`), else 401. Without
 *   a configured token the API is off (401 saying so).
 * - `/quarantine` and `/q/{link}`: the quarantine pages, which authenticate themselves (login
 *   with the token and a session cookie; a signed digest link).
 *
 * The token is read on every request, so a reload that changes it applies at once.
 *
 * @category services
 * @since 0.1.0
 */
import type * as http from "node:http"
import { bearerMatches } from "./AdminToken.ts"
import { type ApiDeps, handleApi } from "./ApiRoutes.ts"
import { fromLoopback, send, sendError } from "./Http.ts"

export interface AdminAppDeps {
  readonly status: () => unknown
  readonly metrics: () => Promise<string>
  readonly token: () => string | undefined
  readonly api: ApiDeps
  /** The quarantine pages; resolves false when the path is not theirs. */
  readonly pages?: ((req: http.IncomingMessage, res: http.ServerResponse, url: URL) => Promise<boolean>) | undefined
}

const unauthorized = (res: http.ServerResponse, message: string) =>
  send(res, 401, "application/json; charset=utf-8", `${JSON.stringify({ error: message })}\n`, {
    "www-authenticate": 'Bearer realm="mailmoat"'
  })

/** The request target against our own origin; undefined when it is no URL. */
const requestUrl = (target: string | undefined): URL | undefined => {
  try {
    return new URL(target ?? "/", "http://admin.invalid")
  } catch {
    return undefined
  }
}

export const makeAdminApp =
  (deps: AdminAppDeps) =>
  async (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
    try {
      // Node's parser passes request targets that are no URL (`//[`, `http://a:99999/`); parsed
      // outside this try, one such request rejected the handler's promise and ended the process.
      const url = requestUrl(req.url)
      if (url === undefined) return sendError(res, 400, "the request target is not a valid URL path")
      const path = url.pathname
      const token = deps.token()
      const authorized = token !== undefined && bearerMatches(req.headers.authorization, token)
      if (path === "/status" || path === "/metrics") {
        if (req.method !== "GET" && req.method !== "HEAD")
          return send(res, 405, "text/plain; charset=utf-8", "method not allowed\n")
        if (!fromLoopback(req) && !authorized)
          return unauthorized(res, "a bearer token is needed from outside this machine")
        if (path === "/status")
          return send(res, 200, "application/json; charset=utf-8", `${JSON.stringify(deps.status(), null, 2)}\n`)
        return send(res, 200, "text/plain; version=0.0.4; charset=utf-8", await deps.metrics())
      }
      if (path === "/api" || path.startsWith("/api/")) {
        if (token === undefined) return unauthorized(res, "the admin API is off: set admin.token or admin.tokenFile")
        if (!authorized) return unauthorized(res, "missing or wrong bearer token")
        return await handleApi(deps.api, req, res, url)
      }
      if (deps.pages && (await deps.pages(req, res, url))) return
      return send(
        res,
        404,
        "text/plain; charset=utf-8",
        "not found: try /status, /metrics, /api/quarantine or /quarantine\n"
      )
    } catch (error) {
      if (!res.headersSent) return sendError(res, 500, `admin request failed: ${(error as Error).message}`)
      res.destroy()
    }
  }
