/**
 * The JSON admin API under `/api/` (the caller is already authenticated):
 *
 * | method + path | does |
 * |---|---|
 * | `GET /api/quarantine?recipient=&q=&since=&until=&limit=&cursor=` | `{ items, next, total }`, newest first |
 * | `GET /api/quarantine/{id}` | metadata, header fields, text preview |
 * | `POST /api/quarantine/{id}/release?allowVirus=1` | rescan (`antispam.virus`), then re-inject with the original envelope (409 when already released, or when it carries a virus and `allowVirus` is absent; 503 while clamd is down under `onUnavailable: tempfail`) |
 * | `POST /api/quarantine/{id}/delete` | remove without delivering |
 * | `POST /api/quarantine/{id}/not-spam?allowVirus=1` | release, then learn as ham (not a message carrying a virus: `learned` says so) |
 * | `GET /api/lists` | both lists |
 * | `GET, POST /api/lists/blocklist`, `DELETE /api/lists/blocklist/{entry}` | end-user blocklist (`{ "entry": ... }`) |
 * | `GET, POST /api/lists/safe-senders`, `DELETE /api/lists/safe-senders/{recipient}/{sender}` | safe senders (`{ "recipient", "sender" }`) |
 * | `GET /api/reputation?kind=ip\|net\|domain&order=worst\|recent&limit=&cursor=` | `{ keys, next, ranked }`: a page of keys with their reports (bounded: `Listing.ts`) |
 * | `GET /api/reputation/{ip\|network\|domain}` | the key's decayed counts, ratio and symbol now (an IP: its network's too) |
 * | `DELETE /api/reputation/{ip\|network\|domain}?network=1` | delete that key's history, an address's network too with `network=1` (409 when reputation is off) |
 * | `POST /api/reload` | re-read the configuration (422 with `problems` when it is refused) |
 *
 * @category services
 * @since 0.1.0
 */
import type * as http from "node:http"
import { BadRequest, readJson, sendError, sendJson } from "./Http.ts"
import type { ReloadOutcome } from "../reload/Reloader.ts"
import { ReleaseRefused } from "../ReleaseScan.ts"
import { OperationError, type QuarantineService, type ReleaseOptions, statusOf } from "./QuarantineService.ts"
import type { ReputationAdmin } from "./ReputationAdmin.ts"
import type { UserLists } from "./UserLists.ts"

export interface ApiDeps {
  readonly quarantine: QuarantineService
  readonly lists: () => UserLists
  readonly reload: () => Promise<ReloadOutcome>
  readonly reputation?: ReputationAdmin | undefined
}

const stringField = (body: Record<string, unknown>, key: string): string => {
  const v = body[key]
  if (typeof v !== "string" || v.trim() === "") throw new BadRequest(`${key}: expected a non-empty string`)
  return v
}

const intParam = (url: URL, key: string): number | undefined => {
  const v = url.searchParams.get(key)
  if (v === null || v === "") return undefined
  if (!/^\d+$/.test(v)) throw new BadRequest(`${key}: expected a whole number, got ${JSON.stringify(v)}`)
  return Number(v)
}

/** The path with its variable segments as ":" (the quarantine id; list entries; a reputation key). */
const routePattern = (parts: ReadonlyArray<string>): string =>
  parts
    .map((p, i) =>
      (parts[0] === "quarantine" && i === 1) ||
      (parts[0] === "lists" && i >= 2) ||
      (parts[0] === "reputation" && i === 1)
        ? ":"
        : p
    )
    .join("/")

/** A path segment decoded; malformed percent-encoding is the caller's mistake (400), not ours (500). */
const segment = (raw: string): string => {
  try {
    return decodeURIComponent(raw)
  } catch {
    throw new BadRequest(`malformed percent-encoding in the path: ${JSON.stringify(raw.slice(0, 40))}`)
  }
}

const param = (url: URL, key: string) => url.searchParams.get(key) || undefined

/** A yes/no parameter: absent, `0` or `false` is no; `1` or `true` is yes. */
const flagParam = (url: URL, key: string): boolean => {
  const v = url.searchParams.get(key)
  if (v === null || v === "" || v === "0" || v === "false") return false
  if (v === "1" || v === "true") return true
  throw new BadRequest(`${key}: expected 1 or 0, got ${JSON.stringify(v.slice(0, 40))}`)
}

/** Who releases (for the log lines) and whether they override a virus refusal. */
const releaseOptions = (req: http.IncomingMessage, url: URL): ReleaseOptions => ({
  by: `admin API (${req.socket.remoteAddress ?? "?"})`,
  allowVirus: flagParam(url, "allowVirus")
})

export const handleApi = async (
  deps: ApiDeps,
  req: http.IncomingMessage,
  res: http.ServerResponse,
  url: URL
): Promise<void> => {
  const method = req.method ?? "GET"
  try {
    const parts = url.pathname.split("/").slice(2).map(segment)
    const route = `${method} ${routePattern(parts)}`
    const q = deps.quarantine
    switch (route) {
      case "GET quarantine":
        return sendJson(
          res,
          200,
          await q.list({
            recipient: param(url, "recipient"),
            q: param(url, "q"),
            since: param(url, "since"),
            until: param(url, "until"),
            limit: intParam(url, "limit"),
            cursor: param(url, "cursor")
          })
        )
      case "GET quarantine/:":
        return sendJson(res, 200, await q.detail(parts[1]!))
      case "POST quarantine/:/release":
        return sendJson(res, 200, await q.release(parts[1]!, undefined, releaseOptions(req, url)))
      case "POST quarantine/:/delete":
        return sendJson(res, 200, await q.remove(parts[1]!))
      case "POST quarantine/:/not-spam":
        return sendJson(res, 200, await q.notSpam(parts[1]!, undefined, releaseOptions(req, url)))
      case "GET lists":
        return sendJson(res, 200, { blocklist: deps.lists().blocklist(), safeSenders: safeSendersOrNull(deps.lists()) })
      case "GET lists/blocklist":
        return sendJson(res, 200, { entries: deps.lists().blocklist() })
      case "POST lists/blocklist":
        return sendJson(res, 201, { entries: await deps.lists().addBlocked(stringField(await readJson(req), "entry")) })
      case "DELETE lists/blocklist/:":
        return sendJson(res, 200, { entries: await deps.lists().removeBlocked(parts[2]!) })
      case "GET lists/safe-senders": {
        const all = deps.lists().safeSenders()
        const r = param(url, "recipient")?.toLowerCase()
        return sendJson(res, 200, { recipients: r === undefined ? all : { [r]: all[r] ?? [] } })
      }
      case "POST lists/safe-senders": {
        const body = await readJson(req)
        const recipient = stringField(body, "recipient")
        return sendJson(res, 201, {
          recipient: recipient.toLowerCase(),
          safeSenders: await deps.lists().addSafeSender(recipient, stringField(body, "sender"))
        })
      }
      case "DELETE lists/safe-senders/:/:":
        return sendJson(res, 200, {
          recipient: parts[2]!.toLowerCase(),
          safeSenders: await deps.lists().removeSafeSender(parts[2]!, parts[3]!)
        })
      case "GET reputation":
        return sendJson(res, 200, await reputationOf(deps).list((name) => url.searchParams.get(name)))
      case "GET reputation/:":
        return sendJson(res, 200, await reputationOf(deps).show(parts[1]!))
      case "DELETE reputation/:":
        return sendJson(
          res,
          200,
          await reputationOf(deps).reset(
            parts[1]!,
            `admin API (${req.socket.remoteAddress ?? "?"})`,
            flagParam(url, "network")
          )
        )
      case "POST reload": {
        const outcome = await deps.reload()
        return outcome.ok ? sendJson(res, 200, outcome) : sendJson(res, 422, outcome)
      }
      default:
        return sendError(res, 404, `no such API endpoint: ${method} ${url.pathname}`)
    }
  } catch (e) {
    if (e instanceof BadRequest) return sendError(res, e.status, e.message)
    // A refused release says why in a field a script can read: virus (with its signature), unavailable, oversize.
    if (e instanceof ReleaseRefused)
      return sendError(res, e.status, e.message, {
        refused: e.kind,
        ...(e.signature !== undefined ? { signature: e.signature } : {})
      })
    return sendError(res, statusOf(e), (e as Error).message)
  }
}

const reputationOf = (deps: ApiDeps): ReputationAdmin => {
  if (deps.reputation === undefined) throw new OperationError(404, "no reputation counters in this admin API")
  return deps.reputation
}

const safeSendersOrNull = (lists: UserLists) => {
  try {
    return lists.safeSenders()
  } catch {
    return null
  }
}
