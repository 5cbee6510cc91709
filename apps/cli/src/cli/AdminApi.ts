/**
 * Requests to a running gateway's admin API, for what lives only in the gateway (its embedded
 * reputation memory): the address from `admin.host`/`admin.port` (or `--url`), the bearer token
 * from `admin.token` or `admin.tokenFile`, as the gateway itself reads them.
 *
 * Failures map to the CLI's exit codes: what the user can fix (no token, the admin API off, a
 * 400/401/404/409 from the gateway) is an `InputError` (exit 2); a gateway that cannot be reached
 * or a 5xx (its store down) is a `RuntimeFailure` (exit 1). Each says what was asked of whom.
 *
 * @since 0.1.0
 */
import type { LoadedConfig } from "./Config.ts"
import { messageOf } from "./Common.ts"
import { InputError, RuntimeFailure } from "./Errors.ts"

export interface AdminApi {
  /** The JSON the gateway answers with (2xx), or the mapped error. */
  readonly request: (method: "GET" | "DELETE", path: string) => Promise<Record<string, unknown>>
}

/** A wildcard listen address is reached on loopback; IPv6 literals go in brackets. */
const hostOf = (host: string): string => {
  if (host === "0.0.0.0" || host === "") return "127.0.0.1"
  if (host === "::") return "[::1]"
  return host.includes(":") ? `[${host}]` : host
}

/** The admin API's base URL: `--url`, else the configuration's listen address. */
const baseUrl = (config: LoadedConfig, given: string | undefined): string => {
  if (given !== undefined) {
    if (!/^https?:\/\/[^/]+\/?$/.test(given))
      throw new InputError([`--url: expected http://HOST:PORT, got ${JSON.stringify(given)}`])
    return given.replace(/\/$/, "")
  }
  const a = config.config.admin
  if (!a.enabled) throw new InputError(["the admin API is off (admin.enabled: false); enable it or give --url"])
  if (a.port === 0) throw new InputError(["admin.port is 0 (any free port): give the gateway's --url"])
  return `http://${hostOf(a.host)}:${a.port}`
}

export const adminApi = async (config: LoadedConfig, url: string | undefined): Promise<AdminApi> => {
  const base = baseUrl(config, url)
  const { resolveAdminToken } = await import("@mailmoat/gateway")
  let token: string | undefined
  try {
    token = resolveAdminToken(config.config.admin, config.base)
  } catch (e) {
    throw new InputError([messageOf(e)])
  }
  if (token === undefined) throw new InputError(["the admin API needs a token: set admin.token or admin.tokenFile"])
  return {
    request: async (method, path) => {
      let res: Response
      try {
        res = await fetch(`${base}${path}`, { method, headers: { authorization: `Bearer ${token}` } })
      } catch (e) {
        const cause = (e as { cause?: unknown }).cause
        throw new RuntimeFailure(`cannot reach the gateway's admin API at ${base}: ${messageOf(cause ?? e)}`)
      }
      const text = await res.text()
      let body: Record<string, unknown> = {}
      try {
        body = JSON.parse(text) as Record<string, unknown>
      } catch {
        body = { error: text.trim() }
      }
      if (res.ok) return body
      const reason = `${base} answered ${res.status}: ${String(body.error ?? res.statusText)}`
      if (res.status >= 500) throw new RuntimeFailure(reason)
      throw new InputError([reason])
    }
  }
}
