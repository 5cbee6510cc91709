/**
 * The quarantine pages over HTTP:
 *
 * | path | for |
 * |---|---|
 * | `GET /quarantine`, `POST /quarantine/login`, `POST /quarantine/logout` | an admin: login with the token, then a session cookie |
 * | `GET /q/{token}` | the recipient a signed digest link is for (no login) |
 * | `GET {base}/m/{id}` and `{base}/m/{id}/html` | one message; its HTML part, sandboxed |
 * | `POST {base}/action` | `action` = release, delete (or not-spam for an admin) on each posted `id` |
 *
 * Each posted id is judged on its own (`ReleaseScan.ts`): a recipient never releases a message
 * held for a virus, a rescan that finds one keeps the message, and the summary says which were
 * refused and why.
 *
 * Every POST carries the page's CSRF token and must come from this origin when the browser says
 * where it comes from (`Origin`); after an action the browser is sent back to the list (303) with
 * a summary.
 *
 * @category services
 * @since 0.1.0
 */
import type * as http from "node:http"
import { bearerMatches, sameSecret } from "../admin/AdminToken.ts"
import { cookies, readForm, send } from "../admin/Http.ts"
import { type QuarantineService, statusOf } from "../admin/QuarantineService.ts"
import { type RefusalKind, ReleaseRefused } from "../ReleaseScan.ts"
import { linkCsrf, verifyLink } from "../digest/DigestLinks.ts"
import { MESSAGE_CSP, PAGE_CSP, STYLE } from "./Html.ts"
import { listPage, loginPage, messagePage, type PageContext } from "./Pages.ts"
import {
  COOKIE,
  clearedCookie,
  csrfMatches,
  makeSessions,
  memorySessionValues,
  type SessionValues,
  sessionCookie
} from "./Sessions.ts"

export interface QuarantinePagesOptions {
  readonly token: () => string | undefined
  /** The digest key: the data directory's file, or the fleet's (Redis). */
  readonly digestKey: () => Buffer | Promise<Buffer>
  /** Where login sessions live; default this process's memory. */
  readonly sessions?: SessionValues | undefined
  readonly now?: (() => number) | undefined
}

const htmlPage = (
  res: http.ServerResponse,
  code: number,
  body: string,
  headers: Readonly<Record<string, string>> = {}
) => send(res, code, "text/html; charset=utf-8", body, { "content-security-policy": PAGE_CSP, ...headers })

const redirect = (res: http.ServerResponse, location: string, headers: Readonly<Record<string, string>> = {}) =>
  send(res, 303, "text/plain; charset=utf-8", "", { location, ...headers })

const DONE: Readonly<Record<string, string>> = {
  release: "released",
  delete: "deleted",
  "not-spam": "released as not spam"
}

/** Why one id's action failed: a release refusal's kind, else the HTTP status. */
type Failure = RefusalKind | number

/** Runs one action on every id, each judged on its own; the summary names what happened without echoing request text. */
const runActions = async (
  service: QuarantineService,
  action: string,
  ids: ReadonlyArray<string>,
  scope: string | undefined,
  by: string
) => {
  let ok = 0
  const failures: Array<Failure> = []
  for (const id of ids) {
    try {
      if (action === "release") await service.release(id, scope, { by })
      else if (action === "delete") await service.remove(id, scope)
      else await service.notSpam(id, scope, { by })
      ok++
    } catch (e) {
      failures.push(e instanceof ReleaseRefused ? e.kind : statusOf(e))
    }
  }
  return { ok, failures }
}

const REFUSED: Readonly<Record<RefusalKind, { readonly recipient: string; readonly admin: string }>> = {
  virus: {
    recipient: "held for a virus (only the mail administrator can release it)",
    admin: "held for a virus (release with the API's allowVirus or mailmoat quarantine release --allow-virus)"
  },
  unavailable: {
    recipient: "not released: the virus scanner is unavailable, try again later",
    admin: "not released: the virus scanner is unavailable, try again later"
  },
  oversize: {
    recipient: "not released: too large to be scanned for viruses",
    admin: "not released: too large to be scanned for viruses"
  }
}

const summary = (action: string, ok: number, failures: ReadonlyArray<Failure>, scope: string | undefined): string => {
  const parts = [`${ok} ${ok === 1 ? "message" : "messages"} ${DONE[action]}`]
  const count = (f: Failure) => failures.filter((x) => x === f).length
  for (const kind of ["virus", "unavailable", "oversize"] as const)
    if (count(kind) > 0) parts.push(`${count(kind)} ${REFUSED[kind][scope === undefined ? "admin" : "recipient"]}`)
  if (count(409) > 0) parts.push(`${count(409)} already released`)
  if (count(404) > 0) parts.push(`${count(404)} no longer in the quarantine`)
  if (count(403) > 0) parts.push(`${count(403)} shared with other recipients (ask the mail administrator)`)
  const other = failures.filter((f) => typeof f === "number" && f !== 409 && f !== 404 && f !== 403).length
  if (other > 0) parts.push(`${other} failed (see the gateway log)`)
  return parts.join("; ")
}

export const makeQuarantinePages = (service: QuarantineService, options: QuarantinePagesOptions) => {
  const sessions = makeSessions(options.sessions ?? memorySessionValues(options.now))
  const nowSeconds = () => Math.floor((options.now ?? Date.now)() / 1000)

  const sameOrigin = (req: http.IncomingMessage) => {
    const origin = req.headers.origin
    if (origin === undefined) return true
    try {
      return new URL(origin).host === req.headers.host
    } catch {
      return false // "null" (sandboxed or privacy-sensitive contexts) and garbage
    }
  }

  /** The pages under one base, for an admin (scope undefined) or one recipient. */
  const serve = async (
    ctx: PageContext,
    rest: string,
    req: http.IncomingMessage,
    res: http.ServerResponse,
    url: URL
  ): Promise<void> => {
    const method = req.method ?? "GET"
    if (method === "GET" && rest === "") {
      const p = url.searchParams
      const filter = {
        q: p.get("q") || undefined,
        recipient: p.get("recipient") || undefined,
        since: p.get("since") || undefined,
        until: p.get("until") || undefined
      }
      try {
        const page = await service.list({ ...filter, cursor: p.get("cursor") || undefined, limit: 50 }, ctx.scope)
        return htmlPage(res, 200, listPage(ctx, { ...page, filter, notice: p.get("notice") || undefined }))
      } catch (e) {
        return htmlPage(
          res,
          statusOf(e) === 503 ? 503 : 400,
          listPage(ctx, { items: [], total: 0, next: null, filter, error: (e as Error).message })
        )
      }
    }
    const m = /^\/m\/([^/]+)(\/html)?$/.exec(rest)
    if (method === "GET" && m) {
      try {
        const detail = await service.detail(decodeURIComponent(m[1]!), ctx.scope)
        if (m[2] === undefined) return htmlPage(res, 200, messagePage(ctx, detail))
        // The message's own HTML: never with our page's rights, only inside the sandboxed frame.
        return send(res, 200, "text/html; charset=utf-8", detail.preview.html ?? "", {
          "content-security-policy": MESSAGE_CSP,
          "x-frame-options": "SAMEORIGIN"
        })
      } catch (e) {
        const code = statusOf(e)
        return htmlPage(
          res,
          code,
          listPage(ctx, {
            items: [],
            total: 0,
            next: null,
            filter: {},
            error: code === 404 ? "That message is no longer in the quarantine." : (e as Error).message
          })
        )
      }
    }
    if (method === "POST" && rest === "/action") {
      const form = await readForm(req)
      if (!sameOrigin(req) || !csrfMatches(form.get("csrf"), ctx.csrf))
        return htmlPage(res, 403, loginPage("The form expired or came from elsewhere; nothing was done."))
      const action = form.get("action") ?? ""
      const allowed = ctx.scope === undefined ? ["release", "delete", "not-spam"] : ["release", "delete"]
      if (!allowed.includes(action)) return htmlPage(res, 400, loginPage("Unknown action; nothing was done."))
      const ids = form.getAll("id").slice(0, 500)
      const by = ctx.scope ?? `quarantine page (${req.socket.remoteAddress ?? "?"})`
      const { ok, failures } = await runActions(service, action, ids, ctx.scope, by)
      return redirect(
        res,
        `${ctx.base}?${new URLSearchParams({ notice: ids.length === 0 ? "Select messages first." : summary(action, ok, failures, ctx.scope) })}`
      )
    }
    return htmlPage(res, 404, loginPage("Not found."))
  }

  return async (req: http.IncomingMessage, res: http.ServerResponse, url: URL): Promise<boolean> => {
    const path = url.pathname
    if (path === "/quarantine/style.css") {
      send(res, 200, "text/css; charset=utf-8", STYLE, { "cache-control": "max-age=3600" })
      return true
    }
    if (path === "/quarantine" || path.startsWith("/quarantine/")) {
      const token = options.token()
      if (token === undefined) {
        htmlPage(
          res,
          404,
          loginPage("The quarantine page is off: set admin.token or admin.tokenFile in the gateway configuration.")
        )
        return true
      }
      const rest = path.slice("/quarantine".length)
      const sid = cookies(req).get(COOKIE)
      if (req.method === "POST" && rest === "/login") {
        const form = await readForm(req)
        const given = form.get("token") ?? ""
        if (!sameOrigin(req) || !sameSecret(given, token)) {
          htmlPage(res, 401, loginPage("Wrong token."))
          return true
        }
        const secure = (req.headers["x-forwarded-proto"] ?? "") === "https" || "encrypted" in req.socket
        redirect(res, "/quarantine", { "set-cookie": sessionCookie(await sessions.open(token), secure) })
        return true
      }
      // A bearer token works too (scripts that fetch the page).
      const session =
        (await sessions.check(sid, token)) ??
        (bearerMatches(req.headers.authorization, token) ? { csrf: "" } : undefined)
      if (req.method === "POST" && rest === "/logout") {
        const form = await readForm(req)
        if (session !== undefined && csrfMatches(form.get("csrf"), session.csrf)) await sessions.close(sid)
        redirect(res, "/quarantine", { "set-cookie": clearedCookie() })
        return true
      }
      if (session === undefined) {
        htmlPage(res, rest === "" ? 200 : 401, loginPage())
        return true
      }
      await serve({ base: "/quarantine", csrf: session.csrf }, rest, req, res, url)
      return true
    }
    const q = /^\/q\/([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)(\/.*)?$/.exec(path)
    if (q) {
      const key = await options.digestKey()
      const link = q[1]!
      const claims = verifyLink(key, link, nowSeconds())
      if (claims === undefined) {
        htmlPage(res, 403, loginPage("This link is not valid or has expired. The next digest brings a new one."))
        return true
      }
      await serve({ base: `/q/${link}`, csrf: linkCsrf(key, link), scope: claims.recipient }, q[2] ?? "", req, res, url)
      return true
    }
    return false
  }
}
